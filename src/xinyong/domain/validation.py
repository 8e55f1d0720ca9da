"""How a value that does not fit its schema is reported: one line per problem,
``field: message (got value)``, for events, catalog and data files, service requests and
the API's problem documents alike."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

__all__ = ["FieldProblem", "describe_validation_error", "field_problems", "key_path"]


@dataclass(frozen=True)
class FieldProblem:
    """One problem: the field's path, what is wrong, and the value found when it is
    worth showing (not for a missing field, nor for a whole table or list)."""

    field: str
    message: str
    value: Any = None
    shown: bool = False

    def __str__(self) -> str:
        got = f" (got {self.value!r})" if self.shown else ""
        return f"{self.field}: {self.message}{got}"


def key_path(loc: Iterable[int | str], *, toml: bool = False) -> str:
    """A location as a dotted path (``records.0.rule``) or, with ``toml``, as a TOML key
    path (``rules."traffic.red_light".points``, ``tiers.person[0]``)."""
    if not toml:
        return ".".join(str(item) for item in loc)
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        elif parts and "." in str(item):
            parts.append(f'."{item}"')
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts)


def field_problems(
    error: ValidationError | Iterable[Mapping[str, Any]],
    *,
    skip: Collection[str] = (),
    toml: bool = False,
    unknown: str = "unknown field",
    whole: str = "",
    values: bool = True,
) -> list[FieldProblem]:
    """The problems of ``error`` (or of its ``errors()`` list), one per field.

    ``skip`` names first location parts left out of the path (a discriminator's tag,
    FastAPI's ``body``); ``toml`` writes paths as TOML keys; ``unknown`` is the message
    for a key the schema does not have; ``whole`` names the value itself when the path is
    empty; ``values=False`` never shows the value found (free text that may be long or
    personal)."""
    problems = error.errors() if isinstance(error, ValidationError) else error
    found = []
    for problem in problems:
        loc = list(problem.get("loc", ()))
        if loc and str(loc[0]) in skip:
            loc = loc[1:]
        message = str(problem.get("msg", "")).removeprefix("Value error, ")
        if problem.get("type") == "extra_forbidden":
            message = unknown
        got = problem.get("input")
        shown = values and problem.get("type") != "missing" and not isinstance(got, (dict, list))
        found.append(FieldProblem(key_path(loc, toml=toml) or whole, message, got, shown))
    return found


def describe_validation_error(
    error: ValidationError,
    *,
    source: str | None = None,
    separator: str = "; ",
    **options: Any,
) -> str:
    """``error`` as ``field: message (got value)`` lines joined by ``separator``, each
    preceded by ``source: `` when given (the file the value came from); ``options`` as
    for :func:`field_problems`."""
    prefix = f"{source}: " if source is not None else ""
    return separator.join(prefix + str(problem) for problem in field_problems(error, **options))
