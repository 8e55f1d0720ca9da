"""The database schema. The ledger and the catalog versions are append-only: the
migrations install triggers that refuse UPDATE and DELETE on them."""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Date,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    text,
)

from xinyong.adapters.storage.digests import HexDigest

metadata = MetaData()

ledger = Table(
    "ledger",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("kind", String(32), nullable=False),
    Column("record_id", String(200)),
    Column("subject_key", HexDigest),
    # Facts of a record row kept beside the body for lookups: which rule, and when.
    Column("rule", String(200)),
    Column("occurred_on", Date),
    # The event with its personal fields (subject, name, email) taken out: they are in
    # ``sealed``, encrypted.
    Column("body", Text, nullable=False),
    Column("sealed", LargeBinary),
    Column("fingerprint", HexDigest, nullable=False),
    Column("submitted_by", String(200)),  # the source token's name; null from the command line
    Column("recorded_at", String(32), nullable=False),
    Column("prev_hash", HexDigest, nullable=False),
    Column("hash", HexDigest, nullable=False),  # the keyed chain (see chain.py)
    # Free text of the event (summary, note, grounds, reasons), sealed under the subject's
    # own key so that it can be erased (crypto-shredding).
    Column("sealed_text", LargeBinary),
    # A record of a person: whether the person was under 18 on ``occurred_on`` (minors
    # are never listed), so that batch jobs need not open the sealed identity. Null on
    # every other row, and on records written before migration 0006.
    Column("minor", Boolean),
    Index("ledger_record", "record_id"),
    # By subject, then in ledger order: a subject's history, and its latest event (what a
    # read model is checked against on every check) without scanning other subjects'
    # rows (PostgreSQL would otherwise answer max(seq) by walking the primary key back).
    Index("ledger_subject", "subject_key", "seq"),
    Index("ledger_rule", "rule"),
    Index(
        "ledger_one_record_per_id",
        "record_id",
        unique=True,
        sqlite_where=text("kind = 'record'"),
        postgresql_where=text("kind = 'record'"),
    ),
)

catalog_versions = Table(
    "catalog_versions",
    metadata,
    Column("catalog_id", String(100), primary_key=True),
    Column("version", String(100), primary_key=True),
    Column("effective_from", Date, nullable=False),
    Column("source", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("loaded_at", String(32), nullable=False),
    Column("seq", Integer),
    Column("mac", HexDigest),
    Index("catalog_versions_seq", "seq", unique=True),
)

# Organisations are public: their codes and names appear in the public lookup. This is
# a projection of the ledger's subject events, rebuilt from it at any time.
organisations = Table(
    "organisations",
    metadata,
    Column("subject_key", HexDigest, primary_key=True),
    Column("code", String(18), nullable=False, unique=True),
    Column("name", Text),
    Column("name_folded", Text),
    Column("jurisdiction", String(100)),
)
# The public search's order (migration 0007): named by folded name, then unnamed; by code.
Index("organisations_by_name", organisations.c.name_folded.is_(None), organisations.c.name_folded, organisations.c.code)

tokens = Table(
    "tokens",
    metadata,
    Column("id", String(16), primary_key=True),
    Column("digest", HexDigest, nullable=False, unique=True),  # SHA-256 of the token
    Column("role", String(32), nullable=False),
    Column("name", String(200), nullable=False),
    Column("scopes", Text, nullable=False),  # JSON list of patterns
    Column("subject_key", HexDigest),
    Column("subject_sealed", LargeBinary),
    Column("created_at", String(32), nullable=False),
    Column("revoked_at", String(32)),
    Column("mac", HexDigest),  # keyed hash of the row: see tokens.py
)

access_log = Table(
    "access_log",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("at", String(32), nullable=False),
    Column("subject_key", HexDigest, nullable=False),
    Column("reader", String(200), nullable=False),
    Column("role", String(32), nullable=False),
    Column("token_id", String(16)),
    Column("what", String(64), nullable=False),
    Column("purpose", Text),  # not written since 0004: sealed in sealed_text
    Column("detail", Text),  # not written since 0004: sealed in sealed_text
    Column("sealed_text", LargeBinary),  # purpose and detail, under the subject's key
    Column("mac", HexDigest),
    Index("access_log_subject", "subject_key"),
)

notices = Table(
    "notices",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(16), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("subject_key", HexDigest, nullable=False),
    Column("source", String(200)),
    Column("record_id", String(200)),
    Column("dedupe", String(300), unique=True),
    Column("sealed", LargeBinary, nullable=False),  # subject, title, text, fields
    Column("mac", HexDigest),
)

deliveries = Table(
    "deliveries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("notice_seq", Integer, nullable=False),
    Column("channel", String(16), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", String(32), nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("error", Text),  # not written since 0004: sealed in sealed_error
    Column("next_attempt_at", String(32)),
    Column("sealed_error", LargeBinary),
    Column("mac", HexDigest),
)

cases = Table(
    "cases",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("case_id", String(16), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("step", String(16), nullable=False),
    Column("subject_key", HexDigest, nullable=False),
    Column("record_id", String(200)),
    Column("at", String(32), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("sealed_text", LargeBinary),  # proof, commitment, grounds, reasons: the subject's key
    Column("mac", HexDigest),
    # Where an opened case stands: ``repair:RECORD:N`` (the N-th application to repair
    # RECORD) or ``review:NOTICE``; unique, so that two applications opened at once from
    # the same state cannot both be written.
    Column("slot", String(300)),
    Index("cases_one_row_per_step", "case_id", "step", unique=True),
    Index("cases_one_per_slot", "slot", unique=True),
)

# Files attached to disputes and repair applications (migration 0008). Append-only and
# chained; nothing personal in clear: the file's name and bytes are sealed under the
# subject's own key (erased with it), bound to the attachment's id.
attachments = Table(
    "attachments",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(24), nullable=False, unique=True),
    Column("case_kind", String(16), nullable=False),  # dispute | repair
    Column("case_id", String(32), nullable=False),
    Column("subject_key", HexDigest, nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("media_type", String(40), nullable=False),  # by content: application/pdf, image/jpeg, image/png
    Column("size", Integer, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("sealed_name", LargeBinary, nullable=False),
    Column("sealed_content", LargeBinary, nullable=False),
    Column("mac", HexDigest),
    Index("attachments_case", "case_kind", "case_id"),
    Index("attachments_subject", "subject_key"),
)

# The deployment's data keys, wrapped under the secret key (keyring.py). Rows are
# re-wrapped when the secret key is rotated.
keyring = Table(
    "keyring",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(16), nullable=False, unique=True),
    Column("purpose", String(16), nullable=False),  # lookup | chain | seal
    Column("wrapped", LargeBinary, nullable=False),
    Column("master_id", String(16), nullable=False),
    Column("created_at", String(32), nullable=False),
)

# Each subject's own data key for its free text; erasing the key erases the text.
subject_keys = Table(
    "subject_keys",
    metadata,
    Column("subject_key", HexDigest, primary_key=True),
    Column("wrapped", LargeBinary),  # null once erased
    Column("created_at", String(32), nullable=False),
    Column("erased_at", String(32)),
)


# Read models (xinyong.services.read_models): each subject's standing as a function of
# the day, one JSON document a subject, and the pieces of every list entry for the public
# lists. Projections of the ledger, rewritten whole for a subject when it changes.
standings = Table(
    "standings",
    metadata,
    Column("subject_key", HexDigest, primary_key=True),
    Column("head", Integer, nullable=False),  # the latest ledger event it was computed from
    Column("catalogs", String(32), nullable=False),  # the catalog versions it was computed under
    Column("document", LargeBinary, nullable=False),
    Column("mac", HexDigest, nullable=False),
)

list_pieces = Table(
    "list_pieces",
    metadata,
    Column("subject_key", HexDigest, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("list", String(200), nullable=False),
    Column("record_id", String(200), nullable=False),
    Column("catalog", String(100), nullable=False),
    Column("rule", String(200), nullable=False),
    Column("start", Date, nullable=False),
    Column("until", Date),
    Column("active_from", Date, nullable=False),
    Column("active_until", Date),
    Column("mac", HexDigest, nullable=False),
    Index("list_pieces_by_list", "list", "active_from"),
    Index("list_pieces_by_subject", "subject_key"),
)


# Migration 0003 also keeps the ids of later events unique: ``ledger_one_event_per_id``,
# a unique index on the ``id`` in a ledger row's body (``json_extract(body, '$.id')`` on
# SQLite, ``(body::jsonb ->> 'id')`` on PostgreSQL) where the kind is neither ``record``
# nor ``subject``.

# The answers to POST requests sent with an Idempotency-Key, per token: the same key and
# body again get the stored answer. Not append-only: a row is reserved, then completed.
idempotency_keys = Table(
    "idempotency_keys",
    metadata,
    Column("scope", String(64), primary_key=True),
    Column("key", String(200), primary_key=True),
    Column("request", String(64), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("status", Integer),
    Column("response", LargeBinary),
)

# Where the notice rounds stand (migrations 0013, 0014): the day of the last round, the
# ledger event up to which the rounds have read the records changed, the catalog
# versions they were made under and the day of the last whole round. One row, rewritten
# by every round, with a keyed MAC (its 32 bytes): a row that does not verify makes the
# next round a whole one.
notice_rounds = Table(
    "notice_rounds",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("day", Date, nullable=False),
    Column("seq", Integer, nullable=False),
    Column("catalogs", String(32), nullable=False),
    Column("whole_on", Date, nullable=False),
    Column("mac", LargeBinary, nullable=False),
    CheckConstraint("id = 1", name="notice_rounds_one_row"),
)

# Each record's next due day (migration 0014): the first day after the last round that
# read it on which time brings it a notice more. The next day's round reads the records
# due since the day before, and those changed since; nothing is kept for a record that
# nothing more comes due for. Rewritten by the rounds; a weekly whole round makes good
# whatever was lost or altered here.
notice_due = Table(
    "notice_due",
    metadata,
    Column("record_id", String(200), primary_key=True),
    Column("due_on", Date, nullable=False),
    Index("notice_due_on", "due_on"),
)

# The ledger's non-personal columns for batch jobs (migration 0015), a block of rows at a
# time: the CSV text of :func:`xinyong.adapters.storage.ledger_columns.ledger_csv` for the
# rows ``first_seq..last_seq`` (contact events left out), compressed with zlib and keyed
# by a MAC. Written in the same transaction as the rows by an append of many events, so
# that rescoring reads a million rows' columns without the database writing them as
# text; rows in no block are read from the ledger itself. Derived, never the source:
# `xinyong rebuild` writes them again from the ledger.
ledger_blocks = Table(
    "ledger_blocks",
    metadata,
    Column("first_seq", Integer, primary_key=True, autoincrement=False),
    Column("last_seq", Integer, nullable=False),
    Column("csv", LargeBinary, nullable=False),
    Column("mac", LargeBinary, nullable=False),
    CheckConstraint("first_seq <= last_seq", name="ledger_blocks_range"),
)

# Opt-in scores (migration 0009, docs/design.md section 9): walled off from the ledger
# and from everything that reads it. Scorecard versions are stored like catalog versions;
# the consent, obligation and payment events are appended and chained, their content
# sealed: consents under the deployment's seal key, obligations and payments under the
# subject's own key for their source (``optin_keys``), destroyed when the subject
# withdraws (crypto-shredding) while the rows and their chain stay as they were.
scorecard_versions = Table(
    "scorecard_versions",
    metadata,
    Column("scorecard_id", String(100), primary_key=True),
    Column("version", String(100), primary_key=True),
    Column("effective_from", Date, nullable=False),
    Column("source", Text, nullable=False),
    Column("digest", String(64), nullable=False),
    Column("loaded_at", String(32), nullable=False),
    Column("seq", Integer),
    Column("mac", HexDigest),
    Index("scorecard_versions_seq", "seq", unique=True),
)

optin_events = Table(
    "optin_events",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(200), nullable=False, unique=True),
    Column("kind", String(24), nullable=False),  # consent_given | consent_withdrawn | obligation | paid
    Column("subject_key", HexDigest, nullable=False),
    Column("scorecard", String(100)),  # consents
    Column("source", String(100)),  # obligations and payments: whose key seals them
    Column("obligation_id", String(200)),  # payments
    Column("filed_on", Date, nullable=False),
    # Keyed, of the canonical event; kept as text: the repository takes it as an opaque
    # string, and opt-in events are few.
    Column("fingerprint", String(64), nullable=False),
    Column("submitted_by", String(200)),
    Column("recorded_at", String(32), nullable=False),
    Column("sealed", LargeBinary, nullable=False),
    Column("mac", HexDigest),
    Index("optin_events_subject", "subject_key", "seq"),
    Index("optin_events_obligation", "obligation_id"),
)

optin_keys = Table(
    "optin_keys",
    metadata,
    Column("subject_key", HexDigest, primary_key=True),
    Column("source", String(100), primary_key=True),
    Column("wrapped", LargeBinary),  # null once erased
    Column("created_at", String(32), nullable=False),
    Column("erased_at", String(32)),
)

# Webhooks (Standard Webhooks): endpoints registered by token owners, each change of one
# (a secret made at registration or by a rotation, sealed; a disabling) a row of its
# own; the messages written in the transaction of the event that causes them (their
# bodies sealed); and every attempt to deliver one.
webhook_endpoints = Table(
    "webhook_endpoints",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(24), nullable=False, unique=True),
    Column("created_at", String(32), nullable=False),
    Column("owner_role", String(32), nullable=False),
    Column("owner_name", String(200), nullable=False),
    Column("url", Text, nullable=False),
    Column("types", Text, nullable=False),  # the event types, separated by spaces
    Column("mac", HexDigest),
    Index("webhook_endpoints_owner", "owner_role", "owner_name"),
)

webhook_endpoint_changes = Table(
    "webhook_endpoint_changes",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("endpoint_id", String(24), nullable=False),
    Column("at", String(32), nullable=False),
    Column("change", String(16), nullable=False),  # secret | disabled
    Column("sealed_secret", LargeBinary),
    Column("mac", HexDigest),
    Index("webhook_endpoint_changes_endpoint", "endpoint_id"),
)

webhook_messages = Table(
    "webhook_messages",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("id", String(40), nullable=False, unique=True),
    Column("endpoint_id", String(24), nullable=False),
    Column("created_at", String(32), nullable=False),
    Column("type", String(64), nullable=False),
    Column("sealed", LargeBinary, nullable=False),  # the body, as sent
    Column("mac", HexDigest),
    Index("webhook_messages_endpoint", "endpoint_id"),
)

webhook_attempts = Table(
    "webhook_attempts",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("message_id", String(40), nullable=False),
    Column("attempt", Integer, nullable=False),
    Column("at", String(32), nullable=False),
    Column("status", Integer),  # the receiver's HTTP status; null when it did not answer
    Column("outcome", String(16), nullable=False),  # delivered | failed | given_up
    Column("error", Text),  # why it failed, as the receiver's owner may read it
    Column("next_attempt_at", String(32)),
    Column("mac", HexDigest),
    Index("webhook_attempts_message", "message_id"),
)

WEBHOOK_TABLES = ("webhook_endpoints", "webhook_endpoint_changes", "webhook_messages", "webhook_attempts")

# Nodes and signed lists (migration 0010, docs/design.md section 10). Append-only and
# on the keyed chain: a
# bundle received is kept with its provenance and signature; its entries beside it, each
# subject sealed and found by its lookup key; trusted partners as events (the latest of
# a name wins). An entry that a newer bundle no longer holds is ended by that bundle,
# never by changing a row.
federation_bundles = Table(
    "federation_bundles",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("node", String(63), nullable=False),
    Column("list", String(200), nullable=False),
    Column("title", Text, nullable=False),
    Column("as_of", Date, nullable=False),
    Column("public_key", String(64), nullable=False),
    Column("signature", String(128), nullable=False),
    Column("digest", String(64), nullable=False),  # SHA-256 of the signed bytes
    Column("entries", Integer, nullable=False),
    Column("received_at", String(32), nullable=False),
    Column("received_from", Text, nullable=False),  # the file or the URL
    Column("imported_by", String(200), nullable=False),
    Column("mac", HexDigest),
    Index("federation_bundles_by_list", "node", "list", "as_of"),
)

federation_entries = Table(
    "federation_entries",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("bundle_seq", Integer, nullable=False),
    Column("node", String(63), nullable=False),
    Column("list", String(200), nullable=False),
    Column("as_of", Date, nullable=False),
    Column("subject_key", HexDigest, nullable=False),
    Column("sealed_subject", LargeBinary, nullable=False),
    Column("record", String(200), nullable=False),
    Column("start", Date, nullable=False),
    Column("until", Date),
    Column("legal_basis", Text),
    Column("mac", HexDigest),
    Index("federation_entries_by_subject", "subject_key", "node", "list"),
    Index("federation_entries_by_bundle", "bundle_seq"),
)

federation_partners = Table(
    "federation_partners",
    metadata,
    Column("seq", Integer, primary_key=True, autoincrement=True),
    Column("name", String(63), nullable=False),
    Column("event", String(16), nullable=False),  # trusted | removed
    Column("public_key", String(64)),
    Column("url", Text),
    Column("at", String(32), nullable=False),
    Column("by", String(200), nullable=False),
    Column("mac", HexDigest),
)

FEDERATION_TABLES = ("federation_bundles", "federation_entries", "federation_partners")

APPEND_ONLY_TABLES = (
    "ledger",
    "catalog_versions",
    "access_log",
    "notices",
    "deliveries",
    "cases",
    "attachments",
    "scorecard_versions",
    "optin_events",
    *WEBHOOK_TABLES,
    *FEDERATION_TABLES,
)
