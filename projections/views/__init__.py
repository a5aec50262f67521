"""The read side's views over the case files: each a pure function of the files and the day they are read on."""
