"""The words: message catalogs by language, and the rendering of the domain's message
keys with their fields into a reader's language.

Catalogs map a key to a template with ``{name}`` placeholders filled from the fields:
``{points:+d}`` takes a format spec, ``{rule_title|rule}`` the first of the named fields
that is set, and a field that is not set reads as a dash. A key may have a variant for
one channel, ``KEY@api``, used when rendering for that channel (the API may name its
endpoints; the portal and email never do). A key missing in a language falls back to
English. This package imports nothing else of Xinyong: the adapters, the services'
channels and the entrypoints all render through it."""

from __future__ import annotations

import json
import string
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from typing import Any

LANGUAGES: tuple[str, ...] = ("zh-CN", "en")
FALLBACK = "en"
UNSET = "—"
# How the sentences of a text are joined: Chinese sentences end in full-width stops.
_SEPARATOR = {"zh-CN": "", "en": " "}


@cache
def catalog(language: str) -> dict[str, str]:
    """The templates of ``language``, by key (empty for a language we do not have)."""
    if language not in LANGUAGES:
        return {}
    text = resources.files(__name__).joinpath(f"{language}.json").read_text("utf-8")
    messages: dict[str, str] = json.loads(text)
    return messages


def template(key: str, language: str, channel: str | None = None) -> str | None:
    """The template of ``key`` in ``language`` (for ``channel`` if it has its own), else
    in English, else None."""
    wanted = [f"{key}@{channel}", key] if channel else [key]
    for lang in (language, FALLBACK):
        messages = catalog(lang)
        for name in wanted:
            found = messages.get(name)
            if found is not None:
                return found
    return None


class _Fields(string.Formatter):
    def get_value(self, key: int | str, args: Any, kwargs: Mapping[str, Any]) -> Any:
        if isinstance(key, int):
            return args[key]
        for name in key.split("|"):
            value = kwargs.get(name)
            if value is not None:
                return value
        return None

    def format_field(self, value: Any, format_spec: str) -> str:
        if value is None:
            return UNSET
        if isinstance(value, (list, tuple)):
            return ", ".join(str(v) for v in value)
        return format(value, format_spec)


_FORMATTER = _Fields()


def render(key: str, fields: Mapping[str, Any], language: str, channel: str | None = None) -> str:
    """The message ``key`` in ``language``, filled from ``fields``; the key itself when
    no catalog has it (the tests hold every catalog to the keys the domain declares)."""
    found = template(key, language, channel)
    if found is None:
        return key
    return _FORMATTER.vformat(found, (), fields)


def _match(tag: str) -> str | None:
    tag = tag.strip().lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return None


def negotiate(accept_language: str | None, default: str) -> str:
    """The best of our languages in an Accept-Language header (by q-value, then
    order), else ``default``."""
    ranked: list[tuple[float, int, str]] = []
    for position, part in enumerate((accept_language or "").split(",")):
        tag, _, params = part.partition(";")
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                quality = 0.0
        language = _match(tag)
        if language is not None and quality > 0:
            ranked.append((-quality, position, language))
    return min(ranked)[2] if ranked else default


def join(sentences: Iterable[str], language: str) -> str:
    """Sentences as one text, in the manner of ``language``."""
    return _SEPARATOR.get(language, " ").join(s for s in sentences if s)


def render_notice(
    key: str,
    fields: Mapping[str, Any],
    lines: Iterable[tuple[str, Mapping[str, Any]]],
    language: str,
    channel: str | None = None,
) -> tuple[str, str]:
    """A notice's title and text: the title is ``KEY.title``, the text the sentence
    ``KEY`` and then each line, filled from the notice's fields and the line's own."""
    title = render(f"{key}.title", fields, language, channel)
    sentences = [render(key, fields, language, channel)]
    sentences += [render(k, {**fields, **own}, language, channel) for k, own in lines]
    return title, join(sentences, language)


@cache
def regions() -> dict[str, dict[str, str | None]]:
    """The jurisdiction codes we know (``CN``, ``CN-SD``, ``CN-SD-RC``...), each with its
    GB/T 2260 division code (``gb2260``, None for the nation) and its place name in each
    of our languages, from ``regions.json`` beside this module."""
    text = resources.files(__name__).joinpath("regions.json").read_text("utf-8")
    table: dict[str, dict[str, str | None]] = json.loads(text)
    return table


def place(code: str | None, language: str) -> str | None:
    """The place name of jurisdiction ``code`` in ``language`` (else in English); the
    code itself for a code we have no name for; None for None."""
    if code is None:
        return None
    known = regions().get(code)
    if known is None:
        return code
    return known.get(language) or known.get(FALLBACK) or code


def division(code: str | None) -> str | None:
    """The GB/T 2260 administrative division code of jurisdiction ``code``, if known."""
    known = regions().get(code) if code is not None else None
    return known.get("gb2260") if known is not None else None
