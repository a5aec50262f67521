"""One clock: no module but services/runtime/clock.py reads the machine's date or time of day, tests included."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("events", "services", "projections", "xinfang", "tests")
THE_CLOCK = ROOT / "services" / "runtime" / "clock.py"
# The calls that read the real date or time of day; spelled as a pattern so this file does not match itself.
READS_THE_DATE = re.compile(
    r"\b(?:date|datetime)\s*\.\s*(?:today|now|utcnow)\s*\("
    r"|\btime\s*\.\s*(?:time|time_ns|localtime|gmtime|ctime)\s*\("
)


def python_files() -> list[Path]:
    return sorted(p for package in PACKAGES for p in (ROOT / package).rglob("*.py") if p != THE_CLOCK)


def test_only_the_clock_reads_the_real_date() -> None:
    offenders = [
        f"{path.relative_to(ROOT)}:{number}: {line.strip()}"
        for path in python_files()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if READS_THE_DATE.search(line)
    ]
    assert not offenders, "read the date from the injected clock instead:\n" + "\n".join(offenders)


def test_the_pattern_catches_what_it_must() -> None:
    call = "("  # kept apart so that these samples are not calls in this file
    for line in ("x = date.today", "dt.datetime.now", "datetime.utcnow", "t = time.time"):
        assert READS_THE_DATE.search(line + call), line
    for line in ("clock.today()", "self.clock.now()", "time.monotonic()", "timedelta(days=1)"):
        assert not READS_THE_DATE.search(line), line


def test_the_scan_sees_the_whole_code_base() -> None:
    scanned = {p.relative_to(ROOT).parts[0] for p in python_files()}
    assert scanned == set(PACKAGES)
