"""A citizen's browser on the portal's report form, over HTTP (the map and "me too" tests)."""

from __future__ import annotations

import itertools
import re

import httpx

_HOSTS = itertools.count(1)


def hidden(page: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', page)
    assert found, f"no {name} field on the page"
    return found.group(1)


def opened(server: str, lang: str = "zh") -> tuple[httpx.Client, dict[str, str]]:
    """The form from a client address of its own (TEST-NET-3: the server counts reports per address
    and trusts X-Forwarded-For from loopback), with its hidden fields and publication agreed."""
    client = httpx.Client(base_url=server, headers={"X-Forwarded-For": f"203.0.113.{next(_HOSTS)}"})
    page = client.get("/portal", params={"lang": lang})
    assert page.status_code == 200
    return client, {"csrf": hidden(page.text, "csrf"), "submission": hidden(page.text, "submission"),
                    "publish": "yes"}
