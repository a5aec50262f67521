"""Throw-away PostgreSQL databases, one per name, for the benchmark and the tests."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text


@contextmanager
def scratch_databases(url: str, names: Iterable[str], prefix: str = "xf") -> Iterator[dict[str, str]]:
    """Create ``<prefix>_<random>_<name>`` beside the database at ``url`` for each name; drop them afterwards."""
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    stem = f"{prefix}_{uuid.uuid4().hex[:8]}"
    base = url.rsplit("/", 1)[0]
    names = list(names)
    try:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f"CREATE DATABASE {stem}_{name}"))
        yield {name: f"{base}/{stem}_{name}" for name in names}
    finally:
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f"DROP DATABASE IF EXISTS {stem}_{name} WITH (FORCE)"))
        admin.dispose()
