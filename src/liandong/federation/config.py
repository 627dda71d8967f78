"""联邦节点配置 (a node's federation file): which scope the node owns, where its NATS server is, and
whom it trusts. A TOML file, checked whole when it is read; a bad one is refused naming the file, the
line and the field, with what is allowed (``federation.config_*`` in ``i18n.refusals.federation``).

    [node]
    scope = "320000"              # a province code, or "100000" / "centre" for the central node
    data_dir = "var/jiangsu"      # the node's data directory (its node key: keys/node.key)
    database_url = "postgresql+psycopg://…/jiangsu"   # optional: else the data directory's SQLite file

    [nats]
    url = "nats://127.0.0.1:4222" # the node's own NATS server
    account = "LIANDONG"          # its NATS account (optional)
    domain = "p320000"            # its JetStream domain

    [[peers]]                     # one table per node this one exchanges with
    scope = "100000"
    domain = "centre"
    node_key = "liandong-node+1a2b3c4d+A…"   # verifier key of the peer's node key (signs envelopes)
    log_key = "liandong-log+…"               # verifier key of the peer's log (signs its checkpoints)
    witness_keys = ["witness-100000+…"]      # optional: cosignatures its checkpoints must carry
    witness = true                           # optional: this peer's witness cosigns our checkpoints
    witness_key = "witness-100000+…"         # the peer's witness key (required with witness = true)

Relative paths are read from the file's directory.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.ledger.errors import LedgerError
from liandong.ledger.note import Verifier

CENTRE_ALIASES = ("centre", "center", "central")
_DOMAIN = re.compile(r"[A-Za-z0-9_-]{1,32}\Z")
_ACCOUNT = re.compile(r"[A-Za-z0-9_$-]{1,64}\Z")
_URL = re.compile(r"(nats|tls)://[^\s/]+:[0-9]{1,5}\Z")
ROLLUP_SECONDS = 600
FIELDS = {"node": ("scope", "data_dir", "database_url", "name", "rollup_seconds"),
          "nats": ("url", "account", "domain"),
          "peers": ("scope", "domain", "node_key", "log_key", "witness_keys", "witness", "witness_key",
                    "name")}
ALLOWED: dict[str, tuple[str, str]] = {
    "scope": ("省级行政区划代码（如 320000），或中央节点 100000 / centre",
              "a province code (e.g. 320000), or 100000 / centre for the central node"),
    "data_dir": ("目录路径（相对路径以配置文件所在目录为准）", "a directory path (relative to the file)"),
    "name": ("任意文字", "any text"),
    "rollup_seconds": ("0 或正整数（秒）：服务中的省级节点每隔多少秒发布今天与昨天的分单位汇总，"
                       "0 为不发布，默认 600",
                       "0 or a whole number of seconds: how often a served province node publishes "
                       "today's and yesterday's per-unit figures (0: never; default 600)"),
    "database_url": ("SQLAlchemy 数据库地址（不填：数据目录中的 SQLite 文件）",
                     "a SQLAlchemy URL (unset: the SQLite file of the data directory)"),
    "url": ("nats://主机:端口 或 tls://主机:端口", "nats://host:port or tls://host:port"),
    "account": ("1–64 个字母、数字、_ $ -", "1–64 letters, digits, _ $ -"),
    "domain": ("1–32 个字母、数字、_ -，且各节点互不相同", "1–32 letters, digits, _ -, unique per node"),
    "node_key": ("对端节点密钥的验证公钥（name+id+key，非见证密钥）",
                 "the verifier key of the peer's node key (name+id+key, not a witness key)"),
    "log_key": ("对端日志的验证公钥（name+id+key）", "the verifier key of the peer's log (name+id+key)"),
    "witness_keys": ("见证者验证公钥的列表", "a list of witness verifier keys"),
    "witness": ("true 或 false（该对端是否见证本节点的检查点）",
                "true or false (whether this peer witnesses this node's checkpoints)"),
    "witness_key": ("对端见证者的验证公钥（name+id+key，联署密钥）",
                    "the verifier key of the peer's witness (name+id+key, a cosignature key)"),
}


@dataclass(frozen=True)
class Peer:
    scope: str
    domain: str
    node_key: Verifier
    log_key: str
    witness_keys: tuple[str, ...] = ()
    name: str = ""
    witness: bool = False
    """Whether this peer's witness cosigns this node's checkpoints (over the fabric)."""
    witness_key: str = ""
    """The verifier key of the peer's witness: the only key a cosignature from it is taken with."""


@dataclass(frozen=True)
class NodeConfig:
    scope: str
    data_dir: Path
    nats_url: str
    domain: str
    peers: tuple[Peer, ...]
    account: str = "$G"
    name: str = ""
    database_url: str = ""
    source: str = "—"
    rollup_seconds: int = ROLLUP_SECONDS  # a served province publishes its recent days this often (0: never)

    def peer(self, scope: str) -> Peer | None:
        return next((p for p in self.peers if p.scope == scope), None)

    @property
    def scopes(self) -> tuple[str, ...]:
        """Every node's scope: this one first."""
        return (self.scope, *(p.scope for p in self.peers))


class _Reader:
    """Reads one parsed file, knowing its text to name the line of each field."""

    def __init__(self, path: Path, text: str, hierarchy: HierarchyIndex) -> None:
        self.path, self.lines, self.hierarchy = path, text.splitlines(), hierarchy

    def line_of(self, table: str, key: str | None, index: int = 0) -> int:
        """The line of ``key`` in the ``index``-th ``[table]`` / ``[[table]]`` (its header without key)."""
        seen, inside, header = -1, False, 0
        for number, raw in enumerate(self.lines, 1):
            line = raw.strip()
            if line.startswith("["):
                name = line.strip("[] \t").split("#")[0].strip()
                inside = name == table
                if inside:
                    seen += 1
                    header = number if seen == index else header
                continue
            if inside and seen == index and key is not None and re.match(rf'"?{re.escape(key)}"?\s*=', line):
                return number
        return header

    def fail(self, table: str, key: str | None, index: int, code: str, **params: Any) -> DomainError:
        field = f"{table}[{index}].{key}" if table == "peers" else f"{table}.{key}" if key else table
        return DomainError(code, file=str(self.path), line=self.line_of(table, key, index) or "—",
                           field=field, **params)

    def bad(self, table: str, key: str, index: int, value: object) -> DomainError:
        zh, en = ALLOWED[key]
        return self.fail(table, key, index, "federation.config_bad_value", value=str(value)[:80],
                         allowed_zh=zh, allowed_en=en)

    def text(self, data: dict[str, Any], table: str, key: str, index: int = 0, *,
             required: bool = True, pattern: re.Pattern[str] | None = None) -> str:
        self.known(data, table, index)
        if key not in data:
            if required:
                raise self.fail(table, key, index, "federation.config_missing")
            return ""
        value = data[key]
        if not isinstance(value, str) or not value.strip() or (pattern and not pattern.match(value)):
            raise self.bad(table, key, index, value)
        return value.strip()

    def known(self, data: dict[str, Any], table: str, index: int) -> None:
        for key in data:
            if key not in FIELDS[table]:
                raise self.fail(table, key, index, "federation.config_unknown_field",
                                allowed=", ".join(FIELDS[table]))

    def scope(self, data: dict[str, Any], table: str, index: int = 0) -> str:
        value = self.text(data, table, "scope", index)
        if value.lower() in CENTRE_ALIASES:
            return self.hierarchy.root.code
        levels = (Level.CENTRAL, Level.PROVINCE)
        if value not in self.hierarchy or self.hierarchy.get(value).level not in levels:
            raise self.bad(table, "scope", index, value)
        return value

    def verifier(self, data: dict[str, Any], key: str, index: int, *, cosigner: bool) -> Verifier:
        value = self.text(data, "peers", key, index)
        try:
            verifier = Verifier.from_vkey(value)
        except LedgerError:
            raise self.bad("peers", key, index, value) from None
        if verifier.is_cosigner != cosigner:
            raise self.bad("peers", key, index, value)
        return verifier


def read_config(path: Path, hierarchy: HierarchyIndex) -> NodeConfig:
    """The node configuration in ``path``; ``federation.config_*`` naming what is wrong where."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DomainError("federation.config_unreadable", file=str(path), problem=str(exc)) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DomainError("federation.config_unreadable", file=str(path), problem=str(exc)) from None
    return parse_config(data, text, path, hierarchy)


def parse_config(data: dict[str, Any], text: str, path: Path, hierarchy: HierarchyIndex) -> NodeConfig:
    r = _Reader(path, text, hierarchy)
    for table in data:
        if table not in FIELDS:
            raise r.fail(table, None, 0, "federation.config_unknown_field", allowed=", ".join(FIELDS))
    for table in ("node", "nats"):
        if not isinstance(data.get(table), dict):
            raise r.fail(table, None, 0, "federation.config_missing")
    node, bus = data["node"], data["nats"]
    scope = r.scope(node, "node")
    data_dir = Path(r.text(node, "node", "data_dir"))
    database_url = r.text(node, "node", "database_url", required=False)
    url = r.text(bus, "nats", "url", pattern=_URL)
    domain = r.text(bus, "nats", "domain", pattern=_DOMAIN)
    account = r.text(bus, "nats", "account", required=False, pattern=_ACCOUNT) or "$G"
    rollup = node.get("rollup_seconds", ROLLUP_SECONDS)
    if isinstance(rollup, bool) or not isinstance(rollup, int) or rollup < 0:
        raise r.bad("node", "rollup_seconds", 0, rollup)
    raw_peers = data.get("peers", [])
    if not isinstance(raw_peers, list) or not all(isinstance(p, dict) for p in raw_peers):
        raise r.fail("peers", None, 0, "federation.config_missing")
    peers: list[Peer] = []
    for index, item in enumerate(raw_peers):
        peer_scope = r.scope(item, "peers", index)
        peer_domain = r.text(item, "peers", "domain", index, pattern=_DOMAIN)
        if peer_scope in (scope, *(p.scope for p in peers)):
            raise r.fail("peers", "scope", index, "federation.config_repeated", value=peer_scope)
        if peer_domain in (domain, *(p.domain for p in peers)):
            raise r.fail("peers", "domain", index, "federation.config_repeated", value=peer_domain)
        node_key = r.verifier(item, "node_key", index, cosigner=False)
        log_key = r.verifier(item, "log_key", index, cosigner=False).vkey
        witnesses = item.get("witness_keys", [])
        if not isinstance(witnesses, list):
            raise r.bad("peers", "witness_keys", index, witnesses)
        for vkey in witnesses:
            try:
                if not isinstance(vkey, str) or not Verifier.from_vkey(vkey).is_cosigner:
                    raise r.bad("peers", "witness_keys", index, vkey)
            except LedgerError:
                raise r.bad("peers", "witness_keys", index, vkey) from None
        witness = item.get("witness", False)
        if not isinstance(witness, bool):
            raise r.bad("peers", "witness", index, witness)
        witness_key = (r.verifier(item, "witness_key", index, cosigner=True).vkey if "witness_key" in item
                       else "")
        if witness and not witness_key:
            raise r.fail("peers", "witness_key", index, "federation.config_missing")
        peers.append(Peer(peer_scope, peer_domain, node_key, log_key, tuple(witnesses),
                          r.text(item, "peers", "name", index, required=False), witness, witness_key))
    if not data_dir.is_absolute():
        data_dir = path.parent / data_dir
    return NodeConfig(scope, data_dir, url, domain, tuple(peers), account,
                      r.text(node, "node", "name", required=False), database_url, str(path), rollup)
