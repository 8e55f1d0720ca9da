"""What the domain says, as message keys with fields: never words in a language.

A :class:`Message` names a sentence by its key (``notice.record.new``) and carries the
facts the sentence is made of; the entrypoints and channels render it in the reader's
language from message catalogs (``xinyong.messages``). Every key the domain can emit
is declared here with :func:`declare`, so that a test can hold every catalog to it."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

KEYS: set[str] = set()


def declare(key: str) -> str:
    """Declare ``key`` as one the domain emits, and return it."""
    KEYS.add(key)
    return key


def declare_notice(key: str) -> str:
    """Declare a notice's key: its title is ``KEY.title``, its text begins with ``KEY``."""
    KEYS.add(f"{key}.title")
    return declare(key)


@dataclass(frozen=True)
class Message:
    """One sentence: a declared key and the facts that fill it."""

    key: str
    fields: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        return {"key": self.key, "fields": dict(self.fields)}


# Every check's answer says how to dispute it (docs/design.md section 4, "Checks").
CHECK_HOW_TO_DISPUTE = declare("check.how_to_dispute")
