"""The keyring: the deployment's data keys, wrapped under the secret key and kept in
the database, and the check at the door that the secret key is this database's.

A database is opened only under the key it was written with. A new key is made only for
a new, empty database; a database whose key is missing or another's is refused with a
message that says which key it wants (by its public id) and what to do."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import Connection, exists, insert, select, update

from xinyong.adapters.storage.sealing import KeyError_, Sealer, derive, master_key_id
from xinyong.adapters.storage.tables import keyring

PURPOSES = ("lookup", "chain", "seal")


class KeyRefused(KeyError_):
    """The secret key given is not the one the database was written with, or there is
    none for a database that has data."""


def _new_id() -> str:
    return os.urandom(8).hex()


def _aad(key_id: str, purpose: str) -> bytes:
    return f"keyring:{key_id}:{purpose}".encode()


def _wrap(master: bytes, key_id: str, purpose: str, secret: bytes) -> bytes:
    nonce = os.urandom(12)
    return nonce + AESGCM(derive(master, b"wrap")).encrypt(nonce, secret, _aad(key_id, purpose))


def _unwrap(master: bytes, key_id: str, purpose: str, wrapped: bytes) -> bytes:
    wrapped = bytes(wrapped)
    try:
        return AESGCM(derive(master, b"wrap")).decrypt(wrapped[:12], wrapped[12:], _aad(key_id, purpose))
    except InvalidTag:
        raise KeyRefused(
            f"keyring entry {key_id} ({purpose}) cannot be opened with this secret key although "
            "the key's id matches: the keyring was altered"
        ) from None


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


@dataclass(frozen=True)
class KeyringState:
    master_ids: frozenset[str]  # the ids of the secret keys the entries are wrapped under
    entries: int

    @property
    def empty(self) -> bool:
        return self.entries == 0


def state(connection: Connection) -> KeyringState:
    rows = connection.execute(select(keyring.c.master_id)).scalars().all()
    return KeyringState(frozenset(rows), len(rows))


def holds_data(connection: Connection) -> bool:
    """Whether anything but the schema is in the database."""
    from xinyong.adapters.storage.tables import APPEND_ONLY_TABLES, metadata

    for name in (*APPEND_ONLY_TABLES, "tokens"):
        table = metadata.tables[name]
        if connection.execute(select(exists().select_from(table))).scalar():
            return True
    return False


def create(connection: Connection, master: bytes) -> Sealer:
    """A new keyring for a new database: fresh random data keys wrapped under ``master``."""
    keys = {purpose: (_new_id(), os.urandom(32)) for purpose in PURPOSES}
    mid = master_key_id(master)
    connection.execute(
        insert(keyring),
        [
            {
                "id": key_id,
                "purpose": purpose,
                "wrapped": _wrap(master, key_id, purpose, secret),
                "master_id": mid,
                "created_at": _now(),
            }
            for purpose, (key_id, secret) in keys.items()
        ],
    )
    return Sealer(keys["lookup"][1], keys["chain"][1], {keys["seal"][0]: keys["seal"][1]}, keys["seal"][0])


def open_(connection: Connection, master: bytes, where: str) -> Sealer:
    """The data keys, opened under ``master``; refused when ``master`` is not the key the
    keyring was written under."""
    rows = connection.execute(select(keyring).order_by(keyring.c.seq)).all()
    mid = master_key_id(master)
    wanted = sorted({r.master_id for r in rows})
    if mid not in wanted:
        raise KeyRefused(
            f"the database {where} was written under secret key {', '.join(wanted)}, but the key "
            f"given has id {mid}. Open it with the key it was written with (XINYONG_KEY_FILE or "
            "XINYONG_SECRET_KEY); nothing was read or written."
        )
    found: dict[str, list[tuple[str, bytes]]] = {p: [] for p in PURPOSES}
    for row in rows:
        if row.master_id != mid:
            raise KeyRefused(
                f"keyring entry {row.id} of {where} is wrapped under secret key {row.master_id}, "
                f"the others under {mid}: a key rotation was interrupted or the keyring altered"
            )
        found.setdefault(row.purpose, []).append((row.id, _unwrap(master, row.id, row.purpose, row.wrapped)))
    if len(found["lookup"]) != 1 or len(found["chain"]) != 1 or not found["seal"]:
        raise KeyRefused(f"the keyring of {where} is incomplete or altered")
    seals = dict(found["seal"])
    return Sealer(found["lookup"][0][1], found["chain"][0][1], seals, found["seal"][-1][0])


def rotate(connection: Connection, old: bytes, new: bytes, where: str) -> tuple[str, str]:
    """Re-wrap every data key under ``new`` and add a new seal key for what is sealed from
    now on. Returns the new secret key's id and the new seal key's id."""
    open_(connection, old, where)  # the old key must be the right one
    rows = connection.execute(select(keyring)).all()
    new_id = master_key_id(new)
    for row in rows:
        secret = _unwrap(old, row.id, row.purpose, row.wrapped)
        connection.execute(
            update(keyring)
            .where(keyring.c.id == row.id)
            .values(wrapped=_wrap(new, row.id, row.purpose, secret), master_id=new_id)
        )
    seal_id = _new_id()
    connection.execute(
        insert(keyring).values(
            id=seal_id,
            purpose="seal",
            wrapped=_wrap(new, seal_id, "seal", os.urandom(32)),
            master_id=new_id,
            created_at=_now(),
        )
    )
    return new_id, seal_id
