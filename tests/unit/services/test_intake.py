"""The one intake (issue 21): every channel's report is built here — the tracking code whose digest
alone is stored, the idempotency key made its caller's own, and for a channel of the 12345 centre
(Open311) the dispatch in the same transaction as the report."""

from __future__ import annotations

from liandong.bootstrap import bootstrap
from liandong.domain.cases.events import CaseDispatched, CaseReported
from liandong.services.accounts import token_digest
from liandong.services.intake import scoped_key


def test_a_report_and_its_dispatch_are_one_command() -> None:
    platform = bootstrap(memory=True)
    taken = platform.intake().take(by="reporter", owner="open311:client", key="k1", dispatch=True,
                                   matter="road_damage", affected=("320213001",), description="路面塌陷")
    kinds = [type(e) for e in taken.result.events]
    assert kinds[0] is CaseReported and kinds[-1] is CaseDispatched
    with platform.uow() as uow:
        stored = uow.cases.get(taken.case_id)
        assert stored is not None and stored.record.state.value == "dispatched"
        assert stored.record.dispatcher == "320200-gov"  # 无锡's 12345 centre
        assert uow.cases.by_idempotency_key(scoped_key("open311:client", "k1")) == taken.case_id
        assert uow.cases.by_idempotency_key("k1") is None  # never stored as the caller sent it
        assert taken.tracking_code is not None
        assert uow.case_reads.case_for_tracking(token_digest(taken.tracking_code)) == taken.case_id


def test_the_same_key_is_the_same_report_for_its_owner_only() -> None:
    platform = bootstrap(memory=True)
    intake = platform.intake()
    report = {"matter": "street_lights", "affected": ("320213001",), "description": "路灯不亮"}
    first = intake.take(by="reporter", owner="anonymous:10.0.0.1", key="same", **report)
    again = intake.take(by="reporter", owner="anonymous:10.0.0.1", key="same", **report)
    other = intake.take(by="reporter", owner="anonymous:10.0.0.2", key="same", **report)
    assert again.case_id == first.case_id and again.result.duplicate and again.tracking_code is None
    assert other.case_id != first.case_id and other.tracking_code is not None
