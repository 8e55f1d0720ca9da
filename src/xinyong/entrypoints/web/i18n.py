"""The languages of the web pages: a small message catalog per language, and the choice
of language from the ``lang`` cookie or the browser's Accept-Language."""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cache
from importlib import resources

LANGUAGES: tuple[str, ...] = ("zh-CN", "en")
DEFAULT = "zh-CN"
COOKIE = "lang"
# Each language's name in itself, for the switch.
NAMES = {"zh-CN": "中文", "en": "English"}


@cache
def catalog(language: str) -> dict[str, str]:
    """The messages of ``language``, by key."""
    text = resources.files("xinyong.entrypoints.web").joinpath("messages", f"{language}.json").read_text("utf-8")
    return json.loads(text)


def _match(tag: str) -> str | None:
    tag = tag.strip().lower()
    if tag.startswith("zh"):
        return "zh-CN"
    if tag.startswith("en"):
        return "en"
    return None


def negotiate(cookie: str | None, accept_language: str | None) -> str:
    """The page language: the cookie if it names one we have, else the best match in
    Accept-Language (by q-value, then order), else Chinese."""
    if cookie in LANGUAGES:
        return cookie  # type: ignore[return-value]
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
    return min(ranked)[2] if ranked else DEFAULT


def translator(language: str) -> Callable[..., str]:
    """``t(key, **values)``: the message in ``language`` (English if it lacks one), with
    ``{name}`` placeholders filled; ``default`` (else the key) when neither has it."""
    messages = catalog(language)
    fallback = catalog("en")

    def t(key: str, default: str | None = None, **values: object) -> str:
        text = messages.get(key) or fallback.get(key) or (key if default is None else default)
        return text.format(**values) if values else text

    return t
