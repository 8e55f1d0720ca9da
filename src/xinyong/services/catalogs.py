"""The deployment's catalog library: loading versions from files into the store, all
or nothing, and the registry of every version loaded."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from xinyong.domain import calendar
from xinyong.domain.catalog.files import CatalogFileError, parse_catalog
from xinyong.domain.catalog.lint import lint
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.catalog.registry import CatalogConflict, CatalogRegistry
from xinyong.domain.scorecard import Scorecard, ScorecardFileError, is_scorecard, parse_scorecard
from xinyong.services.optin import ScorecardConflict, Scorecards
from xinyong.services.unit_of_work import UnitOfWork, UnitsOfWork


@dataclass(frozen=True)
class LoadOutcome:
    path: str
    catalog: Catalog | Scorecard  # a scorecard file (``kind = "scorecard"``) holds a scorecard
    added: bool  # False: the identical version was already loaded


def parse_library_file(text: str, source: str) -> Catalog | Scorecard:
    """A catalog, or an opt-in scorecard when the file says ``kind = "scorecard"``;
    errors name the file, key and value (:class:`CatalogFileError` or
    :class:`~xinyong.domain.scorecard.ScorecardFileError`)."""
    try:
        data = tomllib.loads(text)
    except (tomllib.TOMLDecodeError, ValueError):
        return parse_catalog(text, source)  # which names what is wrong
    if is_scorecard(data):
        return parse_scorecard(text, source)
    return parse_catalog(text, source)


# Lint errors that no profile may waive: loading refuses a catalog that has one. Others
# (a list another catalog will define, say) depend on what else is loaded and stay the
# linter's to report.
REFUSED_BY_DESIGN = frozenset(
    {
        "refused-matter",
        "measure-reaches-others",
        "essential-service",
        "coercive-measure",
        "unknown-category",
        "missing-legal-basis",
        "penalty-in-reward-category",
        "no-path-off-list",
        "optin-walled-off",
    }
)


class CatalogLoadError(ValueError):
    """Catalog files that cannot be loaded; nothing of them was stored."""


class CatalogLibrary:
    def __init__(self, units: UnitsOfWork, clock: Callable[[], dt.date] = calendar.today):
        self.units = units
        self.clock = clock
        self._cache: tuple[int, CatalogRegistry] | None = None
        self._scorecards: tuple[int, Scorecards] | None = None

    def scorecards(self, uow: UnitOfWork | None = None) -> Scorecards:
        """Every loaded opt-in scorecard version (cached until one is added), as ``uow``
        sees them when given. Kept apart from the catalog registry: no catalog reads them."""
        if uow is None:
            with self.units(read_only=True) as reading:
                return self.scorecards(reading)
        count = uow.optin.scorecard_count()
        if self._scorecards is not None and self._scorecards[0] == count:
            return self._scorecards[1]
        shelf = Scorecards.of(uow.optin.scorecards())
        if not uow.read_only:
            return shelf
        self._scorecards = (count, shelf)
        return shelf

    def registry(self, uow: UnitOfWork | None = None, loaded: int | None = None) -> CatalogRegistry:
        """Every loaded catalog version (cached until a version is added), as ``uow``
        sees them when given; ``loaded``, how many versions ``uow`` sees, when the caller
        has read it already."""
        if uow is None:
            with self.units(read_only=True) as reading:
                return self.registry(reading)
        count = uow.catalogs.count() if loaded is None else loaded
        if self._cache is not None and self._cache[0] == count:
            return self._cache[1]
        registry = CatalogRegistry.of(uow.catalogs.all())
        if not uow.read_only:
            return registry  # what a writing unit sees may yet be rolled back: not cached
        self._cache = (count, registry)
        return registry

    def load(self, paths: Sequence[str | Path]) -> list[LoadOutcome]:
        """Validate every file, then store the new versions in one transaction. A file
        that says ``kind = "scorecard"`` is an opt-in scorecard (docs/design.md section
        9), stored beside the catalogs and never read by them."""
        texts: list[tuple[str, str, Catalog]] = []
        cards: list[tuple[str, str, Scorecard]] = []
        problems: list[str] = []
        for path in paths:
            try:
                text = Path(path).read_text(encoding="utf-8")
                parsed = parse_library_file(text, str(path))
                if isinstance(parsed, Scorecard):
                    cards.append((str(path), text, parsed))
                else:
                    texts.append((str(path), text, parsed))
            except OSError as error:
                problems.append(f"{path}: cannot read: {error.strerror}")
            except UnicodeDecodeError:
                problems.append(f"{path}: not UTF-8 text")
            except (CatalogFileError, ScorecardFileError) as error:
                problems.append(str(error))
        if problems:
            raise CatalogLoadError("\n".join(problems))
        outcomes: list[LoadOutcome] = []
        with self.units() as uow:
            shelf = Scorecards.of(uow.optin.scorecards())
            registry = CatalogRegistry.of(uow.catalogs.all())
            for path, text, card in cards:
                if card.id in registry:
                    raise CatalogLoadError(f"{path}: scorecard {card.id!r} has the id of a loaded catalog")
                try:
                    added = shelf.add(card)
                except ScorecardConflict as error:
                    raise CatalogLoadError(f"{path}: {error}") from None
                if added:
                    uow.optin.add_scorecard(card, text)
                outcomes.append(LoadOutcome(path, card, added))
            self._refuse_what_is_refused_by_design(texts, shelf.ids())
            for path, text, catalog in texts:
                if catalog.id in shelf:
                    raise CatalogLoadError(f"{path}: catalog {catalog.id!r} has the id of a loaded scorecard")
                try:
                    added = registry.add(catalog)
                except CatalogConflict as error:
                    raise CatalogLoadError(f"{path}: {error}") from None
                if added:
                    self._refuse_retroactive(uow, path, catalog)
                    uow.catalogs.add(catalog, text)
                outcomes.append(LoadOutcome(path, catalog, added))
            uow.commit()
        self._cache = None
        self._scorecards = None
        return outcomes

    @staticmethod
    def _refuse_what_is_refused_by_design(texts: list[tuple[str, str, Catalog]], scorecards: list[str]) -> None:
        """A catalog that expresses what the system refuses by design (docs/design.md
        section 2: refused matters, measures on others or on what people need to live,
        coercion, penalties without a legal basis) is not loaded, whoever loads it: the
        linter's verdict binds, it does not only advise."""
        findings = lint([catalog for _, _, catalog in texts], scorecards=scorecards)
        where = {(c.id, c.version): path for path, _, c in texts}
        refused = [f for f in findings if f.severity == "error" and f.code in REFUSED_BY_DESIGN]
        if refused:
            raise CatalogLoadError(
                "\n".join(
                    f"{where.get((f.catalog, f.version), f.catalog)}: [{f.code}] {f.where}: {f.message}"
                    for f in refused
                )
            )

    def _refuse_retroactive(self, uow: UnitOfWork, path: str, catalog: Catalog) -> None:
        # A version taking effect on or before an act already recorded would change the
        # rule that act is judged by: a penalty, a list or a notice it did not have when
        # it happened. New versions take effect after the latest recorded act that stands:
        # an annulled record judges nothing, and a record dated after today cannot be
        # filed (one found from before that rule must not freeze its catalog).
        latest = uow.ledger.latest_act(catalog.id, self.clock())
        if latest is not None and catalog.effective_from <= latest:
            raise CatalogLoadError(
                f"{path}: catalog {catalog.id!r} version {catalog.version!r} takes effect on "
                f"{catalog.effective_from}, but records under this catalog already describe "
                f"acts up to {latest}; loading it would change the rules those acts are judged "
                f"by (no retroactive penalties). Give it an effective_from after {latest}."
            )
