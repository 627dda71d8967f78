"""Findings of the security review (issue 20) that only a real server process shows: what uvicorn
itself does with X-Forwarded-For and the Host header under ``liandong serve``."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.support.processes import free_port, serving


@pytest.fixture(scope="module")
def strict_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``liandong serve`` with the defaults that matter here: no trusted proxy, and a sign-in budget
    of 2 attempts a minute per client address."""
    data: Path = tmp_path_factory.mktemp("strict")
    env = {key: value for key, value in os.environ.items()
           if not key.startswith("LIANDONG_") or key.startswith("LIANDONG_TEST")}
    env |= {"LIANDONG_DATA_DIR": str(data), "LIANDONG_SIGN_IN_ADDRESS_LIMIT": "2/minute"}
    cli = [sys.executable, "-m", "liandong.cli"]
    subprocess.run([*cli, "init", "--scope", "320213"], env=env, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving([*cli, "serve", "--port", str(port)], url=f"{base}/healthz", env=env,
                 log=tmp_path_factory.mktemp("strict-log") / "server.log"):
        yield base


def test_12c_a_forwarded_address_from_an_untrusted_local_client_is_not_believed(strict_server: str) -> None:
    """Each attempt claims another address; all come from 127.0.0.1, which is no trusted proxy by
    default: the third is over the address's budget (before: uvicorn believed loopback's header,
    and every forged address had a budget of its own)."""
    answers = [httpx.post(f"{strict_server}/api/auth/token", headers={"X-Forwarded-For": f"203.0.113.{n}"},
                          json={"username": f"nobody{n}", "password": "password-1"}).status_code
               for n in range(3)]
    assert answers == [401, 401, 429]


def test_9_the_served_pages_refuse_a_foreign_host_and_carry_the_headers(strict_server: str) -> None:
    page = httpx.get(f"{strict_server}/portal")
    assert page.status_code == 200 and "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY" and page.headers["x-content-type-options"] == "nosniff"
    foreign = httpx.get(f"{strict_server}/open311/v2/discovery.json", headers={"Host": "evil.example"})
    assert foreign.status_code == 400 and foreign.json()["code"] == "request.host_not_allowed"
    found = httpx.get(f"{strict_server}/open311/v2/discovery.json", headers={"Host": "localhost"})
    port = strict_server.rsplit(":", 1)[1]
    assert found.json()["endpoints"][0]["url"] == f"http://127.0.0.1:{port}/open311/v2/"
