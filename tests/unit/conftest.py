"""Reference data for the unit tests, built once per worker (see tests.factories.worlds): a small
hierarchy of 江苏 for the tests that stay in the province, the national list for those that need it."""

from __future__ import annotations

import pytest

from liandong.domain.hierarchy import HierarchyIndex
from tests.factories import worlds


@pytest.fixture(scope="session")
def jiangsu() -> HierarchyIndex:
    return worlds.jiangsu()


@pytest.fixture(scope="session")
def national() -> HierarchyIndex:
    return worlds.national()
