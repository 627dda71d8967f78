"""The acceptance test of issue 27: three nodes on real nats-server processes (the centre's the hub, the
provinces' leaf nodes of it), each node's checkpoints cosigned by the witnesses of the two others.

A Taihu report in Jiangsu reaches the centre and Zhejiang and is handled jointly — the centre's
生态环境部 leads from the centre's node, the departments of both provinces assist or are co-present,
every command issued away from Jiangsu forwarded there and answered — and closes; every node's copy of
its status equals Jiangsu's. Mid-flow the centre is killed after queuing a command and Jiangsu after
running one but before acknowledging it: nothing is lost, nothing done twice. Zhejiang is cut off for
``CUT_OFF`` seconds (``LIANDONG_FED_CUT_OFF_SECONDS``; the issue's two minutes are 120 — the suite uses
5 s to stay quick) while the others go on: on reconnection everything reconciles. Each node's receipts
verify. Forged, replayed and unknown-node envelopes and commands are refused with the reason kept, and a
forked log Jiangsu presents is flagged at every node."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from liandong.domain.cases import commands as c
from liandong.federation import joint
from liandong.federation.node import FederationNode
from liandong.federation.subjects import ledger_subject
from liandong.ledger.receipt import check_receipt
from liandong.services.ports import Outbound
from tests.support.federation import CENTRE, Federation, federation, forged, latest_checkpoint, until

JIANGSU, ZHEJIANG = "320000", "330000"
TAIHU = ("320213001", "330502001")  # 崇安寺街道 (无锡), 月河街道 (湖州)
LEAD = "100000-eco_environment"
DISPATCHER = f"{JIANGSU}-gov"
CUT_OFF = float(os.environ.get("LIANDONG_FED_CUT_OFF_SECONDS", "5"))


@pytest.fixture
def fed(tmp_path: Path) -> Iterator[Federation]:
    made = federation(tmp_path, ack_wait=1.0, witnesses=True)
    try:
        yield made
    finally:
        made.close()


def settle(fed: Federation, done: Callable[[], bool], say: str, deadline: float = 40.0) -> None:
    def ready() -> bool:
        fed.run_once(wait=0.1)
        return done()

    until(ready, deadline=deadline, say=say, fed=fed)


def same_everywhere(fed: Federation, case_id: str) -> bool:
    home = fed.nodes[JIANGSU]
    with home.platform.uow() as uow:
        now = joint.status_of(home, uow, case_id)
    return all(joint.shared(node, case_id) == [now] for node in fed.nodes.values())


def answered(node: FederationNode, command_id: str) -> bool:
    return any(r.command_id == command_id and r.outcome != "pending" for r in joint.commands(node))


def outcome(node: FederationNode, command_id: str) -> str:
    return next(r.outcome for r in joint.commands(node) if r.command_id == command_id)


def payload(node: FederationNode, msg_id: str) -> bytes:
    from sqlalchemy import text

    assert node.platform.engine is not None
    with node.platform.engine.connect() as conn:
        return bytes(conn.execute(text("SELECT payload FROM federation_outbox WHERE msg_id = :m"),
                                  {"m": msg_id}).scalar_one())


def forge(note: bytes, **changes: object) -> bytes:
    """The signed note with fields of its JSON changed, its signature kept (so no longer matching)."""
    from liandong.ledger.canonical import canonical_bytes

    text, _, signatures = note.decode().partition("\n\n")
    header, line = text.split("\n")
    body = {**json.loads(line), **changes}
    return f"{header}\n{canonical_bytes(body).decode()}\n\n{signatures}".encode()


def federation_subjects(node: FederationNode) -> list[str]:
    with node.platform.uow() as uow:
        leaves = [json.loads(leaf)["event"] for _, _, leaf in uow.ledger.leaves()
                  if json.loads(leaf).get("stream") == "federation"]
    return [ledger_subject(str(e.get("handover") or e.get("command"))) for e in leaves]


def test_a_taihu_case_is_handled_jointly_by_three_nodes_through_crashes_and_a_cut_and_closes(
        fed: Federation) -> None:
    js = fed.nodes[JIANGSU]
    case_id = js.platform.bus().handle(c.ReportCase(
        by="reporter", matter="water_pollution", affected=TAIHU, description="太湖蓝藻水华，沿岸两省均受影响",
        reporter_name="李四", reporter_phone="13900001111")).case_id
    joint.issue(js, c.DispatchCase(by=DISPATCHER, case_id=case_id))  # at home: run here
    settle(fed, lambda: same_everywhere(fed, case_id), "the case and its status at the centre and Zhejiang")
    (shared,) = joint.shared(fed.nodes[CENTRE], case_id)
    assert (shared.state, shared.lead, shared.lead_node) == ("dispatched", LEAD, CENTRE)

    # the centre's lead acknowledges; the centre dies before its relay published the command
    ack = joint.issue(fed.nodes[CENTRE], c.AcknowledgeCase(by=LEAD, case_id=case_id))
    fed.restart(CENTRE)
    settle(fed, lambda: answered(fed.nodes[CENTRE], ack) and same_everywhere(fed, case_id),
           "the acknowledgement queued before the crash, run and answered")
    # the lead starts; Jiangsu runs the command, commits and dies before acknowledging the message
    start = joint.issue(fed.nodes[CENTRE], c.StartHandling(by=LEAD, case_id=case_id))
    fed.nodes[CENTRE].relay_once()
    first: list[object] = []
    until(lambda: bool(first.extend(fed.nodes[JIANGSU].fabric.fetch(8, 0.3)) or first), fed=fed,
          say="the forwarded command at Jiangsu")
    assert fed.nodes[JIANGSU].handle(first[0]).recorded == 1  # type: ignore[arg-type]
    fed.restart(JIANGSU)
    settle(fed, lambda: answered(fed.nodes[CENTRE], start) and same_everywhere(fed, case_id),
           "the start answered after Jiangsu's crash")
    assert [outcome(fed.nodes[CENTRE], i) for i in (ack, start)] == ["done", "done"]
    assert [r.command_id for r in joint.commands(fed.nodes[JIANGSU])] == [ack, start]  # each run once

    # Zhejiang cut off: its assist waits in its own stream; the others go on
    server, began = fed.servers[ZHEJIANG], time.monotonic()
    server.stop()
    server.start(connected=False)
    js = fed.nodes[JIANGSU]

    def assist(scope: str, department: str, summary: str) -> str:
        return joint.issue(fed.nodes[scope], c.ReportAssist(by=department, case_id=case_id, summary=summary))

    zj_assist = assist(ZHEJIANG, "330502-eco_environment", "湖州侧已打捞蓝藻")
    others = [assist(CENTRE, f"100000-{d}", "已配合") for d in ("water", "urban_management")]
    assist(JIANGSU, "320213-eco_environment", "已巡查")
    settle(fed, lambda: all(answered(fed.nodes[CENTRE], i) for i in others), "the centre's assists while cut")
    assert not answered(fed.nodes[ZHEJIANG], zj_assist)
    behind = joint.shared(fed.nodes[ZHEJIANG], case_id)[0].version
    assert behind < joint.shared(js, case_id)[0].version
    while time.monotonic() - began < CUT_OFF:
        fed.run_once(wait=0.2)
    server.stop()
    server.start(connected=True)
    settle(fed, lambda: answered(fed.nodes[ZHEJIANG], zj_assist) and same_everywhere(fed, case_id),
           "Zhejiang reconciled after the cut", deadline=90)
    assert outcome(fed.nodes[ZHEJIANG], zj_assist) == "done"

    resolve = joint.issue(fed.nodes[CENTRE], c.ResolveCase(by=LEAD, case_id=case_id, summary="蓝藻已处置"))
    settle(fed, lambda: answered(fed.nodes[CENTRE], resolve), "the resolution")
    assert outcome(fed.nodes[CENTRE], resolve) == "done"
    joint.issue(js, c.FollowUpCase(by=DISPATCHER, case_id=case_id, rating="satisfied"))
    joint.issue(js, c.CloseCase(by=DISPATCHER, case_id=case_id))
    settle(fed, lambda: same_everywhere(fed, case_id), "the closed case at every node")
    assert {n.me: joint.shared(n, case_id)[0].state for n in fed.nodes.values()} == dict.fromkeys(fed.nodes,
                                                                                                   "closed")
    for node in fed.nodes.values():
        assert not node.refusals() and node.status().outbox_pending == 0
        assert len({r.command_id for r in joint.commands(node)}) == len(joint.commands(node))

    # every node's receipts verify: each federation entry (and Jiangsu's case) under a checkpoint its
    # peers' witnesses cosigned
    witness = {scope: w.vkey for scope, w in fed.witnesses.items()}
    for node in fed.nodes.values():
        record = node.platform.record()
        record.checkpoint()
        assert record.verify().ok, node.me
        subjects = federation_subjects(node) + ([case_id] if node.me == JIANGSU else [])
        assert len(subjects) >= 2
        for subject in subjects:
            checked = check_receipt(record.receipt(subject), trusted_log_vkeys=[record.log_vkey()],
                                    trusted_witness_vkeys=[k for s, k in witness.items() if s != node.me])
            assert checked.ok, (node.me, subject, checked.reason)


def test_forged_replayed_and_unknown_messages_are_refused_and_a_forked_log_is_flagged_everywhere(
        fed: Federation) -> None:
    from liandong.adapters.nats_witness import NatsCosigner
    from liandong.federation.notes import seal_note
    from liandong.ledger.note import Signer
    from liandong.ledger.suite import SHA256_ED25519
    from liandong.services.ports.witness import WitnessRefusal

    js, centre = fed.nodes[JIANGSU], fed.nodes[CENTRE]
    case_id = js.platform.bus().handle(c.ReportCase(by="reporter", matter="water_pollution", affected=TAIHU,
                                                    description="太湖蓝藻")).case_id
    js.platform.bus().handle(c.DispatchCase(by=DISPATCHER, case_id=case_id))
    settle(fed, lambda: same_everywhere(fed, case_id), "the case at every node")
    ack = joint.issue(centre, c.AcknowledgeCase(by=LEAD, case_id=case_id))
    settle(fed, lambda: answered(centre, ack), "the acknowledgement")
    command = payload(centre, ack)
    envelope = next(r.envelope for r in js.handovers(case_id) if r.peer == CENTRE)
    stranger = Signer("liandong-node", SHA256_ED25519.generate_private_key())
    body = json.loads(command.decode().split("\n")[1])
    unknown = seal_note(stranger, "command", sender="440000", to=JIANGSU, case_id=case_id, command="start",
                        id="440000-cmd-x", by="440000-eco_environment", params=body["params"])
    to_js = f"fed.out.{CENTRE}.{JIANGSU}.command"
    centre.fabric.publish([
        Outbound(to_js, "forged-command", forge(command, command="resolve")),  # 篡改: the signature fails
        Outbound(to_js, "replayed-command", command),  # the same command under another message id
        Outbound(to_js, "unknown-command", unknown),
    ])
    zj = fed.nodes[ZHEJIANG]  # Zhejiang speaks about a case it does not hold, the centre for Zhejiang
    status = seal_note(zj.signer, "case", sender=ZHEJIANG, to=CENTRE, **joint.status_payload(
        joint.shared(zj, case_id)[0]))
    stray = seal_note(zj.signer, "outcome", sender=ZHEJIANG, to=JIANGSU, case_id=case_id,
                      id="330000-cmd-none", outcome="done", code="", reason="")
    posing = seal_note(centre.signer, "command", sender=CENTRE, to=JIANGSU, case_id=case_id,
                       command="assist-report", id="100000-cmd-posing", by="330502-eco_environment",
                       params={"by": "330502-eco_environment", "case_id": case_id, "summary": "冒名"})
    zj.fabric.publish([Outbound(f"fed.out.{ZHEJIANG}.{CENTRE}.case", "not-home-status", status),
                       Outbound(f"fed.out.{ZHEJIANG}.{JIANGSU}.outcome", "stray-outcome", stray)])
    centre.fabric.publish([Outbound(to_js, "posing-command", posing)])
    to_centre = f"fed.out.{JIANGSU}.{CENTRE}.handover"
    js.fabric.publish([
        Outbound(to_centre, "forged-envelope", forge(envelope, scope=JIANGSU)),
        Outbound(to_centre, "replayed-envelope", envelope),
        Outbound(to_centre, "unknown-envelope", forge(envelope, **{"from": "440000"})),
    ])

    def refused() -> bool:
        fed.run_once(wait=0.1)
        return len(js.refusals()) == 5 and len(centre.refusals()) == 4

    until(refused, deadline=30, say="nine refusals", fed=fed)
    kept = {m: (code, reason) for node in (js, centre) for m, _, code, reason in node.refusals()}
    assert {m: v[0] for m, v in kept.items()} == {
        "forged-command": "federation.bad_signature", "replayed-command": "federation.replayed",
        "unknown-command": "federation.unknown_node", "forged-envelope": "federation.bad_signature",
        "replayed-envelope": "federation.replayed", "unknown-envelope": "federation.unknown_node",
        "not-home-status": "federation.not_home", "stray-outcome": "federation.unknown_command",
        "posing-command": "federation.not_their_department"}
    assert all(" / " in reason for _, reason in kept.values())  # 中文 / English
    assert [r.command_id for r in joint.commands(js)] == [ack]  # nothing run twice

    # Jiangsu presents a forked log to its peers' witnesses: every node flags it
    js.platform.record().checkpoint()
    size, _ = latest_checkpoint(js)
    for scope in (CENTRE, ZHEJIANG):
        with pytest.raises(WitnessRefusal) as fork:
            NatsCosigner(js.fabric, scope, fed.witnesses[scope].vkey).add_checkpoint(
                size, [], forged(js, size, b"\x07" * 32))
        assert fork.value.status == 422

    def flagged() -> bool:
        fed.run_once(wait=0.1)
        return all({a["accused"] for a in n.alarms()} == {JIANGSU} and len(n.alarms()) >= 1
                   for n in fed.nodes.values())

    until(flagged, deadline=30, say="the fork alarm at every node", fed=fed)
