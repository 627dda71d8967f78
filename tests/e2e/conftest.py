"""A real server process on a free loopback port, over an initialised SQLite file."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    data = tmp_path_factory.mktemp("server")
    # every test signs in from 127.0.0.1, the same demo accounts again and again: the budgets are
    # raised here (the defaults are asserted on a server of its own in test_security_load.py); the
    # tests stand in for a proxy on loopback, which forwards each citizen's own address
    env = {**os.environ, "LIANDONG_DATA_DIR": str(data), "LIANDONG_SIGN_IN_ADDRESS_LIMIT": "100000/minute",
           "LIANDONG_SIGN_IN_LIMIT": f"{E2E_USER_LIMIT}/minute", "LIANDONG_TRUSTED_PROXIES": "127.0.0.1"}
    env.pop("LIANDONG_DATABASE_URL", None)
    cli = [sys.executable, "-m", "liandong.cli"]
    subprocess.run([*cli, "init", "--scope", "320200"], env=env, check=True,
                   capture_output=True)
    subprocess.run([sys.executable, "-c", "from datetime import UTC, datetime; "
                    "from liandong.bootstrap import bootstrap; "
                    "from liandong.services.demo_accounts import ensure_demo_accounts; "
                    "ensure_demo_accounts(uow=bootstrap().uow(), now=datetime.now(UTC))"],
                   env=env, check=True, capture_output=True)
    port = free_port()
    proc = subprocess.Popen([*cli, "serve", "--port", str(port)], env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                output = proc.stdout.read().decode() if proc.stdout else ""
                raise RuntimeError(f"server did not start:\n{output}")
            time.sleep(0.2)
        yield base
    finally:
        proc.terminate()
        proc.wait(timeout=20)


_TOKENS: dict[tuple[str, str, str], str] = {}
E2E_USER_LIMIT = 40
"""Sign-in attempts an account gets a minute on the shared test server."""


def token(server: str, username: str, password: str = "liandong-demo") -> dict[str, str]:
    """The Authorization header of a signed-in demo account; one sign-in per account and server
    (tokens last hours, and sign-in is throttled per account and per address as in production)."""
    key = (server, username, password)
    if key not in _TOKENS:
        answer = httpx.post(f"{server}/api/auth/token", json={"username": username, "password": password})
        assert answer.status_code == 200, answer.text
        _TOKENS[key] = answer.json()["access_token"]
    return {"Authorization": f"Bearer {_TOKENS[key]}"}
