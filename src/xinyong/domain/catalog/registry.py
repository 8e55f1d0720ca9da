"""The catalogs of a deployment: every loaded version of every catalog id, and which
version is in force on a day."""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from xinyong.domain.catalog.model import Catalog, ListDefinition, Rule, Text


class CatalogConflict(ValueError):
    """A catalog version that cannot join the deployment as it stands."""


@dataclass(frozen=True, slots=True)
class ListOwner:
    catalog_id: str
    definition: ListDefinition


@dataclass
class CatalogRegistry:
    """All loaded catalog versions. Pure: built from catalogs, asked about days."""

    _versions: dict[str, list[Catalog]] = field(default_factory=dict)
    # The effective_from of each catalog's versions, oldest first: asked on every record.
    _starts: dict[str, list[dt.date]] = field(default_factory=dict, compare=False, repr=False)
    # (catalog, rule name, day) -> the version in force and its rule: see ``rule_on``.
    _rules: dict[tuple[str, str, dt.date], tuple[Catalog | None, Rule | None]] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def of(cls, catalogs: Iterable[Catalog]) -> CatalogRegistry:
        registry = cls()
        for catalog in catalogs:
            registry.add(catalog)
        return registry

    def add(self, catalog: Catalog) -> bool:
        """Add a version; returns False when the identical version is already here.

        Raises :class:`CatalogConflict` for a version that differs from one already
        loaded under the same id and version, for two versions taking effect on the same
        day, for a kind that differs from the catalog's other versions, and for a list id
        that another catalog already defines (list ids are global in a deployment).
        """
        versions = self._versions.get(catalog.id, [])
        for existing in versions:
            if existing.version == catalog.version:
                if existing == catalog:
                    return False
                raise CatalogConflict(
                    f"catalog {catalog.id!r} version {catalog.version!r} is already loaded "
                    "with different content; give the new one a new version"
                )
            if existing.effective_from == catalog.effective_from:
                raise CatalogConflict(
                    f"catalog {catalog.id!r}: versions {existing.version!r} and "
                    f"{catalog.version!r} both take effect on {catalog.effective_from}"
                )
            if existing.subject_kind != catalog.subject_kind:
                raise CatalogConflict(
                    f"catalog {catalog.id!r}: version {catalog.version!r} is for "
                    f"{catalog.subject_kind}s but version {existing.version!r} is for "
                    f"{existing.subject_kind}s"
                )
        for list_id in catalog.lists:
            owner = self.list_owner(list_id)
            if owner is not None and owner.catalog_id != catalog.id:
                raise CatalogConflict(
                    f"catalog {catalog.id!r} defines list {list_id!r}, which catalog "
                    f"{owner.catalog_id!r} already defines; list ids are global"
                )
        versions = sorted([*versions, catalog], key=lambda c: c.effective_from)
        self._versions[catalog.id] = versions
        self._starts[catalog.id] = [v.effective_from for v in versions]
        self._rules.clear()
        return True

    def ids(self) -> list[str]:
        return sorted(self._versions)

    def __contains__(self, catalog_id: object) -> bool:
        return catalog_id in self._versions

    def versions(self, catalog_id: str) -> list[Catalog]:
        """Every version of ``catalog_id``, oldest first."""
        return list(self._versions.get(catalog_id, []))

    def version(self, catalog_id: str, version: str) -> Catalog | None:
        """Version ``version`` of ``catalog_id``, if loaded."""
        return next((v for v in self._versions.get(catalog_id, []) if v.version == version), None)

    def source_name(self, source: str, catalog_id: str | None = None) -> Text | None:
        """The name of the authority ``source`` (a record's ``source`` id): as the latest
        version of ``catalog_id`` names it, else as any catalog loaded does; None when
        no catalog names it."""
        preferred = list(reversed(self.versions(catalog_id))) if catalog_id else []
        for version in [*preferred, *self.all()]:
            found = version.sources.get(source)
            if isinstance(found, Text):
                return found
        return None

    def all(self) -> Iterator[Catalog]:
        for catalog_id in self.ids():
            yield from self._versions[catalog_id]

    def in_force(self, catalog_id: str, day: dt.date) -> Catalog | None:
        """The version with the latest ``effective_from`` on or before ``day``."""
        versions = self._versions.get(catalog_id)
        if not versions:
            return None
        starts = self._starts.get(catalog_id)
        if starts is None or len(starts) != len(versions):
            starts = self._starts[catalog_id] = [v.effective_from for v in versions]
        index = bisect.bisect_right(starts, day)
        return versions[index - 1] if index else None

    def rule_on(self, catalog_id: str, rule_name: str, day: dt.date) -> tuple[Catalog | None, Rule | None]:
        """The version of ``catalog_id`` in force on ``day`` (None when none is) and its
        rule ``rule_name`` (None when it has none), remembered: asked several times for
        every record."""
        key = (catalog_id, rule_name, day)
        found = self._rules.get(key)
        if found is None:
            version = self.in_force(catalog_id, day)
            found = (version, version.rules.get(rule_name) if version is not None else None)
            if len(self._rules) >= 100_000:  # memory stays bounded whatever the ledger's span
                self._rules.clear()
            self._rules[key] = found
        return found

    def list_owner(self, list_id: str) -> ListOwner | None:
        """The catalog that defines ``list_id`` and its definition (latest version)."""
        for catalog_id, versions in self._versions.items():
            for version in reversed(versions):
                if list_id in version.lists:
                    return ListOwner(catalog_id, version.lists[list_id])
        return None

    def list_definition(self, list_id: str, day: dt.date) -> ListDefinition | None:
        """The definition of ``list_id`` in the version of its catalog in force on ``day``,
        falling back to the latest version that defines it."""
        owner = self.list_owner(list_id)
        if owner is None:
            return None
        current = self.in_force(owner.catalog_id, day)
        if current is not None and list_id in current.lists:
            return current.lists[list_id]
        return owner.definition
