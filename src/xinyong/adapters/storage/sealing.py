"""Privacy at rest and tamper evidence, under one secret key.

The secret key (the *master key*, from ``XINYONG_SECRET_KEY`` or a key file) never
touches data directly. It wraps the deployment's *data keys*, which are kept in the
database (the keyring, see ``keyring.py``):

- the *lookup* key: a keyed hash of identity numbers, so they can be found without
  being stored (``lookup_key``);
- the *seal* keys: AES-GCM for identities, names and other personal values; each sealed
  value carries the id of the data key that sealed it, so that after ``keys rotate``
  older values still open;
- the *chain* key: the keyed hash chain of every append-only table, which nobody without
  the secret key can recompute.

Rotating the master key re-wraps the data keys; the data, the lookups and the chain do
not change, so verification and checkpoints survive rotation."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

SEALED_FORMAT = b"\x01"  # then 8 bytes of data-key id, 12 bytes of nonce, the ciphertext
KEY_ID_BYTES = 8


class KeyError_(ValueError):
    """A secret key that is missing, unreadable, malformed or not this database's."""


def derive(master: bytes, purpose: bytes) -> bytes:
    return hmac.new(master, b"xinyong/" + purpose, hashlib.sha256).digest()


def master_key_id(master: bytes) -> str:
    """A public fingerprint of the secret key: it names the key in messages without
    revealing anything of it."""
    return derive(master, b"key-id").hex()[:16]


class Sealer:
    """Keyed lookups, authenticated encryption and the chain's keyed hash, under the
    data keys of one deployment."""

    def __init__(self, lookup: bytes, chain: bytes, seal_keys: Mapping[str, bytes], current: str):
        for name, key in (("lookup", lookup), ("chain", chain), *seal_keys.items()):
            if len(key) != 32:
                raise KeyError_(f"data key {name} must be 32 bytes")
        if current not in seal_keys:
            raise KeyError_(f"the current seal key {current} is not in the keyring")
        self._lookup = lookup
        self._chain = chain
        self._aead = {key_id: AESGCM(key) for key_id, key in seal_keys.items()}
        self._current = current
        self._derived: dict[str, bytes] = {}

    @classmethod
    def for_tests(cls, master: bytes) -> Sealer:
        """Data keys derived from one key: for pure tests that need no keyring."""
        return cls(derive(master, b"lookup"), derive(master, b"chain"), {"0" * 16: derive(master, b"seal")}, "0" * 16)

    @property
    def current_seal_key(self) -> str:
        return self._current

    def lookup_key(self, text: str) -> str:
        """A stable keyed hash of ``text`` (a subject reference): equal inputs give equal
        keys, and nobody without the secret key can test a guess against it."""
        return hmac.digest(self._lookup, text.encode(), "sha256").hex()  # one-shot: the hot path of every read

    def fingerprint(self, canonical: str | bytes) -> str:
        """A keyed digest of an event's canonical form (text, or its UTF-8 bytes), for
        idempotency comparisons."""
        data = canonical.encode() if isinstance(canonical, str) else canonical
        return hmac.digest(self._lookup, b"event:" + data, "sha256").hex()

    def derived(self, purpose: str) -> bytes:
        """A secret for another purpose of this deployment (web sessions, CSRF)."""
        # Kept once made: adapters made for every unit of work (the read models', the
        # outbox's) ask for theirs on every check, and the lookup key never changes.
        secret = self._derived.get(purpose)
        if secret is None:
            secret = self._derived[purpose] = hmac.new(
                self._lookup, b"derived:" + purpose.encode(), hashlib.sha256
            ).digest()
        return secret

    def chain_mac(self, previous: str, payload: bytes) -> str:
        """The keyed hash of one row of an append-only table, chained to the one before."""
        return hmac.digest(self._chain, previous.encode() + b"\x1e" + payload, "sha256").hex()

    def seal(self, plaintext: bytes, context: bytes = b"") -> bytes:
        nonce = os.urandom(12)
        key_id = bytes.fromhex(self._current)
        return SEALED_FORMAT + key_id + nonce + self._aead[self._current].encrypt(nonce, plaintext, context)

    def seal_many(self, items: Sequence[tuple[bytes, bytes]]) -> list[bytes]:
        """Each ``(plaintext, context)`` sealed as :meth:`seal` seals it, the random nonces
        drawn from the system in one call rather than one call a value."""
        if not items:
            return []
        nonces = os.urandom(12 * len(items))
        head = SEALED_FORMAT + bytes.fromhex(self._current)
        encrypt = self._aead[self._current].encrypt
        sealed = []
        for start, (plaintext, context) in zip(range(0, len(nonces), 12), items, strict=True):
            nonce = nonces[start : start + 12]
            sealed.append(head + nonce + encrypt(nonce, plaintext, context))
        return sealed

    def open(self, blob: bytes, context: bytes = b"") -> bytes:
        blob = bytes(blob)
        if blob[:1] != SEALED_FORMAT or len(blob) < 1 + KEY_ID_BYTES + 12 + 16:
            raise KeyError_("a sealed value is not in a format this version can open")
        key_id = blob[1 : 1 + KEY_ID_BYTES].hex()
        aead = self._aead.get(key_id)
        if aead is None:
            raise KeyError_(f"a sealed value names data key {key_id}, which the keyring does not hold")
        body = blob[1 + KEY_ID_BYTES :]
        try:
            return aead.decrypt(body[:12], body[12:], context)
        except InvalidTag:
            raise KeyError_("sealed data cannot be opened: it was altered, or moved from another row") from None

    @staticmethod
    def sealed_key_id(blob: bytes) -> str | None:
        """The data key a sealed value names."""
        blob = bytes(blob)
        return blob[1 : 1 + KEY_ID_BYTES].hex() if blob[:1] == SEALED_FORMAT else None


class TextErased(Exception):
    """Free text sealed under a subject key that has since been erased."""


class SubjectSealer:
    """Authenticated encryption under one subject's own data key: free text about a
    subject (grounds, reasons, purposes) is sealed with it, and erasing the key erases
    the text wherever it is stored (crypto-shredding). Each sealed value starts with a
    tag of the key, so that text sealed under an erased key is told apart from text
    that was altered."""

    def __init__(self, key: bytes):
        self._aead = AESGCM(key)
        self.tag = hashlib.sha256(b"xinyong/subject-key-tag" + key).digest()[:8]

    def seal(self, plaintext: bytes, context: bytes) -> bytes:
        nonce = os.urandom(12)
        return self.tag + nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, blob: bytes, context: bytes) -> bytes:
        blob = bytes(blob)
        if blob[:8] != self.tag:
            raise TextErased()
        try:
            return self._aead.decrypt(blob[8:20], blob[20:], context)
        except InvalidTag:
            raise KeyError_("sealed text cannot be opened: it was altered, or moved from another row") from None


def _decode_key(text: str, where: str) -> bytes:
    text = text.strip()
    for decode in (bytes.fromhex, lambda t: base64.urlsafe_b64decode(t + "=" * (-len(t) % 4))):
        try:
            raw = decode(text)
        except (ValueError, binascii.Error):
            continue
        if len(raw) == 32:
            return raw
    raise KeyError_(f"{where}: the secret key must be 32 bytes as 64 hex digits or base64")


def read_key(secret: str | None, key_file: str | Path | None) -> bytes | None:
    """The master key from ``secret`` (XINYONG_SECRET_KEY) if given, else from
    ``key_file`` if it exists; None when there is none."""
    if secret:
        return _decode_key(secret, "XINYONG_SECRET_KEY")
    if key_file is None:
        return None
    path = Path(key_file)
    if not path.exists():
        return None
    try:
        text = path.read_text()
    except (OSError, UnicodeDecodeError) as error:
        raise KeyError_(f"{path}: cannot read the secret key: {error}") from None
    return _decode_key(text, str(path))


def create_key_file(path: str | Path, key: bytes) -> None:
    """Write ``key`` to a new file at ``path`` with mode 0600, durably; an existing file
    is never overwritten."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex() + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    _sync_folder(path.parent)


def replace_key_file(staged: Path, path: Path) -> None:
    """Put the staged key file in place of ``path`` atomically."""
    os.replace(staged, path)
    _sync_folder(path.parent)


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
