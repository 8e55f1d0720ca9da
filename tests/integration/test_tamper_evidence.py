"""Tamper evidence that needs the key to forge: attacks by someone who can write the
database file but does not hold the secret key, on SQLite and PostgreSQL. Each attack
first shows that it changes an answer, then that `ledger verify` catches it."""

from __future__ import annotations

import datetime as dt
import hashlib
import json

import pytest
from sqlalchemy import text

from tests.support.tampering import append_only_switched_off
from xinyong.adapters.storage import checkpoint as checkpoints
from xinyong.adapters.storage.chain import CHAINED
from xinyong.bootstrap import open_deployment
from xinyong.domain.identifiers import SubjectRef

pytestmark = pytest.mark.integration

FIRM = SubjectRef.parse("uscc:91457222EK0R7L5HJ3")
ACTION = "procurement.bid.large"
DAY = dt.date(2023, 5, 31)


@pytest.fixture
def filled(filled_database, settings):
    deployment = open_deployment(filled_database, settings)
    yield deployment
    deployment.close()


def _broken(deployment, checkpoint_file=None) -> list[str]:
    """What verification finds: chain breaks, and disagreements with a checkpoint."""
    anchor = checkpoints.read(checkpoint_file, deployment.node_key().public_key) if checkpoint_file else None
    marks = {n: length for n, (length, _) in anchor.tables.items()} if anchor else None
    with deployment.store.reading() as connection:
        reports = deployment.store.verify(connection, marks)
    problems = [f"{r.table}@{r.broken_at}: {r.problem}" for r in reports if not r.intact]
    if anchor is not None:
        problems += checkpoints.compare(anchor, reports)
    return problems


def _fresh(database, settings):
    return open_deployment(database, settings)


def _decision(database, settings) -> str:
    deployment = _fresh(database, settings)
    try:
        return deployment.inquiries.check(FIRM, ACTION, DAY).decision
    finally:
        deployment.close()


def test_an_untouched_database_verifies_on_every_chained_table(filled):
    with filled.store.reading() as connection:
        reports = filled.store.verify(connection)
    assert [r.table for r in reports] == list(CHAINED)
    assert all(r.intact for r in reports), reports
    # Every table holds rows but those of partner nodes' bundles: this node imported none.
    assert all(r.rows > 0 for r in reports if not r.table.startswith("federation_")), reports


def test_a_forged_annulment_rechained_without_the_key_is_caught(filled, database, settings):
    assert _decision(database, settings) == "deny"
    with filled.store.reading() as connection:
        row = connection.execute(
            text(
                "SELECT record_id, subject_key FROM ledger WHERE kind = 'record' AND rule LIKE 'market-enterprise/%' "
                "ORDER BY seq"
            )
        ).all()
    # The firm's records: annul each with a row chained as an attacker can (no key).
    # Digests are stored as their raw bytes (migration 0012).
    firm_key = bytes.fromhex(filled.store.subject_key(FIRM))
    records = [r.record_id for r in row if bytes(r.subject_key) == firm_key]
    assert records
    with filled.store.engine.begin() as connection:
        for record_id in records:
            seq, previous = connection.execute(text("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1")).one()
            body = json.dumps({"on": "2023-01-01", "record": record_id, "type": "annulled"}, separators=(",", ":"))
            forged = hashlib.sha256(f"{bytes(previous).hex()}{seq + 1}{body}".encode()).digest()
            connection.execute(
                text(
                    "INSERT INTO ledger "
                    "(seq, kind, record_id, subject_key, body, fingerprint, recorded_at, prev_hash, hash) "
                    "VALUES (:seq, 'annulled', :record, :key, :body, :fp, '2026-01-01T00:00:00+00:00', :prev, :hash)"
                ),
                {
                    "seq": seq + 1,
                    "record": record_id,
                    "key": firm_key,
                    "body": body,
                    "fp": forged,
                    "prev": previous,
                    "hash": forged,
                },
            )
    assert _decision(database, settings) == "allow"  # the attack changes the answer...
    problems = _broken(_fresh(database, settings))
    assert problems and problems[0].startswith("ledger@")  # ...and verification names the row
    assert "keyed hash" in problems[0]


@pytest.mark.parametrize(
    "column,value",
    [
        ("rule", "'market-enterprise/nothing'"),
        ("occurred_on", "'2020-01-01'"),
        ("submitted_by", "'someone-else'"),
        ("kind", "'fulfilled'"),
    ],
)
def test_an_edit_to_any_column_of_the_ledger_is_caught(filled, column, value):
    with filled.store.engine.begin() as connection:
        append_only_switched_off(connection, "ledger")
        connection.execute(text(f"UPDATE ledger SET {column} = {value} WHERE seq = 5"))
    problems = _broken(filled)
    assert problems and problems[0].startswith("ledger@5"), problems


@pytest.mark.parametrize(
    "table,column",
    [
        ("catalog_versions", "source"),
        ("access_log", "reader"),
        ("notices", "kind"),
        ("deliveries", "outcome"),
        ("cases", "step"),
    ],
)
def test_an_edit_to_another_append_only_table_is_caught(filled, table, column):
    with filled.store.engine.begin() as connection:
        append_only_switched_off(connection, table)
        first = connection.execute(text(f"SELECT min(seq) FROM {table}")).scalar_one()
        connection.execute(text(f"UPDATE {table} SET {column} = {column} || 'x' WHERE seq = :seq"), {"seq": first})
    problems = _broken(filled)
    assert problems and problems[0].startswith(f"{table}@"), problems


def test_an_edited_stored_catalog_changes_answers_and_is_caught(filled, database, settings):
    with filled.store.engine.begin() as connection:
        append_only_switched_off(connection, "catalog_versions")
        connection.execute(
            text("UPDATE catalog_versions SET source = replace(source, 'effect = \"deny\"', 'effect = \"allow\"')")
        )
    assert _decision(database, settings) != "deny"
    assert any(p.startswith("catalog_versions@") for p in _broken(_fresh(database, settings)))


def test_a_deleted_access_log_row_is_caught(filled):
    for day in (2, 3):
        filled.inquiries.standing(SubjectRef.parse("rid:140451198304254480"), "city-personal", dt.date(2025, 1, day))
    with filled.store.engine.begin() as connection:
        append_only_switched_off(connection, "access_log")
        connection.execute(text("DELETE FROM access_log WHERE seq = (SELECT min(seq) FROM access_log)"))
    problems = _broken(filled)
    assert problems and problems[0].startswith("access_log@"), problems


def test_reordered_rows_are_caught(filled):
    with filled.store.engine.begin() as connection:
        append_only_switched_off(connection, "ledger")
        connection.execute(text("UPDATE ledger SET seq = -1 WHERE seq = 10"))
        connection.execute(text("UPDATE ledger SET seq = 10 WHERE seq = 11"))
        connection.execute(text("UPDATE ledger SET seq = 11 WHERE seq = -1"))
    problems = _broken(filled)
    assert problems and problems[0].startswith("ledger@10"), problems


def test_rows_removed_from_the_end_are_caught_by_a_checkpoint(filled, tmp_path):
    anchor = tmp_path / "checkpoint.json"
    anchor.write_text(json.dumps(filled.checkpoint()))
    assert _broken(filled, anchor) == []
    with filled.store.engine.begin() as connection:
        append_only_switched_off(connection, "ledger")
        connection.execute(text("DELETE FROM ledger WHERE seq > (SELECT max(seq) - 100 FROM ledger)"))
    assert _broken(filled) == []  # the chain alone cannot tell a shorter history...
    problems = _broken(filled, anchor)  # ...the signed checkpoint can
    when = json.loads(anchor.read_text())["time"]
    assert problems == [f"ledger: 100 row(s) removed since the checkpoint of {when} (it has 2599, the checkpoint 2699)"]


def test_a_database_swapped_for_a_rechained_rewrite_disagrees_with_the_checkpoint(filled, tmp_path):
    anchor = tmp_path / "checkpoint.json"
    anchor.write_text(json.dumps(filled.checkpoint()))
    # Remove the last row and append a different one through the store (as if the
    # attacker held the key but not the node's signing key).
    with filled.store.engine.begin() as connection:
        append_only_switched_off(connection, "access_log")
        connection.execute(text("DELETE FROM access_log WHERE seq = (SELECT max(seq) FROM access_log)"))
    filled.inquiries.standing(SubjectRef.parse("rid:140451198304254480"), "city-personal", dt.date(2025, 1, 2))
    problems = _broken(filled, anchor)
    assert problems and "rewritten" in problems[0]


def test_a_checkpoint_signed_by_another_key_or_altered_is_refused(filled, tmp_path):
    anchor = tmp_path / "checkpoint.json"
    document = filled.checkpoint()
    altered = dict(document, length=document["length"] - 1)
    anchor.write_text(json.dumps(altered))
    with pytest.raises(checkpoints.CheckpointError, match="signature does not verify"):
        checkpoints.read(anchor, filled.node_key().public_key)
    other = checkpoints.NodeKey.load_or_create(tmp_path / "other.key")
    with filled.store.reading() as connection:
        foreign = checkpoints.make(filled.store.heads(connection), other)
    anchor.write_text(json.dumps(foreign))
    with pytest.raises(checkpoints.CheckpointError, match="not by this node's key"):
        checkpoints.read(anchor, filled.node_key().public_key)


def test_the_chain_is_keyed_so_recomputing_it_without_the_key_fails(filled, database, tmp_path):
    """Someone with the file recomputes every MAC under a key of their own: the rows
    still do not verify under the deployment's key."""
    from xinyong.adapters.storage import chain
    from xinyong.adapters.storage.sealing import Sealer

    guess = Sealer.for_tests(b"\x01" * 32)
    with filled.store.engine.begin() as connection:
        append_only_switched_off(connection, "access_log")
        from xinyong.adapters.storage.tables import access_log

        rows = [dict(r) for r in connection.execute(access_log.select().order_by(access_log.c.seq)).mappings()]
        rows[0]["reader"] = "nobody"
        chain.link(guess, "access_log", rows, (0, chain.GENESIS))
        connection.execute(text("DELETE FROM access_log"))

        connection.execute(access_log.insert(), rows)
    problems = _broken(filled)
    assert problems and problems[0].startswith("access_log@1"), problems


def test_a_token_row_written_without_the_key_is_not_a_token(filled):
    import hashlib as _hashlib

    secret = "xy_deadbeef_" + "A" * 43
    with filled.store.engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO tokens (id, digest, role, name, scopes, created_at) "
                "VALUES ('deadbeef', :digest, 'officer', 'intruder', '[]', '2026-01-01T00:00:00+00:00')"
            ),
            {"digest": _hashlib.sha256(secret.encode()).hexdigest()},
        )
    assert filled.tokens.reader(secret) is None


def test_a_revocation_undone_in_the_database_file_does_not_revive_the_token(filled):
    info, secret = filled.tokens.create("officer", "Officer Wang")
    assert filled.tokens.reader(secret) is not None
    assert filled.tokens.revoke(info.id)
    with filled.store.engine.begin() as connection:
        connection.execute(text("UPDATE tokens SET revoked_at = NULL WHERE id = :id"), {"id": info.id})
    assert filled.tokens.reader(secret) is None
