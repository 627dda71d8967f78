"""Sign-in: a bearer token for a username and password (OAuth2 password flow, JSON or form)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from liandong.http.deps import CurrentUser, PlatformDep, client_address
from liandong.http.throttle import check_sign_in

router = APIRouter(prefix="/api/auth", tags=["accounts"])


class Credentials(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"


class Me(BaseModel):
    username: str
    department: str | None
    roles: list[str]


_FORM = "application/x-www-form-urlencoded"
_TOKEN_BODY = {"required": True, "content": {
    "application/json": {"schema": Credentials.model_json_schema()},
    _FORM: {"schema": {"type": "object", "required": ["username", "password"], "properties": {
        "grant_type": {"type": "string", "enum": ["password"]},
        "username": {"type": "string"}, "password": {"type": "string", "format": "password"}}}}}}


async def credentials(request: Request) -> Credentials:
    """The username and password of a JSON body or of the OAuth2 password form (``grant_type=password``,
    as OpenAPI tools send it); refused as any other invalid request otherwise."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind in (_FORM, "multipart/form-data"):
        form = await request.form()
        grant = form.get("grant_type")
        if grant not in (None, "password"):
            raise RequestValidationError([{"type": "literal_error", "loc": ("body", "grant_type"),
                                           "msg": "grant_type", "ctx": {"expected": "'password'"},
                                           "input": grant}])
        document: object = {key: value for key, value in form.items() if isinstance(value, str)}
    else:
        try:
            document = await request.json()
        except ValueError as exc:
            raise RequestValidationError([{"type": "json_invalid", "loc": ("body", getattr(exc, "pos", 0)),
                                           "msg": "JSON decode error", "input": {}}]) from None
    try:
        return Credentials.model_validate(document)
    except ValidationError as exc:
        raise RequestValidationError([{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]) from None


@router.post("/token", response_model=Token, openapi_extra={"requestBody": _TOKEN_BODY})
async def token(platform: PlatformDep, request: Request) -> Token:
    """A bearer token for a JSON body or the OAuth2 password form; attempts are throttled like the
    sign-in form's (per username and client address)."""
    body = await credentials(request)

    def issue() -> str:  # the limiter's storage and Argon2: off the event loop
        check_sign_in(request.app.state.throttle, body.username, client_address(request))
        return platform.accounts().sign_in(body.username, body.password)

    return Token(access_token=await run_in_threadpool(issue))


@router.get("/me", response_model=Me)
def me(user: CurrentUser) -> Me:
    return Me(username=user.username, department=user.department, roles=sorted(r.value for r in user.roles))
