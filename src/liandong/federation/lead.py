"""A case led at another node (提级, issue 27 point 3): a case whose places are all in one province but
whose lead department is the centre's — escalated until a ministry leads it, or routed there by the
rules for its severity — goes to the lead's node as a hand-over like any other, with a second receipt
beside the report's: that of the event that made the department lead (``CaseDispatched``,
``CaseEscalated``…), from the same log. The receiver takes it only when that event names a department
of its own scope; its places alone do not send the case there (``federation.wrong_route`` otherwise).
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from liandong.domain.hierarchy import HierarchyIndex
from liandong.federation.subjects import node_of


def unit_of(department: str) -> str:
    """The jurisdiction of a department code (``100000-eco_environment`` → ``100000``)."""
    return department.rpartition("-")[0] or department


def lead_node(hierarchy: HierarchyIndex, scopes: Sequence[str], lead: str) -> str | None:
    """The node whose scope holds the lead department's jurisdiction (None: no node does)."""
    unit = unit_of(lead)
    return node_of(hierarchy, scopes, unit) if unit in hierarchy else None


def lead_entry(entries: Sequence[tuple[int, bytes]], lead: str) -> int | None:
    """The index of the last of a case's ledger entries whose event names ``lead`` as its lead."""
    for index, leaf in reversed(entries):
        if lead_of(leaf) == lead:
            return index
    return None


def lead_of(leaf: bytes) -> str:
    """The lead department a leaf's event names ("" when none)."""
    try:
        event = json.loads(leaf).get("event", {})
    except (ValueError, AttributeError):
        return ""
    found = event.get("lead") if isinstance(event, dict) else None
    return found if isinstance(found, str) else ""
