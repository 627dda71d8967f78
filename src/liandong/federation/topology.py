"""The NATS servers of a federation (docs/federation.md): the centre's server is the hub, listening
for leaf-node connections; each province's server is a leaf node that connects outward to it (the
only direction a government network usually allows). Every server runs JetStream in a domain of its
own, so each node's streams are its own and survive a cut; what crosses is what the streams source.

``server_config`` writes the configuration of one server (nats-server 2.9 or later)."""

from __future__ import annotations

import json
from pathlib import Path


def domain_of(scope: str, centre: str = "100000") -> str:
    """The JetStream domain of the node owning ``scope``: ``centre``, or ``p`` and the province code."""
    return "centre" if scope == centre else f"p{scope}"


def server_config(*, name: str, port: int, domain: str, store_dir: Path, host: str = "127.0.0.1",
                  leaf_port: int | None = None, hub: str | None = None, reconnect: int = 1,
                  monitor_port: int | None = None) -> str:
    """One server's configuration: the hub listens on ``leaf_port``; a leaf connects to ``hub``
    (``nats-leaf://host:port``) and retries every ``reconnect`` seconds (whole) while it is away."""
    q = json.dumps  # a quoted string in the server's configuration syntax
    lines = [f"server_name: {q(name)}", f"listen: {q(f'{host}:{port}')}",
             f"jetstream {{ store_dir: {q(str(store_dir))}, domain: {q(domain)} }}"]
    if monitor_port is not None:
        lines.append(f"http: {q(f'{host}:{monitor_port}')}")
    if leaf_port is not None:
        lines.append(f"leafnodes {{ listen: {q(f'{host}:{leaf_port}')} }}")
    elif hub is not None:
        remote = f"remotes: [ {{ url: {q(hub)} }} ]"
        lines.append(f"leafnodes {{ reconnect: {max(1, reconnect)}, {remote} }}")
    return "\n".join(lines) + "\n"
