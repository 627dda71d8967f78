"""Sign-in: a bearer token for a username and password (OAuth2 password flow, JSON or form)."""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field

from liandong.api.deps import CurrentUser, PlatformDep
from liandong.api.throttle import check_sign_in
from liandong.services.accounts import sign_in

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


@router.post("/token", response_model=Token)
def token(body: Credentials, platform: PlatformDep, request: Request) -> Token:
    """A bearer token; attempts are throttled like the sign-in form's (per username and address)."""
    check_sign_in(request.app.state.throttle, body.username,
                  request.client.host if request.client else "unknown")
    with platform.uow() as uow:
        issued = sign_in(uow=uow, username=body.username, password=body.password, now=datetime.now(UTC))
        uow.commit()
    return Token(access_token=issued)


@router.get("/me", response_model=Me)
def me(user: CurrentUser) -> Me:
    return Me(username=user.username, department=user.department, roles=sorted(r.value for r in user.roles))
