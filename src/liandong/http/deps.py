"""Typed dependencies shared by the API's routers and the web pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, Protocol

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from liandong.bootstrap import Platform
from liandong.domain.access import Principal
from liandong.domain.errors import DomainError
from liandong.i18n import negotiate

if TYPE_CHECKING:
    from liandong.federation.node import FederationNode
    from liandong.services.queries import CaseQueries, CaseRead


class CaseReading(Protocol):
    """What the shared checks need of the platform: the case queries (the visibility rule) only."""

    def queries(self) -> CaseQueries: ...


def get_platform(request: Request) -> Platform:
    platform: Platform = request.app.state.platform
    return platform


def get_lang(request: Request) -> str:
    """The request's language: ``?lang=``, then a cookie, then Accept-Language; zh by default."""
    explicit = request.query_params.get("lang") or request.cookies.get("lang")
    return negotiate(explicit, request.headers.get("accept-language", ""))


def client_address(request: Request) -> str:
    """The address a request is counted against: the direct peer's, or the one a trusted proxy
    forwarded (``Settings.trusted_proxies``; the app rewrites the client only for those)."""
    return request.client.host if request.client else "unknown"


def get_federation(request: Request) -> FederationNode | None:
    """The federation node this server is (``liandong serve --federation``), or None."""
    served = getattr(request.app.state, "federation", None)
    return None if served is None else served.node  # type: ignore[no-any-return]


PlatformDep = Annotated[Platform, Depends(get_platform)]
FederationDep = Annotated[Any, Depends(get_federation)]  # FederationNode | None
LangDep = Annotated[str, Depends(get_lang)]

_bearer = HTTPBearer(auto_error=False, description="A token from POST /api/auth/token")


def optional_user(platform: PlatformDep,
                  credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)]
                  ) -> Principal | None:
    if credentials is None:
        return None
    principal = platform.accounts().principal(credentials.credentials)
    if principal is None:
        raise DomainError("account.bad_token")
    return principal


def current_user(user: Annotated[Principal | None, Depends(optional_user)]) -> Principal:
    if user is None:
        raise DomainError("account.sign_in_required")
    return user


OptionalUser = Annotated[Principal | None, Depends(optional_user)]
CurrentUser = Annotated[Principal, Depends(current_user)]


def case_actor(platform: CaseReading, user: Principal, case_id: str, command: str) -> str:
    """The user's department for ``command`` on a case (``CaseQueries.actor``): the one check for the
    API and the workbench's forms alike."""
    return platform.queries().actor(user, case_id, command)


def check_visible(platform: CaseReading, user: Principal, case_id: str) -> None:
    """Another case a command names (the case a duplicate merges into): refused as unknown unless
    the user may see it, so that a command tells no more than a read would."""
    platform.queries().case(user, case_id)


def read_marked(platform: Platform, user: Principal, case_id: str) -> CaseRead:
    """The case as ``user`` may read it, with its read (已读) recorded for the user's department
    (信息对称: a read through the API counts as one through the workbench) — in a transaction of its
    own on the writer's thread, never a write inside the read."""
    read = platform.queries().read(user, case_id, summoned=True)
    return platform.writer().run(lambda: platform.queries().mark_read(user, read, platform.clock.now())
                                 ).result(timeout=30)
