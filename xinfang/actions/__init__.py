"""Staff actions on cases, one module per service; importing this package registers them on the CLI."""

from xinfang.actions import assignment, intake, mediation, notices, supervision

__all__ = ["assignment", "intake", "mediation", "notices", "supervision"]
