"""Errors as JSON ``{code, message, details}`` with the message in the request's language."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from liandong.domain.errors import DomainError
from liandong.http.deps import get_lang
from liandong.i18n.messages import MESSAGES, explain, render

STATUS = {"jurisdiction.unknown": 404, "matter.unknown": 404, "system.unknown": 404,
          "case.unknown": 404,
          "case.unknown_tracking_code": 404, "department.unknown": 404, "ledger.no_checkpoint": 404,
          "ledger.not_yet_checkpointed": 404,
          "ledger.bad_tile_path": 400, "ledger.tile_beyond_tree": 404, "ledger.entries_withheld": 451,
          "case.conflict": 409, "case.illegal_transition": 409,
          "case.idempotency_mismatch": 409, "case.not_allowed_actor": 403,
          "account.bad_credentials": 401, "account.too_many_attempts": 429, "account.bad_token": 401,
          "account.sign_in_required": 401,
          "access.role_required": 403, "access.not_your_department": 403,
          "account.username_taken": 409, "instrument.not_found": 404, "instrument.conflict": 409,
          "instrument.closed": 409, "instrument.exists": 409, "instrument.not_party": 403,
          "instrument.not_granted": 403, "power.not_granted": 403, "power.government_only": 403,
          "power.outside_jurisdiction": 403, "command.failed": 500,
          "store.conflict": 409}


HTTP_MESSAGES = {
    404: {"zh": "未找到该地址", "en": "Not found"},
    405: {"zh": "该地址不支持此请求方法", "en": "This method is not allowed here"},
}


def install(app: FastAPI) -> None:
    @app.exception_handler(DomainError)
    async def domain_error(request: Request, exc: DomainError) -> JSONResponse:
        return JSONResponse(
            status_code=STATUS.get(exc.code, 422),
            content={"code": exc.code, "message": explain(exc, get_lang(request)),
                     "details": {k: str(v) for k, v in exc.params.items()}},
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        lang = get_lang(request)
        message = HTTP_MESSAGES.get(exc.status_code, {}).get(lang) or str(exc.detail)
        if request.url.path.startswith("/open311"):
            return JSONResponse(status_code=exc.status_code,
                                content=[{"code": exc.status_code, "description": message}])
        if not request.url.path.startswith(("/api", "/log/")) and exc.status_code == 404:
            return HTMLResponse(f"<!doctype html><title>404</title><p>{message}</p>", status_code=404)
        return JSONResponse(status_code=exc.status_code, headers=getattr(exc, "headers", None),
                            content={"code": f"http.{exc.status_code}", "message": message,
                                     "details": {"path": request.url.path}})

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        lang = get_lang(request)
        problems = [problem(e, lang) for e in exc.errors()]
        malformed = next((e for e in exc.errors() if e.get("type") == "json_invalid"), None)
        joined = render("request.separator", lang).join(problems)
        message = (render("request.json_invalid", lang, position=_position(malformed)) if malformed
                   else render("request.invalid", lang, problems=joined))
        if request.url.path.startswith("/open311"):
            return JSONResponse(status_code=400, content=[{"code": 400, "description": message}])
        return JSONResponse(status_code=422, content={
            "code": "request.invalid", "message": message,
            "details": {"errors": [{"loc": list(e.get("loc", ())), "type": e.get("type", ""), "msg": text}
                                   for e, text in zip(exc.errors(), problems, strict=True)]}})


def problem(error: Mapping[str, Any], lang: str) -> str:
    """One validation error in the reader's language: the field, then what it must be (by Pydantic's
    error type; a custom error type that is a message code renders that message)."""
    kind = str(error.get("type", ""))
    context = {k: _shown(v) for k, v in (error.get("ctx") or {}).items()}
    if kind in MESSAGES:  # e.g. case.bad_phone, raised by a field validator with its value
        return render(kind, lang, **context)
    field = ".".join(str(part) for part in error.get("loc", ())[1:]) or render("request.body", lang)
    code = f"request.field.{kind}" if f"request.field.{kind}" in MESSAGES else "request.field.other"
    return render("request.problem", lang, field=field, problem=render(code, lang, **context))


def _shown(value: Any) -> Any:
    return value if isinstance(value, str | int | float) else str(value)


def _position(error: Mapping[str, Any] | None) -> int:
    """The character where a JSON body stops parsing (FastAPI puts it in the error's location)."""
    loc = error.get("loc", ()) if error else ()
    return int(loc[-1]) + 1 if loc and isinstance(loc[-1], int) else 1
