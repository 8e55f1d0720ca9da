"""Read models kept in the write transaction, on SQLite and PostgreSQL: checks and
scores are answered from them; a model altered, removed or restored from an older copy
by someone holding the database file (without the secret key) is not believed, and the
answer comes from the ledger; loading a catalog version recomputes every model;
`xinyong rebuild` gives identical models."""

from __future__ import annotations

import datetime as dt
import json
import zlib

import pytest
from sqlalchemy import text

from tests.conftest import scenario_files
from xinyong.adapters.storage.read_models import document_text
from xinyong.bootstrap import open_deployment
from xinyong.domain.events import parse_event, parse_lines
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.read_model import standing_changes
from xinyong.services import intake

pytestmark = pytest.mark.integration

FIRM = SubjectRef.parse("uscc:91457222EK0R7L5HJ3")  # on the serious-untrustworthy list in 2023
ACTION = "procurement.bid.large"
DAY = dt.date(2023, 5, 31)


@pytest.fixture
def filled(filled_database, settings):
    deployment = open_deployment(filled_database, settings)
    yield deployment
    deployment.close()


def _rows(deployment) -> list[tuple]:
    with deployment.store.reading() as connection:
        standings = connection.execute(
            text("SELECT subject_key, head, catalogs, document, mac FROM standings ORDER BY subject_key")
        ).all()
        pieces = connection.execute(
            text("SELECT * FROM list_pieces ORDER BY subject_key, record_id, active_from")
        ).all()
    return [tuple(r) for r in standings] + [tuple(r) for r in pieces]


def _stored(digest: str) -> bytes:
    """A digest as the database holds it: its raw bytes (migration 0012)."""
    return bytes.fromhex(digest)


def _untriggered_update(deployment, sql: str, **params) -> None:
    with deployment.store.engine.begin() as connection:
        connection.execute(text(sql), params)


def test_every_subject_has_a_current_read_model_equal_to_the_standing_module(filled):
    with filled.units(read_only=True) as uow:
        registry = filled.catalogs.registry(uow)
        keys = [k for page in uow.ledger.subject_key_pages(100) for k in page]
        histories = uow.ledger.subject_histories(keys)
        assert len(histories) == len(keys) > 10
        for history in histories.values():
            stored = uow.read_models.stored(history.subject)
            assert stored is not None and stored.head == stored.latest == history.head
            assert stored.model == standing_changes(history.subject, history.files, registry, history.jurisdiction)
    assert filled.read_models.differences() == []
    assert filled.inquiries.check(FIRM, ACTION, DAY).decision == "deny"
    assert filled.read_models.stale == 0  # answered from the stored model


def test_a_check_reads_the_first_part_of_a_document_and_never_its_contributions(filled, monkeypatch):
    """A document in two parts: a check decompresses and decodes only the spans and list
    pieces; the contributions, which grow with the subject's records, are decoded when
    asked for (a subject's report), not before."""
    import json

    from xinyong.adapters.storage import read_models

    decompressed: list[dict] = []

    class Recorded:
        error = zlib.error

        @staticmethod
        def decompress(data, *wbits):
            out = zlib.decompress(data, *wbits)
            decompressed.append(json.loads(out))
            return out

        compress = staticmethod(zlib.compress)

    monkeypatch.setattr(read_models, "zlib", Recorded)
    assert filled.inquiries.check(FIRM, ACTION, DAY).decision == "deny"
    assert filled.read_models.stale == 0  # answered from the stored model
    assert decompressed and all("f" in d and "c" not in d for d in decompressed)
    decompressed.clear()
    assert filled.inquiries.standing(FIRM, "market-enterprise", DAY).contributions
    assert any("f" not in d for d in decompressed)  # the contributions, decoded when asked for


def test_a_document_written_before_the_parts_is_read_as_it_was(filled):
    """A read model stored as one compressed document (before documents were written in
    two parts) answers as before, without a rebuild."""
    import json

    from xinyong.adapters.storage.read_models import SqlReadModels

    firm = filled.store.subject_key(FIRM)
    with filled.store.reading() as connection:
        head, catalogs, document = connection.execute(
            text("SELECT head, catalogs, document FROM standings WHERE subject_key = :key"), {"key": _stored(firm)}
        ).one()
    first, contributions = (json.loads(part) for part in document_text(bytes(document)).split(b"\n"))
    whole = zlib.compress(json.dumps({**first, "c": contributions}, ensure_ascii=False).encode(), 1)
    mac = bytes.fromhex(SqlReadModels(filled.store)._mac(firm, head, catalogs, whole))
    _untriggered_update(
        filled,
        "UPDATE standings SET document = :document, mac = :mac WHERE subject_key = :key",
        document=whole,
        mac=mac,
        key=_stored(firm),
    )
    assert filled.inquiries.check(FIRM, ACTION, DAY).decision == "deny"
    assert filled.read_models.stale == 0  # answered from the stored model, as written before
    assert filled.read_models.differences() == []


def test_rebuild_gives_identical_read_models(filled):
    before = _rows(filled)
    assert filled.read_models.rebuild() == len([r for r in before if len(r) == 5])
    assert _rows(filled) == before


def test_a_read_model_altered_without_the_key_is_not_believed(filled):
    assert filled.inquiries.check(FIRM, ACTION, DAY).decision == "deny"
    firm = filled.store.subject_key(FIRM)
    # Give the firm another firm's model, which is on no list: a forged "allow".
    with filled.store.reading() as connection:
        documents = connection.execute(text("SELECT document FROM standings")).scalars().all()
    # (documents are compressed: look inside them, not at their bytes)
    donor = next(
        bytes(d)
        for d in documents
        if b"market-enterprise" in document_text(d) and b"serious-untrustworthy" not in document_text(d)
    )
    _untriggered_update(
        filled, "UPDATE standings SET document = :donor WHERE subject_key = :key", donor=donor, key=_stored(firm)
    )
    assert filled.inquiries.check(FIRM, ACTION, DAY).decision == "deny"  # from the ledger
    assert filled.read_models.stale == 1
    assert filled.read_models.differences() == [firm]
    filled.read_models.rebuild()
    assert filled.read_models.differences() == []


def test_a_removed_read_model_is_not_taken_for_a_subject_without_history(filled):
    firm = filled.store.subject_key(FIRM)
    _untriggered_update(filled, "DELETE FROM standings WHERE subject_key = :key", key=_stored(firm))
    assert filled.inquiries.check(FIRM, ACTION, DAY).decision == "deny"
    assert filled.read_models.stale == 1
    assert filled.read_models.differences() == [firm]


def test_a_read_model_restored_from_an_older_copy_is_not_believed(filled):
    firm = filled.store.subject_key(FIRM)
    with filled.store.reading() as connection:
        old = connection.execute(text("SELECT * FROM standings WHERE subject_key = :key"), {"key": _stored(firm)}).one()
        records = connection.execute(
            text("SELECT record_id FROM list_pieces WHERE subject_key = :key AND list = 'serious-untrustworthy'"),
            {"key": _stored(firm)},
        ).scalars()
        listed = sorted(set(records))
    assert listed
    # The firm's listing records are annulled: the answer is no longer "deny".
    lines = [f'{{"type": "annulled", "record": "{r}", "on": "2026-11-30"}}' for r in listed]
    filled.intake.import_lines(lines, skip_invalid=True)  # some may be annulled already
    after = filled.inquiries.check(FIRM, ACTION, DAY).decision
    assert after != "deny"
    assert filled.read_models.stale == 0
    # Put the older row back (its keyed hash is valid: it was written by the service).
    _untriggered_update(
        filled,
        "UPDATE standings SET head = :head, catalogs = :catalogs, document = :document, mac = :mac "
        "WHERE subject_key = :key",
        head=old.head,
        catalogs=old.catalogs,
        document=old.document,
        mac=old.mac,
        key=_stored(firm),
    )
    assert filled.inquiries.check(FIRM, ACTION, DAY).decision == after  # the ledger's answer
    assert filled.read_models.stale == 1


def test_a_list_piece_altered_without_the_key_is_not_published(filled):
    page = filled.publication.list_entries("serious-untrustworthy", DAY)
    assert page.total >= 1
    _untriggered_update(filled, "UPDATE list_pieces SET active_until = NULL WHERE list = 'serious-untrustworthy'")
    later = filled.publication.list_entries("serious-untrustworthy", dt.date(2031, 1, 1))
    assert later.total == 0  # the altered rows are not believed
    assert filled.read_models.differences()


def test_loading_a_catalog_version_recomputes_every_read_model(filled, tmp_path):
    from tests.conftest import scenario_files

    source = scenario_files("basic")["catalogs"]
    org = next(p for p in source if "org" in p.name).read_text()
    newer = org.replace('version = "2023.1"', 'version = "2026.1"').replace(
        'effective_from = "2023-01-01"', 'effective_from = "2026-01-01"'
    )
    path = tmp_path / "org-2026.toml"
    path.write_text(newer)
    fingerprints_before = {r[2] for r in _rows(filled) if len(r) == 5}
    filled.catalogs.load([path])
    fingerprints_after = {r[2] for r in _rows(filled) if len(r) == 5}
    assert len(fingerprints_before) == len(fingerprints_after) == 1
    assert fingerprints_before != fingerprints_after
    assert filled.read_models.differences() == []
    assert filled.inquiries.check(FIRM, ACTION, DAY).decision == "deny"
    assert filled.read_models.stale == 0


def test_read_models_hold_no_identity(filled):
    """The stored documents (compressed: searched inside, not as bytes) and list pieces
    name no subject: whoever asks names it; the rows are keyed by lookup key only."""
    import json

    from tests.conftest import scenario_files

    events = scenario_files("basic")["events"].read_text().splitlines()
    numbers = {json.loads(line)["subject"].split(":")[1] for line in events if '"subject": ' in line}
    with filled.store.reading() as connection:
        documents = [document_text(d) for d in connection.execute(text("SELECT document FROM standings")).scalars()]
        pieces = [repr(tuple(r)).encode() for r in connection.execute(text("SELECT * FROM list_pieces"))]
    assert documents and pieces and numbers
    inside = b"\n".join(documents + pieces)
    assert b"judgment-defaulters" in inside or b"serious-untrustworthy" in inside  # the search can find things
    assert not [n for n in numbers if n.encode() in inside]


def test_the_overview_from_read_models_equals_the_overview_replayed_from_the_ledger(filled):
    """The officers' dashboard counts grades and list sizes from the read models; the
    ledger replay (used before a rebuild) gives the same figures on any day."""
    dashboards = filled.overview
    for today in (DAY, dt.date(2024, 6, 30), dt.date(2026, 1, 15)):
        with filled.units(read_only=True) as uow:
            registry = filled.catalogs.registry(uow)
            assert filled.read_models.complete(uow)
            stored = dashboards._from_read_models(uow, registry, today)
            replayed = dashboards._derive(uow, registry, today)
        assert stored == replayed
        assert sum(sum(n for _, n in d.counts) for d in stored.grades) > 0
        assert any(any(s.sizes) for s in stored.lists)


def test_the_overview_is_replayed_until_every_subject_has_a_read_model(filled):
    with filled.store.engine.begin() as connection:
        # (keys are bytes since migration 0012: PostgreSQL has no min() of bytea)
        connection.execute(
            text(
                "DELETE FROM standings WHERE subject_key = "
                "(SELECT subject_key FROM standings ORDER BY subject_key LIMIT 1)"
            )
        )
    with filled.units(read_only=True) as uow:
        assert not filled.read_models.complete(uow)
    filled.read_models.rebuild()
    with filled.units(read_only=True) as uow:
        assert filled.read_models.complete(uow)


def test_a_read_model_this_version_cannot_read_is_not_believed(filled):
    """A row with a valid keyed hash whose document is not one this version writes (an
    older format, say) is answered from the ledger and reported by rebuild --check;
    nothing crashes."""
    from xinyong.adapters.storage.read_models import SqlReadModels

    firm = filled.store.subject_key(FIRM)
    with filled.store.reading() as connection:
        head, catalogs = connection.execute(
            text("SELECT head, catalogs FROM standings WHERE subject_key = :key"), {"key": _stored(firm)}
        ).one()
    document = b'{"f": 1, "j": null, "s": {}, "c": {}, "l": []}'  # not compressed
    mac = SqlReadModels(filled.store)._mac(firm, head, catalogs, document)
    _untriggered_update(
        filled,
        "UPDATE standings SET document = :d, mac = :m WHERE subject_key = :key",
        d=document,
        m=_stored(mac),
        key=_stored(firm),
    )
    assert filled.inquiries.check(FIRM, ACTION, DAY).decision == "deny"
    assert filled.read_models.stale == 1
    assert filled.read_models.differences() == [firm]
    with filled.units(read_only=True) as uow:
        assert len([s for page in uow.read_models.span_pages(1000) for s in page]) == uow.read_models.count() - 1


def test_a_read_model_that_cannot_be_read_raises_the_error_as_sqlalchemy_does(filled):
    """A check's read runs on the driver's own cursor: its errors still come as
    SQLAlchemy's, so that the unit of work lets go of the connection it failed on, and
    the next check is answered."""
    from sqlalchemy.exc import DBAPIError

    _untriggered_update(filled, "ALTER TABLE standings RENAME TO standings_away")
    try:
        with pytest.raises(DBAPIError, match="standings"), filled.units(read_only=True) as uow:
            uow.read_models.stored(FIRM)
    finally:
        _untriggered_update(filled, "ALTER TABLE standings_away RENAME TO standings")
    assert filled.inquiries.check(FIRM, ACTION, DAY).decision == "deny"
    assert filled.read_models.stale == 0


def test_read_models_kept_batch_by_batch_equal_a_recomputation_from_the_ledger(deployment, monkeypatch):
    # Batches so small that a subject's records, its subject event and the later events
    # on its records fall in different batches and imports: intake keeps each batch's
    # subjects from the files it holds and reads the others back from the ledger.
    monkeypatch.setattr(intake, "BATCH", 40)
    files = scenario_files("basic")
    deployment.catalogs.load(files["catalogs"])
    lines = files["events"].read_text().splitlines()
    half = len(lines) // 2
    deployment.intake.import_lines(lines[:half])
    deployment.intake.import_lines(lines[half:])
    assert deployment.read_models.differences() == []
    assert deployment.read_models.subjects()[1] > 10


def test_a_subject_whose_records_run_through_every_batch_is_kept_once_its_history_is_long(deployment, monkeypatch):
    """A firm whose records run through a whole import file: its read model is kept at
    the first batches, then left to the commit, which recomputes it once, instead of
    being read back and recomputed from its whole history at every batch (the square of
    its records). The read models still agree with the ledger."""
    from xinyong.domain import read_model
    from xinyong.services import read_models

    monkeypatch.setattr(intake, "BATCH", 40)
    monkeypatch.setattr(read_models, "LONG_HISTORY", 50)
    firm = SubjectRef.parse("uscc:91457222EK0R7L5HJ3")
    others = [SubjectRef.parse("rid:11010519491231002X"), SubjectRef.parse("rid:371082195001010019")]
    computed: list[SubjectRef] = []
    model_of = read_model.read_model_of

    def counted(subject, *args, **kwargs):
        computed.append(subject)
        return model_of(subject, *args, **kwargs)

    monkeypatch.setattr(read_model, "read_model_of", counted)
    deployment.catalogs.load(scenario_files("basic")["catalogs"])
    lines = [json.dumps({"type": "subject", "subject": str(s), "jurisdiction": "CN-SD-RC"}) for s in (firm, *others)]
    for n in range(400):  # 10 batches, each with the firm's records and others'
        subject = firm if n % 4 else others[n % 8 // 4]
        rule = "market-enterprise/product.quality_fine" if subject is firm else "city-personal/traffic.red_light"
        day = dt.date(2024, 1, 1) + dt.timedelta(days=n)
        lines.append(
            json.dumps(
                {
                    "type": "record",
                    "id": f"r-{n:04d}",
                    "subject": str(subject),
                    "rule": rule,
                    "occurred_on": day.isoformat(),
                    "decided_on": day.isoformat(),
                    "source": "test-source",
                }
            )
        )
    deployment.intake.import_lines(lines)
    # Kept at the batches while its history in the ledger was short (fewer than 50 of
    # its records read back), then once at the commit: not at each of the 10 batches.
    assert 2 <= computed.count(firm) <= 4
    assert deployment.read_models.differences() == []
    assert deployment.inquiries.standing(firm, "market-enterprise", dt.date(2025, 6, 1)).contributions


def test_subjects_with_long_histories_are_recomputed_a_part_at_a_time(deployment, monkeypatch):
    """Three subjects whose records run through a whole file are all left to the commit,
    which recomputes them a part at a time, each part reading back at most PAGE_EVENTS
    ledger events (a subject with more is a part of its own): the memory a commit takes
    is bounded by that, not by a page of 500 such histories. The read models still agree
    with the ledger."""
    from xinyong.adapters.storage.store import LedgerStore
    from xinyong.services import read_models

    monkeypatch.setattr(intake, "BATCH", 40)
    monkeypatch.setattr(read_models, "LONG_HISTORY", 50)
    monkeypatch.setattr(read_models, "PAGE_EVENTS", 160)
    firm = SubjectRef.parse("uscc:91457222EK0R7L5HJ3")
    residents = [SubjectRef.parse("rid:11010519491231002X"), SubjectRef.parse("rid:371082195001010019")]
    read_back: list[list[int]] = []  # the ledger events of each subject, for each read of histories
    histories_of = LedgerStore.subject_histories

    def counted(store, connection, keys):
        found = histories_of(store, connection, keys)
        sizes = store.subject_sizes(connection, keys)
        read_back.append([sizes[k] for k in found])
        return found

    monkeypatch.setattr(LedgerStore, "subject_histories", counted)
    deployment.catalogs.load(scenario_files("basic")["catalogs"])
    lines = [json.dumps({"type": "subject", "subject": str(s), "jurisdiction": "CN-SD-RC"}) for s in (firm, *residents)]
    for n in range(420):  # 140 records each, in every batch
        subject = (firm, *residents)[n % 3]
        rule = "market-enterprise/product.quality_fine" if subject is firm else "city-personal/traffic.red_light"
        day = dt.date(2024, 1, 1) + dt.timedelta(days=n)
        record = {"type": "record", "id": f"r-{n:04d}", "subject": str(subject), "rule": rule}
        record.update(occurred_on=day.isoformat(), decided_on=day.isoformat(), source="test-source")
        lines.append(json.dumps(record))
    deployment.intake.import_lines(lines)
    # The commit's recomputation of the three, 141 events each: three parts of one.
    assert [len(sizes) for sizes in read_back if sizes and min(sizes) > 100] == [1, 1, 1]
    assert all(len(sizes) == 1 or sum(sizes) <= 160 for sizes in read_back)
    assert deployment.read_models.differences() == []


def test_an_event_filed_after_intake_kept_a_subject_in_the_same_unit_is_in_its_read_model(deployment):
    files = scenario_files("basic")
    deployment.catalogs.load(files["catalogs"])
    lines = files["events"].read_text().splitlines()
    dispute = next(i for i, line in enumerate(lines) if '"dispute_filed"' in line)
    with deployment.units() as uow:
        deployment.intake.apply(parse_lines(lines[:dispute]), uow=uow)
        event = parse_event(json.loads(lines[dispute]))
        record = uow.ledger.records([event.record])[event.record].file
        uow.ledger.append([event], None, {record.id: record.subject})
        uow.commit()
    assert deployment.read_models.differences() == []
    with deployment.units(read_only=True) as uow:
        stored = uow.read_models.stored(record.subject)
        assert stored is not None and stored.head == stored.latest
