"""The federation loop inside ``liandong serve`` (decision 0056): a server started with a node's file
(``--federation NODE.toml``, ``LIANDONG_FEDERATION``) is that node — its log named after its scope, its
witness answering the peers, its peers' witnesses cosigning its checkpoints — and runs in a thread of
its own what ``liandong federation run`` runs: the sweep (hand-overs and shared status), the relay of
its outbox and the receiver, started and stopped with the server; a province's node also publishes
today's and yesterday's per-unit figures to the centre every ``rollup_seconds`` of its file (600 by
default; 0: never). A round that fails is logged and the next one tries again (what it reads stays in
the store and the streams)."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from liandong.adapters.nats_fabric import JetStreamFabric, out_stream
from liandong.federation.config import NodeConfig, read_config
from liandong.federation.node import FederationNode, origin_of

if TYPE_CHECKING:
    from liandong.bootstrap import Platform

log = logging.getLogger("liandong.federation")


def name_log(platform: Platform, path: Path) -> NodeConfig:
    """Read the node's file (refused whole, its file, line and field named) and name the platform's log
    after the node's scope; before the ledger is first built (the server, its writer process)."""
    config = read_config(path, platform.hierarchy)
    platform.ledger_origin = origin_of(config.scope)
    return config


class ServedNode:
    """The node of a server: its fabric and its loop in a thread, from ``start`` to ``stop``."""

    def __init__(self, platform: Platform, config: NodeConfig, *, interval: float = 1.0,
                 ack_wait: float = 30.0) -> None:
        fabric = JetStreamFabric(config.nats_url, out_stream(config.scope), ack_wait=ack_wait)
        self.node = FederationNode(config, platform, fabric)
        self.interval = interval
        self.rounds = 0
        self.rollup = config.rollup_seconds if config.scope != platform.hierarchy.root.code else 0
        self._published: float | None = None  # when the recent days were last published (monotonic)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="federation", daemon=True)

    def start(self) -> ServedNode:
        self._thread.start()
        return self

    @property
    def running(self) -> bool:
        return self._thread.is_alive()

    def stop(self) -> None:
        """The loop ended (within a round: the receiver waits ``interval`` at most), the fabric closed."""
        self._stop.set()
        self._thread.join(timeout=self.interval + 30)
        self.node.fabric.close()

    def _set_up(self) -> None:
        from liandong.federation.witnesses import NodeWitness, use_peer_witnesses

        self.node.ensure_fabric()
        NodeWitness(self.node).start()  # this node's witness answers its peers
        use_peer_witnesses(self.node)  # and the peers marked ``witness = true`` cosign its checkpoints

    def _roll_up(self) -> None:
        from liandong.federation.rollup import publish_recent

        now = time.monotonic()
        if self.rollup and (self._published is None or now - self._published >= self.rollup):
            for msg_id in publish_recent(self.node):
                log.info("federation roll-up queued: %s", msg_id)
            self._published = now

    def _run(self) -> None:
        ready = False
        while not self._stop.is_set():
            try:
                if not ready:
                    self._set_up()
                    ready = True
                self._roll_up()
                self.node.sweep()
                sent = self.node.relay_once()
                got = self.node.receive_once(wait=self.interval)
                self.rounds += 1
                if not sent and not got.recorded:
                    self._stop.wait(0.05)
            except Exception:  # logged; the next round tries again (the node's server may be away)
                log.exception("federation loop of %s failed; retrying", self.node.me)
                self._stop.wait(self.interval)
