"""nats-server processes for a federation on one machine (``liandong federation up``, the tests): each
in a process group of its own with its output in a file, started on its configuration
(``topology.server_config``), waited for with a deadline — JetStream answering and, for a connected
leaf node, the centre's domain answering through it — and stopped, the group with it. A server that
does not come up is stopped and reported with the end of what it printed; nothing waits forever."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

from liandong.domain.errors import DomainError
from liandong.federation.topology import domain_of, server_config

CENTRE = "100000"
SHOWN = 4000
PROBE_SECONDS = 0.5  # the first try of the readiness probe (a leaf's first ask of the hub's domain may
# go unanswered, so a short first try); each try after doubles it, up to 2 s on a loaded machine


def nats_server_binary() -> str | None:
    """The nats-server on the path, or Debian's."""
    found = shutil.which("nats-server")
    return found or ("/usr/sbin/nats-server" if Path("/usr/sbin/nats-server").exists() else None)


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket() as s:
        s.bind((host, 0))
        return int(s.getsockname()[1])


@dataclass
class NatsServer:
    """The server of the node owning ``scope``: the hub when ``leaf_port`` is set, a leaf of ``hub``
    otherwise."""

    scope: str
    directory: Path
    port: int = field(default_factory=free_port)
    leaf_port: int | None = None
    hub: str | None = None
    binary: str | None = field(default_factory=nats_server_binary)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def domain(self) -> str:
        return domain_of(self.scope, CENTRE)

    @property
    def url(self) -> str:
        return f"nats://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.directory / f"nats-{self.scope}.log"

    def output(self) -> str:
        try:
            text = self.log.read_text(errors="replace")
        except FileNotFoundError:
            return "(no output)"
        return text[-SHOWN:] if text else "(no output)"

    def start(self, *, connected: bool = True, deadline: float = 30.0) -> None:
        """Start (again, on the same port and store); ``connected=False``: without its leaf connection
        to the hub (a province cut off)."""
        if self.binary is None:
            raise DomainError("federation.no_nats_server")
        self.directory.mkdir(parents=True, exist_ok=True)
        conf = self.directory / f"nats-{self.scope}.conf"
        conf.write_text(server_config(name=f"node-{self.scope}", port=self.port, domain=self.domain,
                                      store_dir=self.directory / f"js-{self.scope}", leaf_port=self.leaf_port,
                                      hub=self.hub if connected else None))
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen([self.binary, "-c", str(conf)], stdin=subprocess.DEVNULL, stdout=out,
                                         stderr=subprocess.STDOUT, start_new_session=True)
        self.wait(deadline, reach_hub=connected and self.hub is not None)

    def wait(self, deadline: float, *, reach_hub: bool) -> None:
        """Until JetStream answers (and, for a connected leaf, the centre's domain through it)."""
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
        problem, tries = "", 0
        while time.monotonic() < end:
            assert self.proc is not None
            if self.proc.poll() is not None:
                problem = f"exited with {self.proc.returncode}"
                break
            try:
                asyncio.run(asyncio.wait_for(probe(), min(2.0, PROBE_SECONDS * 2 ** tries)))
                return
            except Exception as exc:  # not ready yet: try again until the deadline
                problem, tries = f"{type(exc).__name__}: {exc}", tries + 1
                time.sleep(0.2)
        self.stop()
        raise DomainError("federation.server_not_ready", scope=self.scope, deadline=f"{deadline:g}",
                          problem=problem, output=self.output())

    def stop(self, grace: float = 10.0, *, kill: bool = False) -> None:
        """SIGTERM to its group, SIGKILL after ``grace`` seconds (``kill``: SIGKILL at once, a crash);
        returns once reaped."""
        proc, self.proc = self.proc, None
        if proc is None:
            return
        steps = ((signal.SIGKILL, 30.0),) if kill else ((signal.SIGTERM, grace), (signal.SIGKILL, 30.0))
        for sig, wait in steps:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, sig)
            try:
                proc.wait(timeout=wait)
                return
            except subprocess.TimeoutExpired:
                continue


def servers_for(directory: Path, scopes: tuple[str, ...]) -> dict[str, NatsServer]:
    """The centre's server (the hub) and a leaf server per province, on free ports, not started."""
    hub = NatsServer(CENTRE, directory, leaf_port=free_port())
    servers = {CENTRE: hub}
    for scope in scopes:
        if scope != CENTRE:
            servers[scope] = NatsServer(scope, directory, hub=f"nats-leaf://127.0.0.1:{hub.leaf_port}")
    return servers
