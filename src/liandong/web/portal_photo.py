"""The report form's photo (现场照片): read within its limit, cleaned in a worker thread (Pillow
releases the interpreter lock), and kept with its case once the report has landed."""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from starlette.datastructures import UploadFile

from liandong.bootstrap import Platform
from liandong.domain.errors import DomainError
from liandong.i18n.messages import explain
from liandong.services.ports.photos import CleanPhoto

PHOTO_LIMIT = 5 * 1024 * 1024
log = logging.getLogger("liandong.portal")


async def cleaned_photo(platform: Platform, upload: Any, lang: str) -> tuple[CleanPhoto | None, str]:
    """The chosen photo cleaned, or why it is refused ('' with no photo chosen). Nothing is stored."""
    if not isinstance(upload, UploadFile) or not (upload.filename or upload.size):
        return None, ""
    try:
        data = await upload.read(PHOTO_LIMIT + 1)
    finally:
        await upload.close()
    if not data:
        return None, ""
    try:
        return await asyncio.to_thread(platform.photos().clean, data), ""
    except DomainError as exc:
        return None, explain(exc, lang)


async def keep_photo(platform: Platform, case_id: str, photo: CleanPhoto | None) -> bool:
    """Keep the photo with the case that has just landed; a failure is logged (the report stands)
    and the citizen is told the photo was not kept."""
    if photo is None:
        return False
    try:
        await asyncio.to_thread(platform.photos().attach, case_id=case_id, photo=photo)
    except Exception:  # the report is in; the photo is lost, and said so on the page
        log.exception("the photo of case %s could not be kept", case_id)
        return False
    return True
