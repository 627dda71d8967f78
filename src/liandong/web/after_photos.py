"""办结照片 on the public status: the photos a handler attached when resolving a case, shown to whoever
holds the case's tracking code (the handler's form says so). Only photos the case's record names at
办结 are served here — never the reporter's own photos, never another case's."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import Response

from liandong.bootstrap import Platform
from liandong.domain.errors import DomainError
from liandong.http import track


def after_photo_links(code: str, key: str) -> dict[str, str]:
    """The links of one photo of the public status: its thumbnail and the photo."""
    base = f"/portal/track/photos/{key}?code={quote(code)}"
    return {"thumb": base + "&size=thumb", "full": base}


def install(app: FastAPI) -> None:
    @app.get("/portal/track/photos/{key}", include_in_schema=False)
    def after_photo(request: Request, key: str, code: str = "", size: str = "") -> Response:
        """A 办结 photo of the case the tracking code opens; 404 for any other key or code."""
        platform: Platform = request.app.state.platform
        try:
            public = track.public_status(code[:64], platform, "zh")
            case_id = platform.queries().tracked(code.strip().upper()[:64])
            if key not in public.photos or not case_id:
                raise DomainError("photo.unknown")
            data = platform.photos().after_photo(case_id, key, thumbnail=size == "thumb")
        except DomainError:
            return Response(status_code=404)
        headers: dict[str, Any] = {"Cache-Control": "private, max-age=300",
                                   "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
        return Response(data, media_type="image/jpeg", headers=headers)
