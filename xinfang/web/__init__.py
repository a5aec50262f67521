"""The HTTP API and the web console: the same NATS commands as the CLI, the same projections; no rule, no store."""
