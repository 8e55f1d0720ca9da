"""A database of a test module's own, built like the shared template (catalogs loaded by
the command line, events imported by it), with tokens and servers over it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.due_process.conftest import Cli, Database, copy_database, opened


def build(
    catalogs_db: Database,
    folder: Path,
    events: list[dict],
    subjects: dict[str, str],
    others: dict[str, tuple[str, str, tuple[str, ...]]],
) -> tuple[Database, dict[str, str]]:
    """A copy of ``catalogs_db`` with ``events`` imported, and a token for each subject
    (by key) and for each of ``others`` (key: role, name, scopes)."""
    from xinyong.domain.identifiers import SubjectRef

    db = copy_database(catalogs_db, folder)
    path = folder / "events.jsonl"
    path.write_text("".join(json.dumps(e) + "\n" for e in events))
    Cli(db, folder)("import", str(path))
    tokens = {}
    with opened(db) as d:
        for key, subject in subjects.items():
            tokens[key] = d.tokens.create("subject", subject=SubjectRef.parse(subject))[1]
        for key, (role, name, scopes) in others.items():
            tokens[key] = d.tokens.create(role, name, scopes)[1]
    return db, tokens
