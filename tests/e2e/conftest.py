"""A real server process on a free loopback port, over an initialised SQLite file."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest

from tests.factories.accounts import E2E_USER_LIMIT
from tests.support.processes import free_port, serving


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
                   capture_output=True, timeout=300)
    subprocess.run([sys.executable, "-c", "from datetime import UTC, datetime; "
                    "from liandong.bootstrap import bootstrap; "
                    "from liandong.services.demo_accounts import ensure_demo_accounts; "
                    "ensure_demo_accounts(uow=bootstrap().uow(), now=datetime.now(UTC))"],
                   env=env, check=True, capture_output=True, timeout=300)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving([*cli, "serve", "--port", str(port)], url=f"{base}/healthz", env=env,
                 log=tmp_path_factory.mktemp("server-log") / "server.log"):
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    """Debian's Chromium under Playwright (the modules that ask import tests.support.browser,
    which skips them, or fails them in CI, without Playwright or Chromium)."""
    from tests.support.browser import launch

    with launch() as chromium:
        yield chromium
