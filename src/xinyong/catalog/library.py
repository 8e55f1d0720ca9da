"""The deployment's catalog library: loading versions from files into the store, all
or nothing, and the registry of every version loaded."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from xinyong.catalog.files import CatalogFileError, parse_catalog
from xinyong.catalog.model import Catalog
from xinyong.catalog.registry import CatalogConflict, CatalogRegistry
from xinyong.ledger.store import LedgerStore


@dataclass(frozen=True)
class LoadOutcome:
    path: str
    catalog: Catalog
    added: bool  # False: the identical version was already loaded


class CatalogLoadError(ValueError):
    """Catalog files that cannot be loaded; nothing of them was stored."""


class CatalogLibrary:
    def __init__(self, store: LedgerStore):
        self.store = store
        self._cache: tuple[int, CatalogRegistry] | None = None

    def registry(self) -> CatalogRegistry:
        """Every loaded catalog version (cached until a version is added)."""
        with self.store.reading() as connection:
            count = self.store.catalog_count(connection)
            if self._cache is not None and self._cache[0] == count:
                return self._cache[1]
            registry = CatalogRegistry.of(self.store.catalogs(connection))
        self._cache = (count, registry)
        return registry

    def load(self, paths: Sequence[str | Path]) -> list[LoadOutcome]:
        """Validate every file, then store the new versions in one transaction."""
        texts: list[tuple[str, str, Catalog]] = []
        problems: list[str] = []
        for path in paths:
            try:
                text = Path(path).read_text(encoding="utf-8")
                texts.append((str(path), text, parse_catalog(text, str(path))))
            except OSError as error:
                problems.append(f"{path}: cannot read: {error.strerror}")
            except UnicodeDecodeError:
                problems.append(f"{path}: not UTF-8 text")
            except CatalogFileError as error:
                problems.append(str(error))
        if problems:
            raise CatalogLoadError("\n".join(problems))
        outcomes: list[LoadOutcome] = []
        with self.store.transaction() as connection:
            registry = CatalogRegistry.of(self.store.catalogs(connection))
            for path, text, catalog in texts:
                try:
                    added = registry.add(catalog)
                except CatalogConflict as error:
                    raise CatalogLoadError(f"{path}: {error}") from None
                if added:
                    self.store.add_catalog(connection, catalog, text)
                outcomes.append(LoadOutcome(path, catalog, added))
        self._cache = None
        return outcomes
