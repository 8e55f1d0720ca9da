"""Signed checkpoints of the keyed chain: the length and head of every append-only
table, the time, and the node's public key, signed with the node's Ed25519 key. Kept
outside the database, a checkpoint catches what the chain alone cannot: rows removed
from the end, or the whole database swapped for an older copy."""

from __future__ import annotations

import base64
import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from xinyong.domain.federation import fingerprint, node_name
from xinyong.services.unit_of_work import ChainReport

FORMAT = "xinyong-checkpoint/1"


class CheckpointError(ValueError):
    """A checkpoint that cannot be read, is not signed by the trusted key, or that the
    database does not match."""


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode()


def _unb64(text: object, what: str) -> bytes:
    try:
        return base64.b64decode(str(text), validate=True)
    except ValueError:
        raise CheckpointError(f"{what} is not base64") from None


def name_file(path: Path) -> Path:
    """Where the node's name is kept: beside its key, ``KEY.name``."""
    return path.with_name(path.name + ".name")


class NodeKey:
    """The node's Ed25519 key pair: it signs checkpoints and list bundles. The node's
    name (``node init --name``) is kept beside the key; a node never named is called
    ``node-`` and the first 8 hex digits of its key's fingerprint."""

    def __init__(self, private: Ed25519PrivateKey, name: str | None = None):
        self._private = private
        self._name = name

    @classmethod
    def load_or_create(cls, path: Path) -> NodeKey:
        named = name_file(path)
        name = named.read_text(encoding="utf-8").strip() if named.exists() else None
        if path.exists():
            try:
                key = serialization.load_pem_private_key(path.read_bytes(), password=None)
            except (ValueError, TypeError, OSError) as error:
                raise CheckpointError(f"{path}: not a node key: {error}") from None
            if not isinstance(key, Ed25519PrivateKey):
                raise CheckpointError(f"{path}: the node key must be an Ed25519 key")
            return cls(key, name)
        private = Ed25519PrivateKey.generate()
        pem = private.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        return cls(private, name)

    @classmethod
    def init(cls, path: Path, name: str) -> tuple[NodeKey, bool]:
        """The node's key, made if there is none, named ``name``; returns it and whether
        anything was made or named. A node already named otherwise is refused: partners
        know its lists as ``NAME/LIST``."""
        node_name(name)
        key = cls.load_or_create(path)
        if key.named == name:
            return key, False
        if key.named is not None:
            raise CheckpointError(
                f"this node is already named {key.named!r} ({name_file(path)}); partners know its lists "
                f"as {key.named}/LIST, so it is not renamed"
            )
        named = name_file(path)
        fd = os.open(named, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(name + "\n")
        return cls.load_or_create(path), True

    @property
    def named(self) -> str | None:
        """The name given with ``node init --name``, if one was."""
        return self._name

    @property
    def public_key(self) -> str:
        raw = self._private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return _b64(raw)

    @property
    def fingerprint(self) -> str:
        """SHA-256 of the raw public key, in hex (docs/design.md section 10)."""
        return fingerprint(self.public_key)

    @property
    def name(self) -> str:
        return self._name or f"node-{self.fingerprint[:8]}"

    def sign(self, message: bytes) -> str:
        return _b64(self._private.sign(message))


def _signed_part(document: dict) -> bytes:
    rest = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(rest, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def make(heads: dict[str, tuple[int, str]], node: NodeKey, now: dt.datetime | None = None) -> dict:
    """A signed checkpoint of ``heads`` (each table's length and last MAC)."""
    now = now or dt.datetime.now(dt.UTC)
    ledger_length, ledger_head = heads["ledger"]
    document = {
        "format": FORMAT,
        "time": now.isoformat(timespec="seconds"),
        "public_key": node.public_key,
        "length": ledger_length,
        "head": ledger_head,
        "tables": {name: {"length": length, "head": head} for name, (length, head) in heads.items()},
    }
    document["signature"] = node.sign(_signed_part(document))
    return document


@dataclass(frozen=True)
class Checkpoint:
    time: str
    public_key: str
    tables: dict[str, tuple[int, str]]


def read(path: Path, trusted: str) -> Checkpoint:
    """A checkpoint from ``path`` whose signature verifies under the ``trusted`` public
    key; anything else is refused with the reason."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CheckpointError(f"{path}: cannot read: {error.strerror}") from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise CheckpointError(f"{path}: not a checkpoint (not JSON)") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise CheckpointError(f"{path}: not a checkpoint (format is not {FORMAT!r})")
    key = document.get("public_key")
    if key != trusted:
        raise CheckpointError(
            f"{path}: signed by key {key!r}, not by this node's key {trusted!r}: a checkpoint is "
            "trusted only from the node that keeps the ledger"
        )
    try:
        Ed25519PublicKey.from_public_bytes(_unb64(key, "public_key")).verify(
            _unb64(document.get("signature"), "signature"), _signed_part(document)
        )
    except (InvalidSignature, ValueError):
        raise CheckpointError(f"{path}: the signature does not verify: the checkpoint was altered") from None
    tables = {}
    for name, entry in (document.get("tables") or {}).items():
        tables[name] = (int(entry["length"]), str(entry["head"]))
    return Checkpoint(str(document["time"]), key, tables)


def compare(checkpoint: Checkpoint, reports: list[ChainReport]) -> list[str]:
    """What the database no longer agrees with in ``checkpoint``: every table must still
    hold the rows it had, unchanged (reports made with ``marks`` at the checkpoint's
    lengths). Empty when all agree."""
    problems = []
    by_name = {r.table: r for r in reports}
    for name, (length, head) in checkpoint.tables.items():
        report = by_name.get(name)
        if report is None:
            problems.append(f"{name}: the checkpoint names a table this database does not chain")
            continue
        if not report.intact:
            continue  # reported as a break already
        if report.rows < length:
            problems.append(
                f"{name}: {length - report.rows} row(s) removed since the checkpoint of {checkpoint.time} "
                f"(it has {report.rows}, the checkpoint {length})"
            )
        elif report.marked != head:
            problems.append(
                f"{name}: row {length} is not the one checkpointed at {checkpoint.time}: "
                "the history before it was rewritten"
            )
    return problems


def newest(folder: Path) -> Path | None:
    """The latest checkpoint file written into ``folder`` by the service."""
    found = sorted(folder.glob("checkpoint-*.json")) if folder.is_dir() else []
    return found[-1] if found else None


def write(folder: Path, document: dict) -> Path:
    """Write ``document`` into ``folder`` as ``checkpoint-TIME.json``, durably."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = document["time"].replace(":", "").replace("-", "").replace("+0000", "Z")
    path = folder / f"checkpoint-{stamp}-{document['length']:012d}.json"
    text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    temporary = path.with_suffix(".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(text)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, path)
    return path
