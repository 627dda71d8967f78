"""The photos of a case on the handler's case page: served only to staff who may see the case (the
visibility rule of ``CaseQueries``), by the key the page names; never to the public."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response

from liandong.bootstrap import Platform
from liandong.domain.access import Principal
from liandong.domain.errors import DomainError
from liandong.web.session import session_user

THUMBNAIL = 320


def photo_views(platform: Platform, user: Principal, case_id: str) -> list[dict[str, Any]]:
    """The case's photos for its page: the links to the thumbnail and the photo, and the
    thumbnail's size (so that the page does not jump while they load)."""
    out = []
    for p in platform.photos().of_case(user, case_id):
        scale = min(1.0, THUMBNAIL / max(p.width, p.height, 1))
        out.append({"thumb": f"/work/cases/{case_id}/photos/{p.thumbnail}",
                    "full": f"/work/cases/{case_id}/photos/{p.photo}",
                    "width": round(p.width * scale), "height": round(p.height * scale)})
    return out


def install(app: FastAPI) -> None:
    @app.get("/work/cases/{case_id}/photos/{key}", include_in_schema=False)
    def case_photo(request: Request, case_id: str, key: str) -> Response:
        """A photo or thumbnail of a case the signed-in handler may see; 404 for anyone else."""
        user = session_user(request)
        platform: Platform = request.app.state.platform
        if user is None or user.is_citizen:
            return Response(status_code=404)
        try:
            data = platform.photos().image(user, case_id, key)
        except DomainError:
            return Response(status_code=404)
        headers = {"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"}
        return Response(data, media_type="image/jpeg", headers=headers)
