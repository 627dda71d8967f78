"""The heat sweep stops counting duplicates where the heat cannot rise any further."""

from __future__ import annotations

import pytest

from liandong.insight.hotspots import opinion_heat
from liandong.insight.service import _saturating_duplicates


@pytest.mark.parametrize(("similar", "expected"), [(1, 0.0), (11, 0.0), (40, 3.5), (74, 0.0), (900, 12.0)])
def test_the_count_needed_is_exactly_where_the_heat_reaches_100(similar: int, expected: float) -> None:
    enough = _saturating_duplicates(similar, expected)
    assert opinion_heat(duplicates=enough, similar=similar, expected=expected) == 100
    assert opinion_heat(duplicates=enough + 50, similar=similar, expected=expected) == 100
    if enough > 0:
        assert opinion_heat(duplicates=enough - 1, similar=similar, expected=expected) < 100
    else:  # a burst this large saturates on the similar reports alone: nothing is compared
        assert opinion_heat(duplicates=0, similar=similar, expected=expected) == 100
