"""Signed-in clients of the demo accounts on a real server: bearer tokens, session cookies and the
workbench's sign-in form."""

from __future__ import annotations

import re

import httpx

PASSWORD = "liandong-demo"
"""The demo accounts' password (``liandong demo`` and the e2e server make them)."""

E2E_USER_LIMIT = 40
"""Sign-in attempts an account gets a minute on the shared test server."""

_TOKENS: dict[tuple[str, str, str], str] = {}


def token(server: str, username: str, password: str = PASSWORD) -> dict[str, str]:
    """The Authorization header of a signed-in demo account; one sign-in per account and server
    (tokens last hours, and sign-in is throttled per account and per address as in production)."""
    key = (server, username, password)
    if key not in _TOKENS:
        answer = httpx.post(f"{server}/api/auth/token", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.text
        _TOKENS[key] = answer.json()["access_token"]
    return {"Authorization": f"Bearer {_TOKENS[key]}"}


def session(server: str, username: str) -> httpx.Client:
    """A browser-like client signed in with the session cookie (a token from the API)."""
    bearer = token(server, username)["Authorization"].removeprefix("Bearer ")
    return httpx.Client(base_url=server, cookies={"ld_session": bearer}, follow_redirects=False)


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, "no CSRF field on the page"
    return found.group(1)


def signed_in(server: str, username: str) -> httpx.Client:
    """A client signed in through the workbench's form (a session cookie and its CSRF value)."""
    client = httpx.Client(base_url=server)
    page = client.get("/login")
    answer = client.post("/login", data={"username": username, "password": PASSWORD,
                                         "csrf": csrf_of(page.text), "next": "/work"})
    assert answer.status_code == 303 and answer.headers["location"] == "/work", answer.text[:300]
    return client
