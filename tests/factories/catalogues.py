"""Local dispatch catalogues for the tests: Jiangsu's 2027.1 (construction noise owned by the city,
led by ecology and environment, 5 working days, from 2027-03-01) and Wuxi's 2027.1 (a nearer limit
and an added matter, from 2027-06-01), with the rules that route by them."""

from __future__ import annotations

from dataclasses import replace
from functools import cache

from liandong.adapters.catalogue_files import CatalogueFile, load
from liandong.adapters.holiday_files import holiday_calendar
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.dispatch_catalogue import LocalCatalogues
from liandong.domain.hierarchy import HierarchyIndex
from tests.factories.worlds import catalogue, jiangsu

JIANGSU_2027 = """scope = "320000"
version = "2027.1"
effective = 2027-03-01
source = "苏政办发〔2027〕12号（测试）"

[[overrides]]
code = "construction_noise"
lead = "eco_environment"
authority = "city"

[overrides.limits]
routine = "5wd"

[[overrides]]
code = "social_life_noise"
keywords = ["广场舞", "夜市"]
"""

WUXI_2027 = """scope = "320200"
version = "2027.1"
effective = 2027-06-01
source = "锡政办发〔2027〕3号（测试）"

[[overrides]]
code = "construction_noise"

[overrides.limits]
routine = "3wd"

[[matters]]
code = "canal_boat_noise"
name = "运河船舶噪声"
name_en = "Canal boat noise"
category = "环境保护"
lead = "transport"
assist = ["eco_environment"]
authority = "county"
default_severity = "routine"
severities = ["routine"]
keywords = ["运河", "船舶", "汽笛"]

[matters.limits]
routine = "7wd"
"""


def catalogue_file(text: str, name: str, folder: str = "catalogues") -> CatalogueFile:
    return CatalogueFile(f"{folder}/{name}", name, text)


@cache
def jiangsu_catalogues(hierarchy: HierarchyIndex | None = None) -> LocalCatalogues:
    return load([catalogue_file(JIANGSU_2027, "320000-2027.1.toml"),
                 catalogue_file(WUXI_2027, "320200-2027.1.toml")], catalogue(), hierarchy or jiangsu())


@cache
def catalogue_rules(hierarchy: HierarchyIndex | None = None) -> Rules:
    """Case rules as the platform wires them with Jiangsu's and Wuxi's catalogues loaded."""
    h = hierarchy or jiangsu()
    local = jiangsu_catalogues(h)
    with_added = replace(catalogue(), matters=local.base())  # as bootstrap gives readers the added ones
    return Rules(Router(h, with_added), holiday_calendar(), CasePolicy(), local)
