"""The nodes a place set's sums are kept under (decision 0059, ``assessment.sums.nodes_of``): for
every code prefix, the weights of the nodes under it add up to 1 when a place of the set starts with
it, else 0 — so a unit's sums, read as the nodes under its prefix, count a case once whatever number
of its places lie in the unit; a single place is its own node."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from liandong.assessment.sums import nodes_of, places_key
from liandong.domain.hierarchy import Level
from liandong.services.ports import scope_prefix
from tests.factories.interleavings import H

_CODES = st.sampled_from(["110105001", "110105002", "110108002", "110108", "110000", "120101003",
                          "32021300", "320213001", "3202", "", "4419001", "441900003", "442000004"])


_PREFIXES = st.sampled_from(["", "1", "11", "1101", "11010", "110105", "110105001", "12", "3", "32021300",
                             "4419"])


@given(st.sets(_CODES, min_size=1, max_size=6), _PREFIXES)
def test_the_weights_under_a_prefix_count_the_set_once(codes: set[str], prefix: str) -> None:
    nodes = nodes_of(places_key(codes))
    under = sum(w for node, w in nodes if node.startswith(prefix))
    assert under == int(any(c.startswith(prefix) for c in codes))
    for node, w in nodes:  # no node holds nothing; each is a prefix of a place
        assert w != 0
        assert any(c.startswith(node) for c in codes)


def test_one_place_is_its_own_node_and_two_branch_where_they_part() -> None:
    assert nodes_of("110105001") == (("110105001", 1),)
    assert nodes_of("") == (("", 1),)
    assert nodes_of("110105001|110108002") == (("11010", -1), ("110105001", 1), ("110108002", 1))
    assert nodes_of("110105|110105001") == (("110105001", 1),)  # the county's place lies under it


def test_every_unit_of_the_test_hierarchy_counts_a_two_place_case_once() -> None:
    townships = [u.code for u in H.descendants(H.root.code, Level.TOWNSHIP)][:40]
    for a in townships:
        for b in townships:
            nodes = nodes_of(places_key({a, b}))
            for unit in {x for p in (a, b) for x in H.path(p)}:
                prefix = scope_prefix(unit.code)
                assert sum(w for node, w in nodes if node.startswith(prefix)) == 1, (a, b, unit.code)
