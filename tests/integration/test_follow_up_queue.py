"""The 回访 queue (issue 23 point 3): calls that do not reach the reporter are tried again up to the
policy's attempts, then end as not contacted; a fixed sample of followed-up cases is verified by a
second call that does not see the first rating; the centre records both from one page."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.cases.waiting import sampled_for_verification
from liandong.domain.errors import DomainError
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.deployments import app_client, deployed, signed_in

RULES = Rules(Router(national_hierarchy(), default_catalogue()), ChineseWorkCalendar(), CasePolicy())
CENTRE, STREET = "320200-gov", "320213001"
START = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def resolved_case(bus: MessageBus) -> str:
    case_id = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=(STREET,),
                                      description="垃圾未清运", reporter_name="王五",
                                      reporter_phone="13900001111")).case_id
    bus.handle(c.DispatchCase(by=CENTRE, case_id=case_id))
    with bus.uow() as uow:
        record = uow.cases.get(case_id).record  # type: ignore[union-attr]
    bus.handle(c.AcknowledgeCase(by=record.lead, case_id=case_id))
    for assist in record.pending_assists():
        bus.handle(c.ReportAssist(by=assist, case_id=case_id, summary="已配合"))
    bus.handle(c.ResolveCase(by=record.lead, case_id=case_id, summary="已清运"))
    return case_id


@pytest.fixture
def bus(uow_factory: Callable[[], UnitOfWork]) -> MessageBus:
    counter = iter(range(1, 10_000))
    return MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(START),
                      new_id=lambda: f"F{next(counter):06d}")


def state(bus: MessageBus, case_id: str):
    with bus.uow() as uow:
        return uow.cases.get(case_id).record  # type: ignore[union-attr]


def test_unreached_calls_are_tried_again_then_end_as_not_contacted(bus: MessageBus) -> None:
    case_id = resolved_case(bus)
    r = state(bus, case_id)  # 回访 is due within the policy's working days of 办结, by the calendar
    assert r.resolved_at is not None
    days = RULES.policy.follow_up_working_days
    assert r.follow_up_due == RULES.calendar.deadline(r.resolved_at, days, "wd")
    for attempt in (1, 2):
        bus.handle(c.FollowUpCase(by=CENTRE, case_id=case_id, contacted=False, rating="none"))
        r = state(bus, case_id)
        assert (r.state.value, r.follow_up_attempts) == ("resolved", attempt)
        with bus.uow() as uow:  # still in the queue, now ordered by the last attempt
            (row,) = uow.duties.waiting_on(CENTRE)
        assert row.duty.kind.value == "follow_up" and row.duty.since == r.last_attempt_at
        assert row.duty.due == r.follow_up_due  # another call does not move the deadline
    bus.handle(c.FollowUpCase(by=CENTRE, case_id=case_id, contacted=False, rating="none"))
    r = state(bus, case_id)
    assert (r.state.value, r.rating) == ("followed_up", "none")  # the third: not contacted, no rating
    with bus.uow() as uow:
        events = [type(e).__name__ for e in uow.cases.events(case_id)]
    assert events[-3:] == ["FollowUpAttempted", "FollowUpAttempted", "CaseFollowedUp"]


def test_a_sampled_case_is_verified_once_by_a_second_call(bus: MessageBus) -> None:
    cases = [resolved_case(bus) for _ in range(30)]
    sampled = [x for x in cases if sampled_for_verification(x)]
    other = next(x for x in cases if not sampled_for_verification(x))
    assert 0 < len(sampled) < len(cases)  # about one in ten, drawn from the id
    first = sampled[0]
    bus.handle(c.FollowUpCase(by=CENTRE, case_id=first, rating="satisfied"))
    bus.handle(c.FollowUpCase(by=CENTRE, case_id=other, rating="satisfied"))
    with bus.uow() as uow:
        rows = uow.duties.waiting_on(CENTRE)
    verify = [w.duty for w in rows if w.duty.kind.value == "verify_follow_up"]
    assert [d.subject_id for d in verify] == [first]
    followed = state(bus, first).followed_up_at
    assert followed is not None and verify[0].due == RULES.calendar.deadline(
        followed, RULES.policy.verify_working_days, "wd")  # 回访核实 has a deadline of its own
    assert state(bus, other).verify_due is None  # outside the sample: nothing to verify
    with pytest.raises(DomainError, match=r"case\.not_sampled"):
        bus.handle(c.VerifyFollowUp(by=CENTRE, case_id=other, rating="satisfied"))
    bus.handle(c.VerifyFollowUp(by=CENTRE, case_id=first, rating="unsatisfied"))
    with bus.uow() as uow:
        event = uow.cases.events(first)[-1]
        assert not [w for w in uow.duties.waiting_on(CENTRE) if w.duty.kind.value == "verify_follow_up"]
    assert (type(event).__name__, event.agrees, event.rating) == ("FollowUpVerified", False, "unsatisfied")
    with pytest.raises(DomainError, match=r"case\.already_verified"):
        bus.handle(c.VerifyFollowUp(by=CENTRE, case_id=first, rating="satisfied"))


def test_the_centre_records_follow_ups_from_its_queue(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path)
    people = {"centre": (CENTRE, ["dispatcher"]), "street": ("320213001-urban_management", ["handler"])}
    platform = deployed(settings, ("320213",), people, sandbox=True)  # history on a simulated clock
    bus = platform.bus(ManualClock(START))
    cases = [resolved_case(bus) for _ in range(12)]
    client = app_client(settings, platform)
    tokens = signed_in(client, people)
    client.cookies.set("ld_session", tokens["centre"]["Authorization"].removeprefix("Bearer "))
    page = client.get("/work/followups")
    assert page.status_code == 200 and all(x in page.text for x in cases)
    assert "未联系上" in page.text and "满意" in page.text

    def record(case_id: str, rating: str, tab: str = "calls", **extra: str):
        current = client.get("/work/followups", params={"tab": tab})
        csrf = re.search(r'name="csrf" value="([^"]+)"', current.text).group(1)  # type: ignore[union-attr]
        row = current.text[current.text.index(f'data-case="{case_id}"'):]
        version = re.search(r'name="version" value="(\d+)"', row).group(1)  # type: ignore[union-attr]
        return client.post(f"/work/followups/{case_id}", data={"csrf": csrf, "tab": tab, "rating": rating,
                                                                "version": version, **extra},
                           follow_redirects=False)

    answer = record(cases[0], "unreached")
    assert answer.status_code == 303 and "/work/followups" in answer.headers["location"]
    again = client.get(answer.headers["location"])
    assert "已拨打 1 次（最多 3 次）" in again.text  # still queued, one attempt made
    assert record(cases[1], "satisfied").status_code == 303
    assert cases[1] not in client.get("/work/followups").text
    bad = record(cases[2], "delighted")
    assert bad.status_code == 422 and "满意、基本满意、不满意、未联系上" in bad.text
    sampled = [x for x in [cases[1], *cases[3:]] if sampled_for_verification(x)]  # every one followed up
    for case_id in cases[3:]:
        assert record(case_id, "basically_satisfied").status_code == 303
    verify = client.get("/work/followups", params={"tab": "verify"})
    shown = set(re.findall(r'<tr data-case="([^"]+)"', verify.text))
    assert shown == set(sampled)
    before_form = verify.text.split('id="queue"')[-1].split("<form")[0]
    assert "基本满意" not in before_form  # the first rating is not shown to the second caller
    client.cookies.set("ld_session", tokens["street"]["Authorization"].removeprefix("Bearer "))
    assert client.get("/work/followups").status_code == 403
