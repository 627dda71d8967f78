"""What changed between two versions of a scope's catalogue, matter by matter and field by field
(each version applied to the national list alone, so the comparison is the scope's own)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from liandong.domain.dispatch_catalogue.model import LocalCatalogue, compose
from liandong.domain.responsibility import MatterType, ResponsibilityList

COMPARED = ("name", "name_en", "category", "lead", "assist", "authority", "default_severity",
            "severities", "limits", "keywords", "public", "hotline_code")


class FieldChange(NamedTuple):
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class MatterChange:
    """``kind``: added (in the later version only), removed (in the earlier only) or changed."""

    code: str
    kind: str
    fields: tuple[FieldChange, ...] = ()


def show_value(matter: MatterType, name: str) -> str:
    """A field as offices write it: systems joined by commas, limits as ``routine=7wd``."""
    value = getattr(matter, name)
    if name == "authority":
        return value.key if value is not None else ""
    if name in ("lead", "hotline_code"):
        return value or ""
    if name == "limits":
        return "; ".join(f"{sev.value}={value[sev]}" for sev in matter.severities if sev in value)
    if name == "severities":
        return ", ".join(s.value for s in value)
    if name == "default_severity":
        return str(value.value)
    if name == "public":
        return "true" if value else "false"
    if isinstance(value, tuple):
        return ", ".join(value)
    return str(value)


def diff(national: ResponsibilityList, before: LocalCatalogue, after: LocalCatalogue) -> list[MatterChange]:
    """The matters whose definition differs between the two versions, by code."""
    old, new = compose(national.matters, [before]), compose(national.matters, [after])
    touched = (set(before.overrides) | set(before.added) | set(after.overrides) | set(after.added))
    changes = []
    for code in sorted(touched):
        if code not in new:
            changes.append(MatterChange(code, "removed"))
        elif code not in old:
            changes.append(MatterChange(code, "added"))
        else:
            fields = tuple(FieldChange(name, show_value(old[code], name), show_value(new[code], name))
                           for name in COMPARED
                           if show_value(old[code], name) != show_value(new[code], name))
            if fields:
                changes.append(MatterChange(code, "changed", fields))
    return changes
