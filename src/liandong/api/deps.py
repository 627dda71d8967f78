"""Typed dependencies shared by the routers."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from liandong.bootstrap import Platform


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def get_lang(request: Request) -> str:
    """The request's language: ``?lang=``, then a cookie, then Accept-Language; zh by default."""
    explicit = request.query_params.get("lang") or request.cookies.get("lang")
    if explicit in ("zh", "en"):
        return explicit
    for part in request.headers.get("accept-language", "").split(","):
        tag = part.split(";")[0].strip().lower()
        if tag.startswith("zh"):
            return "zh"
        if tag.startswith("en"):
            return "en"
    return "zh"


PlatformDep = Annotated[Platform, Depends(get_platform)]
LangDep = Annotated[str, Depends(get_lang)]
