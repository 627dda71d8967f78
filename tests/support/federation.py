"""A federation of the tests: one nats-server per node on free ports (the centre's the hub, the
provinces' leaf nodes connecting to it, each in a JetStream domain of its own), and a node per scope
on a SQLite file of its own, configured by a TOML file as an operator would write it.

Every wait has a deadline and fails with the server's output; every server is stopped on leaving."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from liandong.adapters.nats_fabric import JetStreamFabric, out_stream
from liandong.adapters.node_key import NodeKeyFiles
from liandong.adapters.reference_data import national_hierarchy
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.federation.config import read_config
from liandong.federation.node import FederationNode, origin_of
from liandong.federation.topology import domain_of, server_config
from tests.support.processes import ServerDidNotStart, free_port, output_of, start, stop

NATS_SERVER = shutil.which("nats-server") or "/usr/sbin/nats-server"
CENTRE = "100000"


def need_nats_server() -> None:
    if not Path(NATS_SERVER).exists():
        pytest.skip("nats-server is not installed (apt-get install nats-server)")


@dataclass
class NatsServer:
    scope: str
    directory: Path
    port: int = field(default_factory=free_port)
    leaf_port: int | None = None
    hub: str | None = None
    proc: subprocess.Popen[bytes] | None = None

    @property
    def domain(self) -> str:
        return domain_of(self.scope)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.directory / f"nats-{self.scope}.log"

    def start(self, *, connected: bool = True, deadline: float = 30.0) -> None:
        """Start (again, on the same port and store); ``connected=False``: without its leaf connection
        to the hub (a province cut off)."""
        conf = self.directory / f"nats-{self.scope}.conf"
        conf.write_text(server_config(name=f"node-{self.scope}", port=self.port, domain=self.domain,
                                      store_dir=self.directory / f"js-{self.scope}", leaf_port=self.leaf_port,
                                      hub=self.hub if connected else None, reconnect=1))
        self.proc = start([NATS_SERVER, "-c", str(conf)], log=self.log)
        self.wait(deadline, reach_hub=connected and self.hub is not None)

    def wait(self, deadline: float, *, reach_hub: bool) -> None:
        """Until JetStream answers (and, for a connected leaf, the centre's domain answers through it)."""
        import nats

        async def quiet(exc: Exception) -> None:
            """The client's reports of a server not up yet: the probe's failure says it."""

        async def probe() -> None:
            nc = await nats.connect(self.url, connect_timeout=1, max_reconnect_attempts=0,
                                    allow_reconnect=False, error_cb=quiet)
            try:
                await nc.jetstream().account_info()
                if reach_hub:
                    await nc.jetstream(domain=domain_of(CENTRE)).account_info()
            finally:
                await nc.close()

        end = time.monotonic() + deadline
        problem = ""
        while time.monotonic() < end:
            assert self.proc is not None
            if self.proc.poll() is not None:
                problem = f"exited with {self.proc.returncode}"
                break
            try:
                asyncio.run(asyncio.wait_for(probe(), 2))
                return
            except Exception as exc:  # not ready yet: try again until the deadline
                problem = f"{type(exc).__name__}: {exc}"
                time.sleep(0.2)
        self.stop()
        raise ServerDidNotStart(f"nats-server of {self.scope} not ready within {deadline:g} s ({problem}); "
                                f"it printed:\n{output_of(self.log)}")

    def stop(self) -> None:
        if self.proc is not None:
            stop(self.proc)
            self.proc = None


@dataclass
class Federation:
    directory: Path
    servers: dict[str, NatsServer]
    platforms: dict[str, Platform]
    nodes: dict[str, FederationNode] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)

    def configure(self, ack_wait: float = 30.0) -> None:
        """Write each node's TOML file with its peers' keys, read it back and open its node."""
        keys = {}
        for scope, platform in self.platforms.items():
            keys[scope] = (NodeKeyFiles(platform.data_dir or self.directory).signer().vkey,
                           platform.record().log_vkey())
        hierarchy = national_hierarchy()
        databases = self.databases
        for scope, platform in self.platforms.items():
            path = self.directory / f"{scope}.toml"
            peers = "".join(
                f'\n[[peers]]\nscope = "{peer}"\ndomain = "{domain_of(peer)}"\n'
                f'node_key = "{keys[peer][0]}"\nlog_key = "{keys[peer][1]}"\n'
                for peer in self.platforms if peer != scope)
            url = (databases or {}).get(scope)
            database = f'database_url = "{url}"\n' if url else ""
            path.write_text(f'[node]\nscope = "{scope}"\ndata_dir = "{platform.data_dir}"\n{database}\n'
                            f'[nats]\nurl = "{self.servers[scope].url}"\ndomain = "{domain_of(scope)}"\n'
                            + peers, encoding="utf-8")
            config = read_config(path, hierarchy)
            fabric = JetStreamFabric(config.nats_url, out_stream(scope), ack_wait=ack_wait)
            self.nodes[scope] = FederationNode(config, platform, fabric)
        for node in self.nodes.values():  # every outgoing stream first: the sources then find theirs
            node.fabric.ensure_outgoing(f"fed.out.{node.me}.>")
        for node in self.nodes.values():
            node.ensure_fabric()

    def close(self) -> None:
        for node in self.nodes.values():
            node.fabric.close()
        for server in reversed(list(self.servers.values())):
            server.stop()
        for platform in self.platforms.values():
            if platform.engine is not None:
                platform.engine.dispose()


def federation(directory: Path, scopes: tuple[str, ...] = (CENTRE, "320000", "330000"),
               ack_wait: float = 30.0, databases: dict[str, str] | None = None) -> Federation:
    """The servers started (the centre's first), the platforms made and the nodes configured; each
    node on the SQLite file of its data directory, or on its database in ``databases``."""
    need_nats_server()
    hub = NatsServer(CENTRE, directory, leaf_port=free_port())
    servers = {CENTRE: hub}
    for scope in scopes:
        if scope != CENTRE:
            servers[scope] = NatsServer(scope, directory, hub=f"nats-leaf://127.0.0.1:{hub.leaf_port}")
    platforms: dict[str, Platform] = {}
    made = Federation(directory, servers, platforms, databases=databases or {})
    try:
        for server in servers.values():
            server.start()
        for scope in scopes:
            data = directory / f"node-{scope}"
            url = (databases or {}).get(scope)
            platform = bootstrap(Settings(data_dir=data, database_url=url))
            platform.ledger_origin = origin_of(scope)
            platforms[scope] = platform
        made.configure(ack_wait)
    except BaseException:
        made.close()
        raise
    return made


def until(what: Callable[[], bool], *, deadline: float = 20.0, every: float = 0.1, say: str = "") -> None:
    """Wait until ``what()`` holds; fail saying ``say`` at the deadline."""
    end = time.monotonic() + deadline
    while not what():
        if time.monotonic() > end:
            raise AssertionError(f"not within {deadline:g} s: {say}")
        time.sleep(every)


__all__ = ["CENTRE", "Federation", "NatsServer", "federation", "until"]
