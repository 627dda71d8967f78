"""Names shared by the federation's modules: the subjects messages travel under, the ledger stream and
subject of the entries that record them, and which node holds a code."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

from liandong.domain.hierarchy import HierarchyIndex

STREAM = "federation"
"""The ``stream`` of the ledger entries that record hand-overs and forwarded commands."""


def subject(sender: str, to: str, kind: str = "handover") -> str:
    return f"fed.out.{sender}.{to}.{kind}"


def ledger_subject(hid: str) -> str:
    """The subject of a hand-over's (or forwarded command's) ledger entry (the column is 40 characters)."""
    return "fed:" + hashlib.sha256(hid.encode()).hexdigest()[:36]


def node_of(hierarchy: HierarchyIndex, scopes: Sequence[str], code: str) -> str | None:
    """The node holding ``code``: the deepest node scope above it (None: no node holds it)."""
    holders = [s for s in scopes if code in hierarchy and hierarchy.is_ancestor(s, code)]
    return max(holders, key=lambda s: len(hierarchy.path(s)), default=None)
