"""A federation on one machine (``liandong federation up``, the tests): a nats-server per node — the
centre's the hub, the provinces' leaf nodes of it — and a node per scope on a database of its own
(the SQLite file of its data directory, or a PostgreSQL database per node), configured by a TOML
file written as an operator would (``<directory>/<scope>.toml``), and a Taihu case walked across."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from liandong.adapters.nats_fabric import JetStreamFabric, out_stream
from liandong.adapters.node_key import NodeKeyFiles
from liandong.adapters.reference_data import national_hierarchy
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.errors import DomainError
from liandong.federation.config import read_config
from liandong.federation.node import FederationNode, ReceiveReport, origin_of
from liandong.federation.servers import CENTRE, NatsServer, servers_for
from liandong.federation.topology import domain_of
from liandong.federation.witnesses import NodeWitness, use_peer_witnesses, witness_directory

SCOPES = (CENTRE, "320000", "330000")
TAIHU = ("320213001", "330502001")  # 崇安寺街道 (无锡), 月河街道 (湖州)


@dataclass
class LocalFederation:
    directory: Path
    servers: dict[str, NatsServer]
    platforms: dict[str, Platform] = field(default_factory=dict)
    nodes: dict[str, FederationNode] = field(default_factory=dict)
    databases: dict[str, str] = field(default_factory=dict)
    witnesses: dict[str, NodeWitness] = field(default_factory=dict)

    def configure(self, ack_wait: float = 30.0, *, witnesses: bool = False) -> None:
        """Write each node's file with its peers' keys, read it back, open the node, make the streams;
        ``witnesses``: every node's checkpoints cosigned by the witnesses of the other nodes over NATS
        (``federation.witnesses``), their keys required on every envelope."""
        keys = {scope: (NodeKeyFiles(self._data(scope)).signer().vkey, platform.record().log_vkey())
                for scope, platform in self.platforms.items()}
        wkeys = {scope: witness_directory(self._data(scope), scope).signer().vkey for scope in self.platforms}
        hierarchy = national_hierarchy()
        for scope, platform in self.platforms.items():
            path = self.directory / f"{scope}.toml"
            url = self.databases.get(scope)
            database = f'database_url = "{url}"\n' if url else ""

            def witnessing(peer: str, me: str = scope) -> str:
                if not witnesses:
                    return ""
                theirs = [wkeys[s] for s in self.platforms if s != peer]  # who witnesses that peer
                return (f'witness = true\nwitness_key = "{wkeys[peer]}"\n'
                        f'witness_keys = [{", ".join(chr(34) + k + chr(34) for k in theirs)}]\n')

            peers = "".join(f'\n[[peers]]\nscope = "{peer}"\ndomain = "{domain_of(peer)}"\n'
                            f'node_key = "{keys[peer][0]}"\nlog_key = "{keys[peer][1]}"\n' + witnessing(peer)
                            for peer in self.platforms if peer != scope)
            path.write_text(f'[node]\nscope = "{scope}"\ndata_dir = "{self._data(scope)}"\n{database}\n'
                            f'[nats]\nurl = "{self.servers[scope].url}"\ndomain = "{domain_of(scope)}"\n'
                            + peers, encoding="utf-8")
            config = read_config(path, hierarchy)
            fabric = JetStreamFabric(config.nats_url, out_stream(scope), ack_wait=ack_wait)
            self.nodes[scope] = FederationNode(config, platform, fabric)
        for node in self.nodes.values():  # every outgoing stream first: the sources then find theirs
            node.fabric.ensure_outgoing(f"fed.out.{node.me}.>")
        for node in self.nodes.values():
            node.ensure_fabric()
        if witnesses:
            for node in self.nodes.values():
                self.witnesses[node.me] = NodeWitness(node)
                self.witnesses[node.me].start()
            for node in self.nodes.values():
                use_peer_witnesses(node)

    def _data(self, scope: str) -> Path:
        return self.directory / f"node-{scope}"

    def close(self) -> None:
        for node in self.nodes.values():
            node.fabric.close()
        for platform in self.platforms.values():
            platform.close()
        for server in reversed(list(self.servers.values())):
            server.stop()

    def restart(self, scope: str, *, deadline: float = 30.0) -> FederationNode:
        """Kill the node of ``scope`` as a crash would — its nats-server with SIGKILL, its connections
        and all it held in memory dropped, nothing acknowledged — and start it again on the same
        JetStream store, database and files (its witness too); the new node."""
        old, server = self.nodes[scope], self.servers[scope]
        server.stop(kill=True)
        old.fabric.close()
        old.platform.close()
        server.start(deadline=deadline)
        platform = bootstrap(Settings(data_dir=self._data(scope), database_url=self.databases.get(scope)))
        platform.ledger_origin = origin_of(scope)
        fabric = JetStreamFabric(old.config.nats_url, out_stream(scope), ack_wait=old.fabric.ack_wait)
        self.platforms[scope] = platform
        node = self.nodes[scope] = FederationNode(old.config, platform, fabric)
        node.ensure_fabric()
        if scope in self.witnesses:
            self.witnesses[scope] = NodeWitness(node)
            self.witnesses[scope].start()
            use_peer_witnesses(node)
        return node

    def run_once(self, wait: float = 0.2) -> ReceiveReport:
        """One round on every node: sweep, relay, receive."""
        total = ReceiveReport()
        for node in self.nodes.values():
            node.sweep()
            node.relay_once()
        for node in self.nodes.values():
            total.add(node.receive_once(wait=wait))
        return total


def up(directory: Path, scopes: tuple[str, ...] = SCOPES, *, databases: dict[str, str] | None = None,
       ack_wait: float = 30.0, deadline: float = 30.0, witnesses: bool = False) -> LocalFederation:
    """The servers started (the centre's first), the platforms made and the nodes configured."""
    directory.mkdir(parents=True, exist_ok=True)
    made = LocalFederation(directory.resolve(), servers_for(directory.resolve(), scopes),
                           databases=dict(databases or {}))
    try:
        for server in made.servers.values():
            server.start(deadline=deadline)
        for scope in scopes:
            platform = bootstrap(Settings(data_dir=made._data(scope), database_url=made.databases.get(scope)))
            platform.ledger_origin = origin_of(scope)
            made.platforms[scope] = platform
        made.configure(ack_wait, witnesses=witnesses)
    except BaseException:
        made.close()
        raise
    return made


def postgres_databases(server_url: str, scopes: tuple[str, ...] = SCOPES,
                       prefix: str = "liandong_fed") -> dict[str, str]:
    """A database per node on the PostgreSQL server at ``server_url`` (created when missing)."""
    from sqlalchemy import create_engine, text

    admin = create_engine(f"{server_url.rstrip('/')}/postgres", isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as conn:
            for scope in scopes:
                name = f"{prefix}_{scope}"
                found = conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
                if found.first() is None:
                    conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return {scope: f"{server_url.rstrip('/')}/{prefix}_{scope}" for scope in scopes}


def walk_taihu(fed: LocalFederation, say: Callable[[str], None], *, lang: str = "zh",
               deadline: float = 60.0) -> str:
    """A Taihu report in Jiangsu handed over to the centre and Zhejiang, dispatched there, acknowledged by
    the centre's lead at the centre's node (forwarded to Jiangsu); each node's copy of its status shown
    and every ledger verified. In ``lang`` (``i18n.cli_federation``)."""
    from liandong.domain.cases import commands as c
    from liandong.federation import joint
    from liandong.i18n import words
    from liandong.i18n.cli_federation import FEDERATION_TEXT
    from liandong.i18n.work_items import state_name

    w = words(FEDERATION_TEXT, lang)
    jiangsu = fed.nodes["320000"]
    case_id = jiangsu.platform.bus().handle(c.ReportCase(
        by="reporter", matter="water_pollution", affected=TAIHU, description="太湖蓝藻水华，沿岸两省均受影响",
        reporter_name="演示", reporter_phone="13900000000")).case_id
    say(w["walk_received"].format(case_id=case_id, places=", ".join(TAIHU)))
    joint.issue(jiangsu, c.DispatchCase(by="320000-gov", case_id=case_id))
    end = time.monotonic() + deadline

    def until(done: Callable[[], bool]) -> None:
        while not done():
            if time.monotonic() > end:
                raise DomainError("federation.walk_timeout", case_id=case_id, deadline=f"{deadline:g}")
            fed.run_once()

    wanted = (CENTRE, "330000")
    until(lambda: all(fed.nodes[s].handovers(case_id) and joint.shared(fed.nodes[s], case_id)
                      for s in wanted))
    for scope in wanted:
        (row,) = fed.nodes[scope].handovers(case_id)
        say(w["walk_recorded"].format(scope=scope, id=row.handover_id, index=row.ledger_index))
    lead = joint.shared(fed.nodes[CENTRE], case_id)[0].lead
    forwarded = joint.issue(fed.nodes[CENTRE], c.AcknowledgeCase(by=lead, case_id=case_id))

    def acknowledged() -> bool:
        copies = [joint.shared(node, case_id) for node in fed.nodes.values()]
        return all(copy and copy[0].state == "acknowledged" for copy in copies)

    until(acknowledged)
    (command,) = joint.commands(fed.nodes[CENTRE], case_id)
    say(w["walk_forwarded"].format(id=forwarded, outcome=w[f"outcome_{command.outcome}"]))
    for scope, node in fed.nodes.items():
        (copy,) = joint.shared(node, case_id)
        say(w["walk_status"].format(scope=scope, state=state_name(copy.state, lang), lead=copy.lead,
                                    lead_node=copy.lead_node, version=copy.version,
                                    due=copy.due.isoformat(timespec="minutes") if copy.due else "—"))
    for scope, node in fed.nodes.items():
        node.platform.record().checkpoint()
        report = node.platform.record().verify()
        say(w["walk_verified"].format(scope=scope, result=w["ok"] if report.ok else str(report)))
    return case_id
