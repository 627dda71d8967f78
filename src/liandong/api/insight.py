"""REST endpoints of demand insight (诉求分析): place and matter from text for intake staff,
duplicates and heat of a case for those who may see it, surges and 每月一题 candidates for a
scope inside one's jurisdiction, and training of the matter model by analysts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel, Field

from liandong.api.cases import _load
from liandong.bootstrap import Platform
from liandong.domain.access import OVERSIGHT, Principal, StaffRole
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import Level
from liandong.http.deps import CurrentUser, LangDep, PlatformDep
from liandong.i18n.messages import explain

router = APIRouter(prefix="/api", tags=["insight"])
LEVELS = ("province", "city", "county", "township")


def _staff(user: Principal) -> None:
    if user.is_citizen:
        raise DomainError("access.role_required", command="demand insight", allowed="staff")


def _within(platform: Platform, user: Principal, scope: str) -> None:
    """A scope inside the user's own jurisdiction, for roles that oversee it."""
    _staff(user)
    h = platform.hierarchy
    mine = user.jurisdiction
    if scope not in h:
        raise DomainError("instrument.unknown_scope", code=scope[:12])
    if mine is None or not (user.roles & OVERSIGHT) or not h.is_ancestor(mine, scope):
        raise DomainError("access.role_required", command=f"insight over {scope}",
                          allowed="dispatcher, leader, inspector, assessor, analyst of an enclosing unit")


def _unit(platform: Platform, code: str) -> dict[str, Any]:
    h = platform.hierarchy
    return {"code": code, "name": h.get(code).name, "path": [u.name for u in h.path(code)[1:]]}


class Texts(BaseModel):
    texts: list[Annotated[str, Field(min_length=1, max_length=2000)]] = Field(min_length=1, max_length=200)
    k: int = Field(default=3, ge=1, le=10)


@router.get("/insight/locate", summary="坐标所在区县 the county containing a point (WGS-84, GCJ-02, BD-09)")
def locate(lat: Annotated[float, Query(ge=-90, le=90)], long: Annotated[float, Query(ge=-180, le=180)],
           platform: PlatformDep, user: CurrentUser,
           crs: Annotated[str, Query(pattern="^(wgs84|gcj02|bd09)$")] = "wgs84") -> dict[str, Any]:
    _staff(user)
    unit = platform.geocoder.locate(lat, long, crs)
    return {"status": "resolved", "unit": _unit(platform, unit.code), "crs": crs}


@router.get("/insight/place", summary="从文本识别区划 place from an address or report text")
def place(text: Annotated[str, Query(min_length=1, max_length=2000)], platform: PlatformDep,
          user: CurrentUser, lang: LangDep) -> dict[str, Any]:
    _staff(user)
    found = platform.places.match(text)
    message = ""
    if found.status != "resolved":
        try:
            platform.places.resolve(text)
        except DomainError as exc:
            message = explain(exc, lang)
    return {"status": found.status, "unit": _unit(platform, found.unit.code) if found.unit else None,
            "candidates": [_unit(platform, u.code) for u in found.candidates],
            "confidence": round(found.confidence, 3),
            "evidence": [{"name": e.name, "start": e.start, "end": e.end, "code": e.code}
                         for e in found.evidence],
            "message": message}


@router.post("/insight/matter", summary="建议事项类型 matter suggestions for report texts")
def matter(body: Texts, platform: PlatformDep, user: CurrentUser) -> list[list[dict[str, Any]]]:
    _staff(user)
    return [[{"matter": s.matter, "name": platform.catalogue.matters.get(s.matter).name,
              "confidence": round(s.confidence, 4), "source": s.source, "keywords": list(s.keywords)}
             for s in found] for found in platform.insight().suggest(body.texts, k=body.k)]


@router.post("/insight/train", summary="训练事项分类模型 train the matter model on the platform's labels")
def train(platform: PlatformDep, user: CurrentUser,
          seed: Annotated[int, Query(ge=0, le=2**31)] = 1,
          days: Annotated[int, Query(ge=1, le=3660)] = 365) -> dict[str, Any]:
    if not user.roles & {StaffRole.ANALYST, StaffRole.ADMINISTRATOR}:
        raise DomainError("access.role_required", command="insight train", allowed="analyst, administrator")
    report = platform.insight().train(seed=seed, days=days)
    return {"n_train": report.n_train, "n_test": report.n_test, "n_corrected": report.n_corrected,
            "accuracy_top1": report.accuracy_top1, "accuracy_top3": report.accuracy_top3,
            "rules_accuracy_top1": report.rules_accuracy_top1,
            "rules_accuracy_top3": report.rules_accuracy_top3}


@router.get("/cases/{case_id}/duplicates", summary="疑似重复件 likely duplicates of a case")
def duplicates(case_id: str, platform: PlatformDep, user: CurrentUser) -> list[dict[str, Any]]:
    _staff(user)
    _load(platform, case_id, user)  # case.unknown unless the user may see it
    found = platform.insight().duplicates(case_id)
    return [{"case_id": p.case_id, "score": round(p.score, 4), "text": round(p.text, 4),
             "place": p.place.value, "matter": p.matter.value} for p in found]


@router.get("/cases/{case_id}/heat", summary="舆情热度 public-opinion heat of a case")
def heat(case_id: str, platform: PlatformDep, user: CurrentUser) -> dict[str, Any]:
    _staff(user)
    _load(platform, case_id, user)
    r = platform.insight().heat(case_id)
    return {"case_id": r.case_id, "heat": r.heat, "duplicates": r.duplicates, "similar": r.similar,
            "expected": r.expected}


@router.get("/insight/surges", summary="激增预警 surge alerts in a scope")
def surges(scope: Annotated[str, Query(min_length=2, max_length=12)], platform: PlatformDep,
           user: CurrentUser, at: datetime | None = None,
           window_hours: Annotated[float, Query(ge=1, le=168)] = 24) -> list[dict[str, Any]]:
    _within(platform, user, scope)
    if at is not None and at.tzinfo is None:
        raise DomainError("insight.naive_time")
    return [{"jurisdiction": _unit(platform, a.jurisdiction), "level": a.level.key, "matter": a.matter,
             "observed": a.observed, "expected": round(a.expected, 3), "p_value": a.p_value,
             "started": a.started, "fired": a.fired}
            for a in platform.insight().surges(scope, as_of=at, window_hours=window_hours)]


@router.get("/insight/priorities", summary="每月一题候选 candidates for the monthly priority problem")
def priorities(scope: Annotated[str, Query(min_length=2, max_length=12)], platform: PlatformDep,
               user: CurrentUser, at: datetime | None = None,
               level: Annotated[str, Query(pattern="^(province|city|county|township)$")] = "county",
               top: Annotated[int, Query(ge=1, le=50)] = 10) -> list[dict[str, Any]]:
    _within(platform, user, scope)
    if at is not None and at.tzinfo is None:
        raise DomainError("insight.naive_time")
    found = platform.insight().priorities(scope, as_of=at, level=Level.parse(level), top=top)
    return [{"jurisdiction": _unit(platform, p.jurisdiction), "matter": p.matter, "volume": p.volume,
             "months_present": p.months_present, "repeat": p.repeat, "dissatisfaction": p.dissatisfaction,
             "score": p.score} for p in found]
