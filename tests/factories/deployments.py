"""A deployment in-process: a store initialised for some scopes, staff accounts, and the app with
each person's bearer token (the shape the authorisation, security and inbox tests share)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from liandong.adapters.reference_data import catalogue_documents
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.catalogue import parse_scope
from liandong.server.app import create_app
from liandong.services import organisation as org_service
from liandong.services.accounts import create_account
from liandong.services.clock import Clock

PASSWORD = "password-1"
LOCAL = "http://127.0.0.1"  # a host the server is configured for
People = Mapping[str, tuple[str | None, Sequence[str]]]  # username: (department, roles)


def deployed(settings: Settings, scopes: Sequence[str], people: People, *, sandbox: bool = False,
             clock: Clock | None = None) -> Platform:
    """A platform on ``settings``' store with the departments of ``scopes`` and the staff of ``people``;
    ``sandbox``: the store initialised as a sandbox (演练库: history seeded on a simulated clock);
    ``clock``: the platform's clock (the system's by default)."""
    platform = bootstrap(settings, clock=clock)
    for root in scopes:
        org_service.initialise(scope=parse_scope(root, platform.hierarchy), hierarchy=platform.hierarchy,
                               catalogue=platform.catalogue, documents=catalogue_documents(),
                               uow=platform.uow(), sandbox=sandbox)
    with platform.uow() as uow:
        for name, (department, roles) in people.items():
            create_account(uow=uow, username=name, password=PASSWORD, department=department,
                           roles=tuple(roles), now=datetime.now(UTC))
        uow.commit()
    return platform


def signed_in(client: TestClient, people: People) -> dict[str, dict[str, str]]:
    """Each person's Authorization header."""
    headers: dict[str, dict[str, str]] = {}
    for name in people:
        token = client.post("/api/auth/token", json={"username": name, "password": PASSWORD})
        assert token.status_code == 200, token.text
        headers[name] = {"Authorization": f"Bearer {token.json()['access_token']}"}
    return headers


def app_client(settings: Settings | None, platform: Platform) -> TestClient:
    return TestClient(create_app(settings, platform), base_url=LOCAL)


def sandbox_store(platform: Platform) -> Platform:
    """Record ``platform``'s store as a sandbox, as ``liandong init --sandbox`` does first: for tests
    that seed history on a simulated clock into a store holding no departments (decision 0030)."""
    with platform.uow() as uow:
        org_service.settle_mode(uow.organisation, initialised=False, sandbox=True)
        uow.commit()
    return platform
