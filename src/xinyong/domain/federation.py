"""Nodes and signed lists (docs/design.md section 10): the bundle a node publishes of
one of its lists, the rules by which another node admits it, and what the entries of
a foreign list ``NODE/LIST`` say on a day.

Pure: no I/O. The bundle's signature is checked here (an Ed25519 verification is a
computation); the node's private key, which signs, is kept by the adapters.

The rules:

- a bundle is admitted only when its signature verifies under its own public key, that
  key is the one trusted for the node, and its ``as_of`` is not before that of any
  bundle of the same node and list admitted before, nor the same bundle again (an older
  or repeated bundle is a replay); one as of the same day with other entries replaces
  that day's;
- on day D, what a foreign list says of a subject is what the latest bundle with
  ``as_of`` ≤ D holds (before the first bundle, the first one): an entry that a newer
  bundle no longer holds ends from that bundle's ``as_of``; an entry counts on D when
  ``from`` ≤ D < ``until``;
- on a day more than :data:`STALE_AFTER` days after the latest bundle's ``as_of`` the
  list is stale: a measure on it that would deny sends to review instead, and says why.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import re
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

FORMAT = "xinyong-list/1"
STALE_AFTER = 7  # days after the latest bundle's as_of; on the day after, stale

_NODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$")
_LIST = re.compile(r"^[a-z0-9][a-z0-9_-]{0,199}$")
_FIELDS = ("format", "node", "public_key", "list", "title", "as_of", "entries", "signature")
_ENTRY_FIELDS = ("subject", "record", "from", "until", "legal_basis")


class InvalidNodeName(ValueError):
    """A node name that is not letters, digits, '.', '_' and '-' (at most 63)."""


class InvalidForeignList(ValueError):
    """A list name with a '/' that is not ``NODE/LIST``."""


class BundleRefused(ValueError):
    """A bundle that is not admitted; ``reason`` names why for every entrypoint
    (``format``, ``signature``, ``untrusted``, ``future``, ``replay``), and nothing of it is kept."""

    def __init__(self, reason: str, message: str):
        self.reason = reason
        self.key = f"federation.refused.{reason}"
        super().__init__(message)


def node_name(text: str) -> str:
    """``text`` if it is a valid node name, else :class:`InvalidNodeName`."""
    if not _NODE.match(text):
        raise InvalidNodeName(
            f"node name {text!r} must be 1 to 63 letters, digits, '.', '_' or '-', starting with a letter or digit"
        )
    return text


def is_foreign(list_name: str) -> bool:
    """Whether ``list_name`` names a foreign list (``NODE/LIST``) rather than a local one."""
    return "/" in list_name


def foreign_list(list_name: str) -> tuple[str, str]:
    """The node and list of a foreign list name ``NODE/LIST``, or
    :class:`InvalidForeignList` saying what is wrong with it."""
    node, _, list_id = list_name.partition("/")
    if not _NODE.match(node) or not _LIST.match(list_id):
        raise InvalidForeignList(
            f"foreign list {list_name!r} must be NODE/LIST: a node name (letters, digits, '.', '_', '-') "
            "and a list id (lowercase letters, digits, '-', '_') joined by one '/'"
        )
    return node, list_id


def canonical(document: Mapping[str, Any]) -> bytes:
    """The bytes a bundle's signature covers: the bundle without ``signature``, as JSON
    with keys sorted, no spaces and UTF-8 text (not escaped)."""
    rest = {k: v for k, v in document.items() if k != "signature"}
    return json.dumps(rest, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def fingerprint(public_key: str) -> str:
    """A key's fingerprint: SHA-256 of the 32 raw bytes of the Ed25519 public key
    (given in base64), in lowercase hex."""
    try:
        raw = base64.b64decode(public_key, validate=True)
    except ValueError:
        raise ValueError(f"public key {public_key!r} is not base64") from None
    return hashlib.sha256(raw).hexdigest()


def signature_verifies(public_key: str, signature: str, message: bytes) -> bool:
    """Whether ``signature`` (base64) is an Ed25519 signature of ``message`` by the
    holder of ``public_key`` (base64 of the 32 raw bytes)."""
    try:
        key = Ed25519PublicKey.from_public_bytes(base64.b64decode(public_key, validate=True))
        key.verify(base64.b64decode(signature, validate=True), message)
    except (InvalidSignature, ValueError):
        return False
    return True


# ----------------------------------------------------------------------------- bundles


@dataclass(frozen=True, slots=True)
class BundleEntry:
    """One entry of a published list: whom, which record made it, in effect
    ``[start, until)``, under which legal basis."""

    subject: str  # rid:… or uscc:…
    record: str
    start: dt.date
    until: dt.date | None
    legal_basis: str | None

    def as_json(self) -> dict[str, Any]:
        return {
            "subject": self.subject,
            "record": self.record,
            "from": self.start.isoformat(),
            "until": self.until.isoformat() if self.until else None,
            "legal_basis": self.legal_basis,
        }

    def counts_on(self, day: dt.date) -> bool:
        return self.start <= day and (self.until is None or day < self.until)


@dataclass(frozen=True, slots=True)
class Bundle:
    """A node's list as of a day, and the signature over it."""

    node: str
    public_key: str
    list: str
    title: str
    as_of: dt.date
    entries: tuple[BundleEntry, ...]
    signature: str = ""

    @property
    def name(self) -> str:
        """The list's name at the node that imports it: ``NODE/LIST``."""
        return f"{self.node}/{self.list}"

    def unsigned(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "node": self.node,
            "public_key": self.public_key,
            "list": self.list,
            "title": self.title,
            "as_of": self.as_of.isoformat(),
            "entries": [e.as_json() for e in self.entries],
        }

    def document(self) -> dict[str, Any]:
        """The bundle as published (docs/design.md section 10)."""
        return self.unsigned() | {"signature": self.signature}

    def digest(self) -> str:
        """SHA-256 of the signed bytes, in hex: what tells a bundle from any other."""
        return hashlib.sha256(canonical(self.unsigned())).hexdigest()


def entry_order(entry: BundleEntry) -> tuple[str, str]:
    """The order a node publishes entries in: by subject, then record (the signature
    covers the entries in the order given)."""
    return entry.subject, entry.record


def _day(value: object, where: str) -> dt.date:
    if not isinstance(value, str):
        raise BundleRefused("format", f"{where}: a day YYYY-MM-DD is expected, got {value!r}")
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BundleRefused("format", f"{where}: {value!r} is not a day YYYY-MM-DD") from None


def _text(document: Mapping[str, Any], name: str, where: str = "") -> str:
    value = document.get(name)
    if not isinstance(value, str) or not value:
        raise BundleRefused("format", f"{where}{name}: a non-empty string is expected, got {value!r}")
    return value


def read_bundle(document: object) -> Bundle:
    """The bundle in ``document`` (parsed JSON), its fields checked; a bundle that is
    not one (format, missing or malformed fields) is :class:`BundleRefused` naming the
    field and value. The signature is not checked here: see :func:`admit`."""
    if not isinstance(document, dict):
        raise BundleRefused("format", "a bundle is a JSON object")
    if document.get("format") != FORMAT:
        raise BundleRefused("format", f"format: {document.get('format')!r} is not {FORMAT!r}")
    unknown = sorted(set(document) - set(_FIELDS))
    if unknown:
        raise BundleRefused("format", f"unknown field(s) {', '.join(unknown)}: a {FORMAT} bundle has none")
    node = _text(document, "node")
    try:
        node_name(node)
        list_id = _text(document, "list")
        foreign_list(f"{node}/{list_id}")
    except (InvalidNodeName, InvalidForeignList) as error:
        raise BundleRefused("format", str(error)) from None
    raw_entries = document.get("entries")
    if not isinstance(raw_entries, list):
        raise BundleRefused("format", f"entries: a list is expected, got {raw_entries!r}")
    entries = []
    for number, raw in enumerate(raw_entries):
        where = f"entries[{number}]."
        if not isinstance(raw, dict) or sorted(raw) != sorted(_ENTRY_FIELDS):
            raise BundleRefused("format", f"entries[{number}]: an entry has exactly {', '.join(_ENTRY_FIELDS)}")
        subject = _text(raw, "subject", where)
        if not subject.startswith(("rid:", "uscc:")):
            raise BundleRefused("format", f"{where}subject: {subject!r} is not rid:… or uscc:…")
        until = None if raw["until"] is None else _day(raw["until"], f"{where}until")
        basis = raw["legal_basis"]
        if basis is not None and not isinstance(basis, str):
            raise BundleRefused("format", f"{where}legal_basis: a string or null is expected, got {basis!r}")
        entries.append(
            BundleEntry(subject, _text(raw, "record", where), _day(raw["from"], f"{where}from"), until, basis)
        )
    title = document.get("title")
    if not isinstance(title, str):
        raise BundleRefused("format", f"title: a string is expected, got {title!r}")
    return Bundle(
        node=node,
        public_key=_text(document, "public_key"),
        list=list_id,
        title=title,
        as_of=_day(document.get("as_of"), "as_of"),
        entries=tuple(entries),
        signature=_text(document, "signature"),
    )


def admit(
    bundle: Bundle,
    trusted_key: str,
    latest_as_of: dt.date | None,
    today: dt.date | None = None,
    imported: Collection[str] = (),
) -> Bundle:
    """``bundle`` if it may be imported: signed under its own key, that key the
    ``trusted_key`` of its node, not as of a day after ``today``, not older than the
    ``latest_as_of`` already imported for its node and list, and not one of those
    already imported (``imported``: their digests). Otherwise :class:`BundleRefused`
    with the reason; nothing of it is to be kept. A bundle as of the same day as the
    latest, but holding other entries, is that day's list published again: it replaces
    the earlier one for that day."""
    if not signature_verifies(bundle.public_key, bundle.signature, canonical(bundle.unsigned())):
        raise BundleRefused(
            "signature",
            f"the signature of {bundle.name} as of {bundle.as_of} does not verify under the key it names: "
            "the bundle was altered after it was signed",
        )
    if bundle.public_key != trusted_key:
        raise BundleRefused(
            "untrusted",
            f"{bundle.name} as of {bundle.as_of} is signed by key {bundle.public_key} "
            f"(fingerprint {fingerprint(bundle.public_key)[:16]}), not by the key trusted for node "
            f"{bundle.node!r}, {trusted_key}",
        )
    if today is not None and bundle.as_of > today:
        raise BundleRefused(
            "future",
            f"{bundle.name} is as of {bundle.as_of}, after today ({today}): a list speaks of a day that has "
            "come, and a bundle from the future would refuse every later one as a replay",
        )
    if latest_as_of is not None and bundle.as_of < latest_as_of:
        raise BundleRefused(
            "replay",
            f"{bundle.name} as of {bundle.as_of} is older than the bundle as of {latest_as_of} already "
            "imported: an older bundle is a replay, and would bring back entries since removed",
        )
    if bundle.digest() in imported:
        raise BundleRefused(
            "replay", f"{bundle.name} as of {bundle.as_of} was imported already: this is the same bundle again"
        )
    return bundle


# ----------------------------------------------------------------------- foreign lists


@dataclass(frozen=True, slots=True)
class ForeignEntry:
    """An entry of a foreign list that counts for a subject on a day, with where it
    came from: the node, and the bundle (by its ``as_of``) that holds it."""

    list: str  # NODE/LIST
    node: str
    record: str
    start: dt.date
    until: dt.date | None
    legal_basis: str | None
    bundle_as_of: dt.date


@dataclass(frozen=True, slots=True)
class ForeignHolding:
    """What this node holds of one foreign list for one subject: the ``as_of`` of every
    bundle imported (ascending) and the subject's entries in each."""

    name: str  # NODE/LIST
    title: str
    bundles: tuple[dt.date, ...]
    entries: Mapping[dt.date, tuple[BundleEntry, ...]]  # by the as_of of the bundle holding them

    @property
    def node(self) -> str:
        return self.name.partition("/")[0]

    @property
    def latest(self) -> dt.date:
        return self.bundles[-1]

    def governing(self, day: dt.date) -> dt.date:
        """The bundle that speaks for ``day``: the latest with ``as_of`` ≤ ``day``, or the
        first one before any."""
        governing = self.bundles[0]
        for as_of in self.bundles:
            if as_of <= day:
                governing = as_of
        return governing

    def entries_on(self, day: dt.date) -> list[ForeignEntry]:
        """The subject's entries that count on ``day``."""
        as_of = self.governing(day)
        return [
            ForeignEntry(self.name, self.node, e.record, e.start, e.until, e.legal_basis, as_of)
            for e in self.entries.get(as_of, ())
            if e.counts_on(day)
        ]

    def stale_on(self, day: dt.date) -> bool:
        """More than :data:`STALE_AFTER` days after the latest bundle's ``as_of``."""
        return (day - self.latest).days > STALE_AFTER

    def stale_since(self) -> dt.date:
        """The first day on which the list is stale."""
        return self.latest + dt.timedelta(days=STALE_AFTER + 1)


def holding(
    name: str, title: str, bundles: Iterable[dt.date], entries: Iterable[tuple[dt.date, BundleEntry]]
) -> ForeignHolding:
    """A :class:`ForeignHolding` from the ``as_of`` of each bundle imported and the
    subject's entries, each with the ``as_of`` of the bundle holding it."""
    days = tuple(sorted(set(bundles)))
    if not days:
        raise ValueError(f"no bundle of {name} has been imported")
    by_bundle: dict[dt.date, list[BundleEntry]] = {}
    for as_of, entry in entries:
        by_bundle.setdefault(as_of, []).append(entry)
    return ForeignHolding(name, title, days, {d: tuple(e) for d, e in by_bundle.items()})


def foreign_trigger(found: Sequence[ForeignEntry], holding_: ForeignHolding, day: dt.date) -> dict[str, object]:
    """The trigger a check's reason gives for a measure on a foreign list: the list, the
    node to dispute with, the record, the entry's days and legal basis, the bundle's
    ``as_of``, and whether the list is stale on ``day`` (and since when)."""
    entry = max(found, key=lambda e: (e.until is None, e.until or dt.date.min, e.record))
    stale = holding_.stale_on(day)
    return {
        "list": entry.list,
        "node": entry.node,
        "record": entry.record,
        "from": entry.start.isoformat(),
        "until": entry.until.isoformat() if entry.until else None,
        "bundle_as_of": entry.bundle_as_of.isoformat(),
        "list_legal_basis": entry.legal_basis,
        "stale": stale,
        "stale_since": holding_.stale_since().isoformat() if stale else None,
    }


def effect_on_foreign(effect: str, stale: bool) -> str:
    """A measure's effect on a foreign list: a denial on a stale list sends to review
    (the list may have changed since; a person decides), anything else is unchanged."""
    return "review" if stale and effect == "deny" else effect


def first_reached(before: Iterable[BundleEntry], bundle: Bundle) -> list[BundleEntry]:
    """The entries of ``bundle`` that no earlier bundle of its list held (by subject and
    record): those whose subjects are told they were reached."""
    seen = {(e.subject, e.record) for e in before}
    return [e for e in bundle.entries if (e.subject, e.record) not in seen]
