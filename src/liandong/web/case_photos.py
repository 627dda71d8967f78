"""The photos of a case on the handler's case page: served only to staff who may see the case (the
visibility rule of ``CaseQueries``), by the key the page names; never to the public. Photos attached
at 办结 and 协办反馈 are cleaned like the portal's, and the event carries their keys (SHA-256), so
the record commits to what was attached and the page says who attached each at which step."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from liandong.adapters.documents import DOCUMENT_LIMIT
from liandong.bootstrap import Platform
from liandong.domain.access import Principal
from liandong.domain.cases.events import to_payload
from liandong.domain.errors import DomainError
from liandong.i18n.messages import EVENT_LABELS
from liandong.services.ports.photos import CasePhoto, CheckedDocument, CleanPhoto, content_key
from liandong.web.session import session_user

THUMBNAIL = 320
MAX_PHOTOS = 4
"""Photos attached to one step at most (each within the portal's limit); documents likewise."""
PHOTO_LIMIT = 5 * 1024 * 1024
log = logging.getLogger("liandong.workbench")


def photo_views(platform: Platform, user: Principal, case_id: str, events: Iterable[Any] = (),
                lang: str = "zh") -> list[dict[str, Any]]:
    """The case's photos for its page: the links to the thumbnail and the photo, the thumbnail's size
    (so that the page does not jump while they load) and the step that attached it (报案 unless an
    event of the record carries its key)."""
    step = dict(reversed(attached(platform, events, "photos", lang)))  # the first step that named it
    return [{**thumbnail(p), "step": step.get(p.photo, EVENT_LABELS["CaseReported"][lang])}
            for p in platform.photos().of_case(user, case_id)]


def thumbnail(p: CasePhoto, size: int = THUMBNAIL) -> dict[str, Any]:
    """The links to a photo and its thumbnail, and the thumbnail's size at most ``size`` (so that the
    page does not jump while it loads)."""
    scale = min(1.0, size / max(p.width, p.height, 1))
    return {"thumb": f"/work/cases/{p.case_id}/photos/{p.thumbnail}",
            "full": f"/work/cases/{p.case_id}/photos/{p.photo}",
            "width": round(p.width * scale), "height": round(p.height * scale)}


async def cleaned_attachments(platform: Platform, form: dict[str, Any]) -> list[CleanPhoto]:
    """The photos posted with a step, each read within its limit and cleaned (refused as a whole
    if one is not an image, too large, a decompression bomb or too many); nothing is stored."""
    out = []
    for data in await _posted(form, "photos", PHOTO_LIMIT, "photo.too_many"):
        if len(data) > PHOTO_LIMIT:
            raise DomainError("photo.too_large", limit=PHOTO_LIMIT // 1_048_576)
        out.append(await asyncio.to_thread(platform.photos().clean, data))
    return out


async def _posted(form: dict[str, Any], name: str, limit: int, too_many: str) -> list[bytes]:
    """The files posted under ``name`` (at most ``MAX_PHOTOS``, else ``too_many``), each read to one
    byte past ``limit`` so that an oversized one is seen without reading it whole; empty ones left out."""
    posted = form.get(name, [])
    uploads = [u for u in (posted if isinstance(posted, list) else [posted])
               if isinstance(u, UploadFile) and (u.filename or u.size)]
    if len(uploads) > MAX_PHOTOS:
        raise DomainError(too_many, limit=MAX_PHOTOS)
    found = []
    for upload in uploads:
        try:
            data = await upload.read(limit + 1)
        finally:
            await upload.close()
        if data:
            found.append(data)
    return found


async def checked_documents(platform: Platform, form: dict[str, Any]) -> list[CheckedDocument]:
    """The PDFs posted with a step, each read within its limit and checked (refused as a whole if
    one is not a readable, unencrypted PDF, too large, or too many); nothing is stored."""
    return [await asyncio.to_thread(platform.photos().check_document, data)
            for data in await _posted(form, "documents", DOCUMENT_LIMIT, "document.too_many")]


def document_views(case_id: str, events: Iterable[Any], platform: Platform,
                   lang: str) -> list[dict[str, str]]:
    """The documents the case's steps attached, each with the step that took it and its link."""
    return [{"href": f"/work/cases/{case_id}/documents/{key}", "n": str(n), "step": step}
            for n, (key, step) in enumerate(attached(platform, events, "documents", lang), start=1)]


def attached(platform: Platform, events: Iterable[Any], field: str, lang: str) -> list[tuple[str, str]]:
    """The keys the record's events carry in ``field`` (photos, documents), in order, each with the
    step and the department that attached it, in words."""
    router = platform.rules().router
    found = []
    for payload in (to_payload(e) for e in events):
        step = f"{EVENT_LABELS[payload['type']][lang]} · {router.department_name(payload.get('actor', ''))}"
        found += [(key, step) for key in payload.get(field) or ()]
    return found


def photo_keys(photos: list[CleanPhoto]) -> tuple[str, ...]:
    """The keys the step's event carries: the SHA-256 of each kept image."""
    return tuple(content_key(p.image) for p in photos)


async def keep_attachments(platform: Platform, case_id: str, photos: list[CleanPhoto],
                           documents: Sequence[CheckedDocument] = ()) -> None:
    """Keep the photos and documents of a step that has landed (content-addressed: a retry keeps
    them once). A failure is logged; the step stands and the event names them by their keys."""
    for photo in photos:
        try:
            await asyncio.to_thread(platform.photos().attach, case_id=case_id, photo=photo)
        except Exception:
            log.exception("a photo of case %s could not be kept", case_id)
    for document in documents:
        try:
            await asyncio.to_thread(platform.photos().keep_document, document)
        except Exception:
            log.exception("a document of case %s could not be kept", case_id)


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

    @app.get("/work/cases/{case_id}/documents/{key}", include_in_schema=False)
    def case_document(request: Request, case_id: str, key: str) -> Response:
        """A document a step of the case attached, as a download, for staff who may see the case."""
        user = session_user(request)
        platform: Platform = request.app.state.platform
        if user is None or user.is_citizen:
            return Response(status_code=404)
        try:
            data = platform.photos().document(user, case_id, key)
        except DomainError:
            return Response(status_code=404)
        headers = {"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff",
                   "Content-Disposition": f'attachment; filename="{case_id[:12]}-{key[:8]}.pdf"',
                   "Content-Security-Policy": "sandbox"}
        return Response(data, media_type="application/pdf", headers=headers)
