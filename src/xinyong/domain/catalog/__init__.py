"""Rule catalogs: the schema, the set of loaded versions, files, and the linter."""

from xinyong.domain.catalog.model import (
    ALLOWED_CATEGORIES,
    Catalog,
    GradeBand,
    ListDefinition,
    Measure,
    Rule,
    Text,
    Trigger,
)
from xinyong.domain.catalog.registry import CatalogConflict, CatalogRegistry

__all__ = [
    "ALLOWED_CATEGORIES",
    "Catalog",
    "CatalogConflict",
    "CatalogRegistry",
    "GradeBand",
    "ListDefinition",
    "Measure",
    "Rule",
    "Text",
    "Trigger",
]
