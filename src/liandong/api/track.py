"""``GET /api/track/{code}``: a citizen follows a case with its tracking code (``http.track``)."""

from __future__ import annotations

from fastapi import APIRouter

from liandong.http.deps import LangDep, PlatformDep
from liandong.http.track import PublicStatus, public_status

router = APIRouter(prefix="/api", tags=["public"])


@router.get("/track/{code}", response_model=PublicStatus)
def track(code: str, platform: PlatformDep, lang: LangDep) -> PublicStatus:
    """The public status of a case for whoever holds its tracking code: no names, no actors."""
    return public_status(code, platform, lang)
