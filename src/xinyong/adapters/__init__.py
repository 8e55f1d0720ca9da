"""Adapters to the world outside: storage (SQLAlchemy + Alembic), event files, SMTP."""
