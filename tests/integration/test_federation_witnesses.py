"""Witnesses at other nodes (issue 27 point 4) on real nats-server processes: every node's checkpoints
are cosigned over NATS by the witnesses of the two other nodes (the centre and a province for a
province), whose keys every envelope must carry; a cosignature by a key not configured is not taken;
a forked checkpoint (another root at a size already cosigned) and a rolled-back one are refused by the
peer witnesses, and the fork alarm they raise reaches every node: kept, and shown by the ledger alarm
of its dashboard."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from liandong.adapters.nats_witness import NatsCosigner
from liandong.domain.cases import commands as c
from liandong.federation.node import FederationNode
from liandong.ledger.note import Verifier, parse_note, verify_note
from liandong.services.ports.witness import WitnessRefusal
from tests.support.federation import CENTRE, Federation, federation, forged, latest_checkpoint, until

JIANGSU, ZHEJIANG = "320000", "330000"
TAIHU = ("320213001", "330502001")


@pytest.fixture
def fed(tmp_path: Path) -> Iterator[Federation]:
    made = federation(tmp_path, ack_wait=1.0, witnesses=True)
    try:
        yield made
    finally:
        made.close()


def report(node: FederationNode, *places: str) -> str:
    return node.platform.bus().handle(c.ReportCase(
        by="reporter", matter="water_pollution", affected=places, description="太湖蓝藻水华",
        reporter_name="李四", reporter_phone="13900001111")).case_id


def test_checkpoints_are_cosigned_by_the_peer_witnesses_and_envelopes_require_them(fed: Federation) -> None:
    jiangsu = fed.nodes[JIANGSU]
    keys = {scope: w.vkey for scope, w in fed.witnesses.items()}
    case_id = report(jiangsu, *TAIHU)

    def arrived() -> bool:
        fed.run_once()
        return all(fed.nodes[s].handovers(case_id) for s in (CENTRE, ZHEJIANG))

    until(arrived, deadline=30, say="the Taihu case at the centre and in Zhejiang")
    assert all(not n.refusals() for n in fed.nodes.values())
    _size, note = latest_checkpoint(jiangsu)
    parsed = parse_note(note)
    for scope in (CENTRE, ZHEJIANG):  # cosigned by the centre's and Zhejiang's witnesses, not Jiangsu's own
        assert verify_note(parsed, [Verifier.from_vkey(keys[scope])]), scope
    own = Verifier.from_vkey(keys[JIANGSU])
    assert not any((sig.name, sig.key_id) == (own.name, own.key_id) for sig in parsed.signatures)
    # every envelope's checkpoint must carry the cosignatures of the peer's witnesses: Zhejiang's
    # file lists the centre's and its own witness for Jiangsu
    assert set(fed.nodes[ZHEJIANG].config.peer(JIANGSU).witness_keys) == {keys[CENTRE], keys[ZHEJIANG]}
    for node in fed.nodes.values():
        assert node.platform.record().verify().ok


def test_a_cosignature_by_a_key_not_configured_is_not_taken(fed: Federation) -> None:
    jiangsu = fed.nodes[JIANGSU]
    report(jiangsu, "320213001")
    wrong = fed.witnesses[ZHEJIANG].vkey  # the centre answers, but this node expects Zhejiang's key for it
    jiangsu.platform.ledger.cosigners = (NatsCosigner(jiangsu.fabric, CENTRE, wrong),)
    jiangsu.platform.record().checkpoint()
    _, note = latest_checkpoint(jiangsu)
    centre_key = Verifier.from_vkey(fed.witnesses[CENTRE].vkey)
    assert not any((sig.name, sig.key_id) == (centre_key.name, centre_key.key_id)
                   for sig in parse_note(note).signatures)
    refused = jiangsu.platform.refusals.latest()  # the ledger alarm shows it
    assert refused is not None and refused["status"] == "200" and "cosignature" in refused["reason"]


@pytest.mark.parametrize("how", ["fork", "rollback"])
def test_a_forked_log_is_refused_by_the_peer_witnesses_and_the_alarm_reaches_every_node(
        fed: Federation, how: str) -> None:
    jiangsu = fed.nodes[JIANGSU]
    report(jiangsu, "320213001")
    report(jiangsu, "320213001")
    jiangsu.platform.record().checkpoint()
    size, _note = latest_checkpoint(jiangsu)
    assert size > 1
    if how == "fork":  # another log of the same size
        bad = forged(jiangsu, size, b"\x07" * 32)
        expected = 422
    else:  # the log rolled back to a smaller size
        bad = forged(jiangsu, size - 1, b"\x07" * 32)
        expected = 409
    for scope in (CENTRE, ZHEJIANG):
        cosigner = NatsCosigner(jiangsu.fabric, scope, fed.witnesses[scope].vkey)
        with pytest.raises(WitnessRefusal) as refused:
            cosigner.add_checkpoint(size, [], bad)
        assert refused.value.status == expected
        assert fed.nodes[scope].alarms() and fed.nodes[scope].alarms()[0]["accused"] == JIANGSU
    # the witness kept its head: the real checkpoint is still the one it holds
    assert fed.witnesses[CENTRE].directory.head(jiangsu.platform.ledger.origin)[0] == size

    def everywhere() -> bool:
        for node in fed.nodes.values():
            node.relay_once()
        for node in fed.nodes.values():
            node.receive_once(wait=0.2)
        return all({a["raised_by"] for a in n.alarms()} >= ({CENTRE, ZHEJIANG} - {n.me})
                   and len(n.alarms()) >= 2 for n in fed.nodes.values())

    until(everywhere, deadline=30, say="the fork alarm at every node")
    for node in fed.nodes.values():
        assert {a["accused"] for a in node.alarms()} == {JIANGSU}
        assert not node.refusals()
        shown = node.platform.refusals.latest()  # the ledger alarm of its dashboard
        assert shown is not None and "分叉告警" in shown["reason"] and JIANGSU in shown["reason"]
        banner = node.platform.ledger_watch().status.alarm  # what the dashboard's ledger banner shows
        assert banner is not None and "分叉告警" in str(banner)
        assert json.dumps(node.alarms(), ensure_ascii=False)
    # a redelivered alarm changes nothing
    before = {s: len(n.alarms()) for s, n in fed.nodes.items()}
    for node in fed.nodes.values():
        node.relay_once()
        node.receive_once(wait=0.5)
    assert {s: len(n.alarms()) for s, n in fed.nodes.items()} == before
    # every alarm is an entry of its own in the ledger of each node that holds it (decision 0056):
    # raised by the two witnesses, received by the others, each verifiable
    for scope, node in fed.nodes.items():
        entries = alarm_entries(node)
        kinds = sorted(e["type"] for e in entries.values())
        assert kinds == (["ForkAlarmReceived"] * 2 if scope == JIANGSU else
                         ["ForkAlarmRaised", "ForkAlarmReceived"]), (scope, kinds)
        for alarm in node.alarms():
            entry = entries[alarm["ledger_index"]]  # type: ignore[index]
            assert (entry["alarm"], entry["accused"], entry["size"]) == (alarm["alarm"], JIANGSU,
                                                                         alarm["size"])
        node.platform.record().checkpoint()
        assert node.platform.record().verify().ok, scope
    # an alarm's row edited afterwards (another node accused) is found by the state cross-check
    centre = fed.nodes[CENTRE]
    with centre.platform.uow() as uow:
        uow.connection.execute(text("UPDATE federation_alarm SET accused = '330000'"))  # type: ignore[attr-defined]
        uow.commit()
    report_ = centre.platform.record().verify()
    assert not report_.ok and "accused" in str(report_)


def alarm_entries(node: FederationNode) -> dict[int, dict[str, object]]:
    with node.platform.uow() as uow:
        leaves = [(index, json.loads(leaf)) for index, _, leaf in uow.ledger.leaves()]
    return {index: e["event"] for index, e in leaves
            if e.get("stream") == "federation" and str(e["event"]["type"]).startswith("ForkAlarm")}


def test_the_status_command_shows_a_fork_alarm(fed: Federation) -> None:
    from typer.testing import CliRunner

    from liandong.cli import app

    jiangsu, zhejiang = fed.nodes[JIANGSU], fed.nodes[ZHEJIANG]
    report(jiangsu, "320213001")
    jiangsu.platform.record().checkpoint()
    size, _ = latest_checkpoint(jiangsu)
    with pytest.raises(WitnessRefusal):
        NatsCosigner(jiangsu.fabric, ZHEJIANG, fed.witnesses[ZHEJIANG].vkey).add_checkpoint(
            size, [], forged(jiangsu, size, b"\x01" * 32))
    zj_file = str(fed.directory / f"{ZHEJIANG}.toml")
    result = CliRunner().invoke(app, ["federation", "status", "--config", zj_file])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert "分叉告警" in flat and f"节点 {JIANGSU} 的日志（大小 {size}）" in flat
    assert zhejiang.alarms()[0]["raised_by"] == ZHEJIANG


def test_a_hand_over_waits_while_a_peer_witness_is_away_and_goes_once_it_is_back(fed: Federation) -> None:
    jiangsu, zhejiang = fed.nodes[JIANGSU], fed.nodes[ZHEJIANG]
    fed.servers[ZHEJIANG].stop()  # Zhejiang's witness cannot answer
    jiangsu.platform.ledger.cosigners = tuple(  # fail fast rather than wait 5 s per checkpoint
        NatsCosigner(c.fabric, c.scope, c.vkey, timeout=1.0) for c in jiangsu.platform.ledger.cosigners)
    case_id = report(jiangsu, *TAIHU)
    assert jiangsu.sweep() == [] and not jiangsu.handovers(case_id)  # not made: it would be refused
    fed.servers[ZHEJIANG].start(deadline=30)
    report(jiangsu, "320213001")  # the log grows: the next checkpoint is shown to both witnesses

    def arrived() -> bool:
        fed.run_once()
        return all(fed.nodes[s].handovers(case_id) for s in (CENTRE, ZHEJIANG))

    until(arrived, deadline=40, say="the hand-over once Zhejiang's witness is back")
    assert not any(n.refusals() for n in fed.nodes.values())
    assert not zhejiang.alarms()
