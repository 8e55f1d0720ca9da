"""Database triggers that make a table append-only, for the migrations."""

from alembic import op


def append_only(table: str) -> None:
    """Refuse UPDATE and DELETE on ``table`` inside the database itself."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for verb in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: "
                f"corrections are new events'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE OR REPLACE FUNCTION xinyong_append_only() RETURNS trigger AS $$ "
            "BEGIN RAISE EXCEPTION '% is append-only: corrections are new events', "
            "TG_TABLE_NAME; END; $$ LANGUAGE plpgsql"
        )
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION xinyong_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION xinyong_append_only()"
        )
    else:  # pragma: no cover
        raise NotImplementedError(f"no append-only triggers for {dialect}")
