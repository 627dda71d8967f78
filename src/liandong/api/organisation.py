"""REST: the hierarchy, departments, systems and the responsibility list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from liandong.api.schemas import (
    DepartmentRead,
    JurisdictionDetail,
    JurisdictionRead,
    MatterRead,
    SystemRead,
)
from liandong.http.deps import LangDep, PlatformDep

router = APIRouter(prefix="/api", tags=["organisation"])


@router.get("/org/lca", response_model=JurisdictionRead)
def lowest_common_ancestor(platform: PlatformDep, lang: LangDep,
                           codes: Annotated[list[str], Query(min_length=1)]) -> JurisdictionRead:
    """The lowest common ancestor of the given jurisdictions (the scope of a case)."""
    return JurisdictionRead.of(platform.hierarchy.lca(codes), lang)


@router.get("/org/search", response_model=list[JurisdictionRead])
def search(platform: PlatformDep, lang: LangDep, q: Annotated[str, Query(min_length=1)],
           limit: Annotated[int, Query(ge=1, le=200)] = 20) -> list[JurisdictionRead]:
    return [JurisdictionRead.of(u, lang) for u in platform.hierarchy.search(q, limit)]


@router.get("/org/{code}", response_model=JurisdictionDetail)
def jurisdiction(code: str, platform: PlatformDep, lang: LangDep) -> JurisdictionDetail:
    h = platform.hierarchy
    unit = h.get(code)
    deps = platform.organisation().departments_of(code)
    return JurisdictionDetail(
        unit=JurisdictionRead.of(unit, lang),
        path=[JurisdictionRead.of(u, lang) for u in h.path(code)],
        children=[JurisdictionRead.of(u, lang) for u in h.children(code)],
        departments=[DepartmentRead.of(d) for d in deps])


@router.get("/systems", response_model=list[SystemRead])
def systems(platform: PlatformDep) -> list[SystemRead]:
    return [SystemRead(code=s.code, name=s.name, name_en=s.name_en, levels=list(s.patterns))
            for s in platform.catalogue.systems.values()]


@router.get("/matters", response_model=list[MatterRead])
def matters(platform: PlatformDep) -> list[MatterRead]:
    return [MatterRead.of(m) for m in platform.catalogue.matters.matters.values()]
