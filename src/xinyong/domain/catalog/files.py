"""Reading catalogs from TOML files, with errors that name the file, key and value."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import ValidationError

from xinyong.domain.catalog.model import Catalog
from xinyong.domain.validation import describe_validation_error


class CatalogFileError(ValueError):
    """A catalog file that cannot be read or does not fit the schema."""


def describe(error: ValidationError, source: str) -> str:
    return describe_validation_error(
        error, source=source, separator="\n", toml=True, unknown="unknown key", whole="(top level)"
    )


def parse_catalog(text: str, source: str = "<catalog>") -> Catalog:
    """Parse one catalog version from TOML text."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise CatalogFileError(f"{source}: not valid TOML: {error}") from None
    except ValueError as error:  # an integer longer than Python converts (4,300 digits)
        raise CatalogFileError(f"{source}: a number is out of range: {str(error).split(':')[0]}") from None
    try:
        return Catalog.model_validate(data)
    except ValidationError as error:
        raise CatalogFileError(describe(error, source)) from None


def read_catalog(path: str | Path) -> Catalog:
    """Read one catalog version from a TOML file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CatalogFileError(f"{path}: cannot read: {error.strerror}") from None
    except UnicodeDecodeError:
        raise CatalogFileError(f"{path}: not UTF-8 text") from None
    return parse_catalog(text, str(path))
