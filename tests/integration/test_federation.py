"""The federation on real nats-server processes (issue 27): three nodes — the centre, Jiangsu and
Zhejiang — each on its own SQLite file and its own server in its own JetStream domain, the provinces'
servers leaf nodes of the centre's. A Taihu case reported in Jiangsu is handed over to the centre
(its scope is the centre: the LCA of a Jiangsu and a Zhejiang township) and to Zhejiang; both
ledgers hold the hand-over; a redelivery changes nothing; forged, replayed, misaddressed envelopes
and one from an unknown node are refused with the reason kept."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from liandong.domain.cases import commands as c
from liandong.federation.node import FederationNode, ReceiveReport
from tests.support.federation import CENTRE, Federation, federation, federation_on, until

JIANGSU, ZHEJIANG = "320000", "330000"
WUXI, HUZHOU = "320213001", "330502001"  # 崇安寺街道 (无锡), 月河街道 (湖州): both on Taihu


@pytest.fixture
def fed(tmp_path: Path) -> Iterator[Federation]:
    made = federation(tmp_path, ack_wait=1.0)
    try:
        yield made
    finally:
        made.close()


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fed_any(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Federation]:
    """The federation on SQLite files, and on three PostgreSQL databases of unique names."""
    with federation_on(request, tmp_path, "liandong_fed") as federated:
        yield federated


def report(node: FederationNode, *places: str, text: str = "太湖蓝藻水华，沿岸两省均受影响") -> str:
    return node.platform.bus().handle(c.ReportCase(
        by="reporter", matter="water_pollution", affected=places, description=text,
        reporter_name="李四", reporter_phone="13900001111")).case_id


def receive(node: FederationNode, expected: int, *, deadline: float = 20.0) -> ReceiveReport:
    """Receive until ``expected`` messages were handled (recorded, refused or duplicate)."""
    total = ReceiveReport()

    def enough() -> bool:
        total.add(node.receive_once(wait=0.3))
        return total.recorded + total.refused + total.duplicates >= expected

    until(enough, deadline=deadline, say=f"{node.me} handled {total} of {expected}")
    return total


def ledger_events(node: FederationNode) -> list[dict[str, object]]:
    with node.platform.uow() as uow:
        leaves = [json.loads(leaf) for _, _, leaf in uow.ledger.leaves()]
    return [leaf["event"] for leaf in leaves if leaf.get("stream") == "federation"]


def test_a_taihu_case_reaches_the_centre_and_zhejiang_and_both_ledgers_hold_it(fed_any: Federation) -> None:
    fed = fed_any
    js, centre, zj = fed.nodes[JIANGSU], fed.nodes[CENTRE], fed.nodes[ZHEJIANG]
    case_id = report(js, WUXI, HUZHOU)
    made = js.hand_over(case_id)
    assert made == [f"{JIANGSU}-{CENTRE}-{case_id}-0", f"{JIANGSU}-{ZHEJIANG}-{case_id}-0"]
    assert js.hand_over(case_id) == []  # once per recipient
    assert js.relay_once() == 2
    assert receive(centre, 1).recorded == 1
    assert receive(zj, 1).recorded == 1
    sent = ledger_events(js)
    assert [(e["type"], e["to"]) for e in sent] == [("HandedOver", CENTRE), ("HandedOver", ZHEJIANG)]
    for node in (centre, zj):
        (event,) = ledger_events(node)
        assert event["type"] == "HandOverReceived" and event["case_id"] == case_id
        assert event["from"] == JIANGSU and event["scope"] == CENTRE
        assert event["origin"] == f"liandong.gov.cn/log/{JIANGSU}"
        (row,) = node.handovers(case_id)
        assert row.direction == "in" and row.peer == JIANGSU
        assert row.digest == next(r.digest for r in js.handovers(case_id) if r.peer == node.me)
    for node in (js, centre, zj):
        node.platform.record().checkpoint()
        report_ = node.platform.record().verify()
        assert report_.ok, (node.me, report_)
    from sqlalchemy import text

    assert centre.platform.engine is not None
    with centre.platform.engine.begin() as conn:  # the row that accounts for the entry, edited
        conn.execute(text("UPDATE federation_handover SET digest = :d"), {"d": "0" * 64})
    finding = centre.platform.record().verify().state
    assert finding is not None and finding.mismatch is not None
    assert (finding.mismatch.params["kind"], finding.mismatch.params["field"]) == ("hand-over", "digest")


def test_nothing_personal_crosses_in_an_envelope(fed: Federation) -> None:
    js = fed.nodes[JIANGSU]
    case_id = report(js, WUXI, HUZHOU, text="太湖蓝藻")
    js.hand_over(case_id)
    for row in js.handovers(case_id):
        text = row.envelope.decode()
        assert "李四" not in text and "13900001111" not in text and "太湖蓝藻" not in text


def test_a_case_within_the_node_is_not_handed_over(fed: Federation) -> None:
    from liandong.domain.errors import DomainError

    js = fed.nodes[JIANGSU]
    case_id = report(js, WUXI)
    with pytest.raises(DomainError) as refused:
        js.hand_over(case_id)
    assert refused.value.code == "federation.local_case"



def test_the_sweep_hands_over_every_case_that_reaches_beyond_the_node_once(fed: Federation) -> None:
    js, centre = fed.nodes[JIANGSU], fed.nodes[CENTRE]
    local = report(js, WUXI)
    taihu = [report(js, WUXI, HUZHOU), report(js, HUZHOU)]  # the second lies in Zhejiang alone
    made = js.sweep()
    assert sorted(made) == sorted([f"{JIANGSU}-{CENTRE}-{taihu[0]}-{index(js, taihu[0])}",
                                   f"{JIANGSU}-{ZHEJIANG}-{taihu[0]}-{index(js, taihu[0])}",
                                   f"{JIANGSU}-{ZHEJIANG}-{taihu[1]}-{index(js, taihu[1])}"])
    assert js.sweep() == [] and js.handovers(local) == []
    assert centre.sweep() == []  # the centre holds no case


def index(node: FederationNode, case_id: str) -> int:
    with node.platform.uow() as uow:
        return uow.ledger.entries_of_case(case_id)[0][0]


def ledger_size(node: FederationNode) -> int:
    with node.platform.uow() as uow:
        return uow.ledger.size()


def test_a_redelivery_changes_nothing(fed_any: Federation) -> None:
    """The centre handles a hand-over and dies before acknowledging it: the server delivers it again
    (ack wait 1 s) and the second handling finds its message id and records nothing."""
    fed = fed_any
    from liandong.adapters.nats_fabric import JetStreamFabric, out_stream

    js, centre = fed.nodes[JIANGSU], fed.nodes[CENTRE]
    case_id = report(js, WUXI, HUZHOU)
    js.hand_over(case_id)
    js.relay_once()
    first: list[object] = []
    until(lambda: bool(first.extend(centre.fabric.fetch(8, 0.3)) or first), say="the first delivery")
    (delivery,) = first
    assert centre.handle(delivery).recorded == 1  # committed, never acknowledged: the process dies
    centre.fabric.close()
    size = ledger_size(centre)
    centre.fabric = JetStreamFabric(fed.servers[CENTRE].url, out_stream(CENTRE), ack_wait=1.0)
    again = receive(centre, 1)
    assert (again.recorded, again.duplicates) == (0, 1)
    assert ledger_size(centre) == size
    assert len(centre.handovers(case_id)) == 1
    assert centre.fabric.state().pending == 0


def test_a_relay_that_dies_between_publishing_and_marking_sends_once(fed: Federation) -> None:
    """Jiangsu publishes its outbox and dies before marking it: the next relay publishes it again,
    under the same message ids; the stream keeps one of each and each peer records one."""
    from liandong.adapters.sql.federation import SqlFederationStore
    from liandong.services.ports import Outbound

    js, centre, zj = fed.nodes[JIANGSU], fed.nodes[CENTRE], fed.nodes[ZHEJIANG]
    case_id = report(js, WUXI, HUZHOU)
    js.hand_over(case_id)
    with js.platform.uow() as uow:
        pending = SqlFederationStore(uow.connection).pending(10)  # type: ignore[attr-defined]
    js.fabric.publish([Outbound(subject, msg_id, payload) for msg_id, subject, payload in pending])
    assert js.status().outbox_pending == 2  # never marked: the process died
    assert js.relay_once() == 2  # a new process publishes them again
    assert js.fabric.state().out_messages == 2
    for node in (centre, zj):
        assert receive(node, 1).recorded == 1
        assert node.receive_once(wait=1.0).recorded == 0
        assert len(node.handovers(case_id)) == 1


def forge(envelope: bytes, **changes: object) -> bytes:
    """The envelope with fields of its JSON changed, its signature kept (so no longer matching)."""
    text, _, signatures = envelope.decode().partition("\n\n")
    header, line = text.split("\n")
    body = json.loads(line)
    body.update(changes)
    from liandong.ledger.canonical import canonical_bytes

    return f"{header}\n{canonical_bytes(body).decode()}\n\n{signatures}".encode()


def test_forged_replayed_misaddressed_and_unknown_envelopes_are_refused_with_the_reason_kept(
        fed: Federation) -> None:
    from liandong.federation.envelope import seal
    from liandong.ledger.note import Signer
    from liandong.ledger.suite import SHA256_ED25519
    from liandong.services.ports import Outbound

    js, centre = fed.nodes[JIANGSU], fed.nodes[CENTRE]
    case_id = report(js, WUXI, HUZHOU)
    js.hand_over(case_id)
    js.relay_once()
    assert receive(centre, 1).recorded == 1
    (row,) = [r for r in js.handovers(case_id) if r.peer == CENTRE]
    to_centre = f"fed.out.{JIANGSU}.{CENTRE}.handover"
    body = json.loads(row.envelope.decode().split("\n")[1])
    stranger = Signer("liandong-node", SHA256_ED25519.generate_private_key())
    unknown = seal(stranger, sender="440000", to=CENTRE, case_id=case_id, scope=CENTRE, places=[WUXI],
                   receipt=body["receipt"].encode(), index=0, sent_at=body["sent_at"])
    misaddressed = next(r for r in js.handovers(case_id) if r.peer == ZHEJIANG).envelope
    wrong_scope = seal(js.signer, sender=JIANGSU, to=CENTRE, case_id=case_id, scope=JIANGSU,
                       places=[WUXI, HUZHOU], receipt=body["receipt"].encode(), index=0,
                       sent_at=body["sent_at"])
    bad_proof = seal(js.signer, sender=JIANGSU, to=CENTRE, case_id="C-OTHER", scope=CENTRE, places=[WUXI],
                     receipt=body["receipt"].encode(), index=0, sent_at=body["sent_at"])
    js.fabric.publish([
        Outbound(to_centre, "forged", forge(row.envelope, scope="320000")),  # 篡改: signature fails
        Outbound(to_centre, "replayed", row.envelope),  # the same hand-over under another message id
        Outbound(to_centre, "misaddressed", misaddressed),
        Outbound(to_centre, "unknown", unknown),
        Outbound(to_centre, "other-case", bad_proof),
        Outbound(to_centre, "wrong-scope", wrong_scope),  # signed and proven, but the scope is not the LCA
        Outbound(to_centre, "forged", forge(row.envelope, scope="320000")),  # its redelivery: once
    ])
    size = ledger_size(centre)
    handled = receive(centre, 6)
    assert (handled.recorded, handled.refused) == (0, 6)
    assert ledger_size(centre) == size  # nothing refused reaches the ledger
    reasons = {msg_id: (code, text) for msg_id, _, code, text in centre.refusals()}
    assert {k: v[0] for k, v in reasons.items()} == {
        "forged": "federation.bad_signature", "replayed": "federation.replayed",
        "misaddressed": "federation.not_addressed", "unknown": "federation.unknown_node",
        "other-case": "federation.case_mismatch", "wrong-scope": "federation.wrong_route"}
    assert "签名" in reasons["forged"][1] and "signature" in reasons["forged"][1]  # 中文 / English
    assert "440000" in reasons["unknown"][1]
    assert len(centre.handovers(case_id)) == 1


def test_a_province_cut_off_queues_its_hand_overs_and_reconciles_on_reconnection(fed: Federation) -> None:
    """Jiangsu's server loses its leaf connection (restarted without it): its hand-overs wait in its
    own stream; then its server is down altogether: they wait in the database's outbox; back and
    connected, the centre's and Zhejiang's sources catch up: every hand-over arrives once."""
    import time

    js, centre, zj = fed.nodes[JIANGSU], fed.nodes[CENTRE], fed.nodes[ZHEJIANG]
    server = fed.servers[JIANGSU]
    before = report(js, WUXI, HUZHOU)
    js.hand_over(before)
    js.relay_once()
    assert receive(centre, 1).recorded == receive(zj, 1).recorded == 1

    server.stop()
    server.start(connected=False)  # 断联: the province works on, alone
    in_stream = [report(js, WUXI, HUZHOU, text=f"蓝藻 {n}") for n in range(5)]
    for case_id in in_stream:
        js.hand_over(case_id)
    assert js.relay_once() == 10  # into Jiangsu's own stream: its server is there
    assert centre.receive_once(wait=1.0).recorded == 0

    server.stop()  # and now its server too: the outbox keeps them
    in_outbox = [report(js, WUXI, HUZHOU, text=f"水华 {n}") for n in range(2)]
    for case_id in in_outbox:
        js.hand_over(case_id)
    assert js.relay_once() == 0
    assert js.status().outbox_pending == 4
    assert js.receive_once(wait=0.2).recorded == 0  # its receiver waits too, without failing
    assert js.status().problem is not None

    server.start(connected=True)
    assert js.relay_once() == 4
    started = time.monotonic()
    for node in (centre, zj):
        got = receive(node, 7, deadline=90.0)
        assert (got.recorded, got.refused) == (7, 0)
        assert node.receive_once(wait=1.0).recorded == 0  # nothing more, nothing twice
        cases = {r.case_id for r in node.handovers() if r.direction == "in"}
        assert cases == {before, *in_stream, *in_outbox}
        assert len(node.handovers()) == 8
        node.platform.record().checkpoint()
        assert node.platform.record().verify().ok
    caught_up = time.monotonic() - started
    print(f"caught up after the partition in {caught_up:.1f} s")
    assert caught_up < 60, caught_up


def test_the_command_line_hands_over_runs_and_tells_the_status(fed: Federation) -> None:
    from typer.testing import CliRunner

    from liandong.cli import app

    runner = CliRunner()

    def cli(*args: str) -> str:
        import traceback

        result = runner.invoke(app, list(args))
        assert result.exit_code == 0, result.output + "".join(traceback.format_exception(result.exception))
        return result.output

    js_file, centre_file = str(fed.directory / f"{JIANGSU}.toml"), str(fed.directory / f"{CENTRE}.toml")
    keys = cli("federation", "keys", "--config", js_file)
    assert f'node_key = "{fed.nodes[JIANGSU].signer.vkey}"' in keys and 'log_key = "liandong-log+' in keys
    case_id = report(fed.nodes[JIANGSU], WUXI, HUZHOU)
    assert f"{JIANGSU}-{CENTRE}-{case_id}-0" in cli("federation", "hand-over", case_id, "--config", js_file)
    cli("federation", "run", "--once", "--config", js_file)

    def centre_has_it() -> bool:
        cli("federation", "run", "--once", "--interval", "0.3", "--config", centre_file)
        return json.loads(cli("federation", "status", "--json", "--config", centre_file))["received"] == 1

    until(centre_has_it, say="the centre's node received the hand-over through the command line")
    status = json.loads(cli("federation", "status", "--json", "--config", js_file))
    # in its stream: the two hand-overs and the case's status to each node (joint handling)
    assert (status["sent"], status["outbox_pending"], status["fabric"]["out"]) == (2, 0, 4)
    local = report(fed.nodes[JIANGSU], WUXI)
    refused = runner.invoke(app, ["federation", "hand-over", local, "--config", js_file, "--lang", "en"])
    assert refused.exit_code == 2 and "nothing to hand over" in refused.output


def test_federation_up_walks_a_taihu_case_across_three_nodes(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from liandong.cli import app
    from liandong.federation.servers import nats_server_binary

    if nats_server_binary() is None:
        pytest.skip("nats-server is not installed")
    result = CliRunner().invoke(app, ["federation", "up", "--dir", str(tmp_path / "fed"), "--lang", "en"])
    assert result.exit_code == 0, result.output
    flat = " ".join(result.output.split())
    assert flat.count("ledger verified: ok") == 3
    assert f"node {CENTRE} recorded the hand-over {JIANGSU}-{CENTRE}-" in flat
    assert f"node {ZHEJIANG} recorded the hand-over {JIANGSU}-{ZHEJIANG}-" in flat
    assert "forwarded to Jiangsu's node: done" in flat
    assert flat.count("copy of the case: Signed for, lead 100000-eco_environment (node 100000)") == 3
    assert not any("\u4e00" <= ch <= "\u9fff" for ch in flat)  # one language per run
    assert all((tmp_path / "fed" / f"{scope}.toml").is_file() for scope in (CENTRE, JIANGSU, ZHEJIANG))
