"""Privacy at rest: identity numbers and names are sealed with AES-GCM and found again
through a keyed hash, so the database never holds them in clear."""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM


class KeyError_(ValueError):
    """A secret key that is missing, unreadable or malformed."""


def _derive(master: bytes, purpose: bytes) -> bytes:
    return hmac.new(master, b"xinyong/" + purpose, hashlib.sha256).digest()


class Sealer:
    """Keyed lookups and authenticated encryption under one 256-bit master key."""

    def __init__(self, master: bytes):
        if len(master) != 32:
            raise KeyError_("the secret key must be 32 bytes")
        self._lookup = _derive(master, b"lookup")
        self._aead = AESGCM(_derive(master, b"seal"))

    def lookup_key(self, text: str) -> str:
        """A stable keyed hash of ``text`` (a subject reference): equal inputs give equal
        keys, and nobody without the secret key can test a guess against it."""
        return hmac.new(self._lookup, text.encode(), hashlib.sha256).hexdigest()

    def fingerprint(self, canonical: str) -> str:
        """A keyed digest of an event's canonical form, for idempotency comparisons."""
        return hmac.new(self._lookup, b"event:" + canonical.encode(), hashlib.sha256).hexdigest()

    def seal(self, plaintext: bytes, context: bytes = b"") -> bytes:
        nonce = os.urandom(12)
        return nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, blob: bytes, context: bytes = b"") -> bytes:
        try:
            return self._aead.decrypt(blob[:12], blob[12:], context)
        except InvalidTag:
            raise KeyError_(
                "sealed data cannot be opened with this key: the secret key is not the one "
                "the database was written with, or the data was altered"
            ) from None


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


def load_or_create_key(secret: str | None, key_file: str | Path | None) -> bytes:
    """The master key: from ``secret`` (XINYONG_SECRET_KEY) if given, else from
    ``key_file``, which is created with mode 0600 on first use."""
    if secret:
        return _decode_key(secret, "XINYONG_SECRET_KEY")
    if key_file is None:
        raise KeyError_("no secret key: set XINYONG_SECRET_KEY or XINYONG_KEY_FILE")
    path = Path(key_file)
    if path.exists():
        return _decode_key(path.read_text(), str(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    key = os.urandom(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(key.hex() + "\n")
    return key
