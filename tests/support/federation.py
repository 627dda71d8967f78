"""A federation of the tests: ``liandong.federation.local`` — one nats-server per node on free ports
(the centre's the hub, the provinces' leaf nodes of it, each in a JetStream domain of its own) and a
node per scope on a database of its own, configured by a TOML file as an operator would write it.
Every wait has a deadline and fails with the server's output; every server is stopped on leaving."""

from __future__ import annotations

import base64
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from liandong.federation.local import LocalFederation, up
from liandong.federation.node import FederationNode
from liandong.federation.servers import CENTRE, nats_server_binary

JIANGSU, ZHEJIANG = "320000", "330000"

Federation = LocalFederation


def federation(directory: Path, ack_wait: float = 30.0,
               databases: dict[str, str] | None = None, *, witnesses: bool = False) -> Federation:
    if nats_server_binary() is None:
        pytest.skip("nats-server is not installed (apt-get install nats-server)")
    return up(directory, databases=databases, ack_wait=ack_wait, witnesses=witnesses)


def until(what: Callable[[], bool], *, deadline: float = 20.0, every: float = 0.1, say: str = "",
          fed: Federation | None = None) -> None:
    """Wait until ``what()`` holds; fail saying ``say`` at the deadline (with ``fed``: and what each of its
    nats-servers printed last)."""
    end = time.monotonic() + deadline
    while not what():
        if time.monotonic() > end:
            shown = "".join(f"\n--- nats-server of {scope} ---\n{server.output()[-1500:]}"
                            for scope, server in (fed.servers.items() if fed else ()))
            raise AssertionError(f"not within {deadline:g} s: {say}{shown}")
        time.sleep(every)


__all__ = ["CENTRE", "Federation", "federation", "forged", "latest_checkpoint", "until"]


@contextmanager
def federation_on(request: pytest.FixtureRequest, directory: Path, prefix: str) -> Iterator[Federation]:
    """The federation of a parametrised fixture: SQLite files (``request.param == "sqlite"``), or three
    PostgreSQL databases named ``<prefix>_<scope>``, dropped afterwards."""
    from tests.support.databases import fresh_database

    databases: dict[str, str] = {}
    dropping = []
    if request.param == "postgres":
        admin = request.getfixturevalue("pg_admin")
        for scope in (CENTRE, JIANGSU, ZHEJIANG):
            made = fresh_database(admin, f"{prefix}_{scope}")
            databases[scope] = next(made)
            dropping.append(made)
    try:
        federated = federation(directory, ack_wait=1.0, databases=databases)
        try:
            yield federated
        finally:
            federated.close()
    finally:
        for made in dropping:
            next(made, None)  # its finally drops the database


def latest_checkpoint(node: FederationNode) -> tuple[int, str]:
    with node.platform.uow() as uow:
        size, _, note = uow.ledger.checkpoints()[-1]
    return size, note


def forged(node: FederationNode, size: int, root: bytes) -> str:
    """A checkpoint of ``size`` with ``root``, signed by ``node``'s own log key (a forked log)."""
    ledger = node.platform.ledger
    with node.platform.uow() as uow:
        signer = ledger.log_signer(uow, node.platform.clock.now())
    text = f"{ledger.origin}\n{size}\n{base64.b64encode(root).decode()}\n"
    return text + "\n" + signer.sign(text).line()
