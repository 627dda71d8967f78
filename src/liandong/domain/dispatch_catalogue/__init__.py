"""派单目录: local dispatch catalogues over the national responsibility list (decision 0025)."""

from liandong.domain.dispatch_catalogue.diff import FieldChange, MatterChange, diff, show_value
from liandong.domain.dispatch_catalogue.in_force import LocalCatalogues
from liandong.domain.dispatch_catalogue.model import (
    OVERRIDABLE,
    ROUTING_FIELDS,
    LocalCatalogue,
    Override,
    compose,
)
from liandong.domain.dispatch_catalogue.reading import check_versions, read_local_catalogue

__all__ = ["OVERRIDABLE", "ROUTING_FIELDS", "FieldChange", "LocalCatalogue", "LocalCatalogues",
           "MatterChange", "Override", "check_versions", "compose", "diff", "read_local_catalogue",
           "show_value"]
