"""A case led at another node (issue 27 point 3, ``federation.lead``), on real nats-servers: a sudden
environmental incident of the first severity in 无锡 has all its places in Jiangsu, but the rules give
its lead to the centre's 生态环境部. Before dispatch it stays in Jiangsu; once dispatched the sweep hands
it over to the centre (only), with the receipt of the dispatch beside the report's; the centre records
it, and its status (lead, deadline) follows, so the ministry's copy shows the case; the sweep sends it
once. Zhejiang, whose scope holds neither its places nor its lead, would refuse such an envelope."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pytest

from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.federation import joint
from liandong.federation.envelope import Opened, open_envelope
from liandong.federation.node import FederationNode
from tests.support.federation import CENTRE, Federation, federation, until

JIANGSU, ZHEJIANG = "320000", "330000"
WUXI = "320213001"
MINISTRY = "100000-eco_environment"


@pytest.fixture
def fed(tmp_path: Path) -> Iterator[Federation]:
    with closing(federation(tmp_path, ack_wait=1.0)) as made:
        yield made


def test_a_case_the_rules_give_to_a_ministry_goes_to_the_centre_with_the_event_that_made_it_lead(
        fed: Federation) -> None:
    js, centre, zj = fed.nodes[JIANGSU], fed.nodes[CENTRE], fed.nodes[ZHEJIANG]
    case_id = js.platform.bus().handle(c.ReportCase(
        by="reporter", matter="environmental_emergency", severity="I", affected=(WUXI,),
        description="化工园区泄漏污染，大面积死鱼", reporter_name="李四",
        reporter_phone="13900000003")).case_id
    assert js.sweep() == []  # its places are all in Jiangsu, and it has no lead yet
    js.platform.bus().handle(c.DispatchCase(by="320200-gov", case_id=case_id))
    with js.platform.uow() as uow:
        case = uow.cases.get(case_id)
        assert case is not None and case.record.lead == MINISTRY  # 特别重大: the centre leads
    made = js.sweep()
    assert made == [f"{JIANGSU}-{CENTRE}-{case_id}-{made[0].split('-')[-1]}"]  # to the centre only
    assert js.sweep() == []  # once

    def arrived() -> bool:
        js.relay_once()
        centre.receive_once(wait=0.2)
        js.receive_once(wait=0.05)
        js.sweep()  # its status, then (once the centre has it) nothing more
        return bool(joint.shared(centre, case_id))

    until(arrived, deadline=30, say="the case and its status at the centre", fed=fed)
    got = [h for h in centre.handovers(case_id) if h.direction == "in"]
    assert [(h.peer, h.case_id, h.scope) for h in got] == [(JIANGSU, case_id, WUXI)]
    shared = joint.shared(centre, case_id)[0]
    assert (shared.home, shared.lead, shared.lead_node) == (JIANGSU, MINISTRY, CENTRE)
    assert shared.due is not None
    assert not centre.refusals() and zj.handovers(case_id) == []
    for node in (js, centre):
        node.platform.record().checkpoint()
        assert node.platform.record().verify().ok

    # the same envelope's lead shown to Zhejiang: neither the places nor the lead are its own
    opened = dataclasses.replace(_opened(centre, case_id), to=ZHEJIANG)
    with pytest.raises(DomainError) as refused:
        zj._check_route(opened)
    assert refused.value.code == "federation.wrong_route"


def _opened(centre: FederationNode, case_id: str) -> Opened:
    row = next(h for h in centre.handovers(case_id) if h.direction == "in")
    opened = open_envelope(row.envelope, me=CENTRE, peers=centre.config.peers)
    assert opened.lead == MINISTRY  # the dispatch's receipt names the ministry
    return opened
