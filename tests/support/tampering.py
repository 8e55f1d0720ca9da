"""What someone holding the database file does before editing it behind the service's
back: switch off the append-only triggers of a table."""

from __future__ import annotations

from sqlalchemy import Connection, text


def append_only_switched_off(connection: Connection, table: str) -> None:
    """Drop ``table``'s append-only triggers (SQLite) or disable them (PostgreSQL)."""
    if connection.dialect.name == "sqlite":
        for verb in ("update", "delete"):
            connection.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{verb}"))
    else:
        connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
