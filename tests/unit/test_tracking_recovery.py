"""找回查询码, the service on a memory store and a virtual clock: a one-time code answers only its
challenge, only for its phone and only in time; new codes follow the phone's latest cases."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from liandong.adapters.notify import SmsLogGateway
from liandong.bootstrap import bootstrap
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.services.clock import ManualClock
from liandong.services.recovery import CASES, TrackingRecovery


def test_a_code_answers_its_challenge_in_time_only(tmp_path: Path) -> None:
    clock = ManualClock(datetime(2026, 12, 6, 8, 0, tzinfo=UTC))
    platform = bootstrap(memory=True, clock=clock)
    bus = platform.bus()
    ids = [bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=("320213001",),
                                   description=f"垃圾 {n}", reporter_phone="139 0000 1111")).case_id
           for n in range(CASES + 2)]
    log = tmp_path / "sms.log"
    recovery = TrackingRecovery(uow=platform.uow, sms=SmsLogGateway(log), clock=clock, secret=platform.secret)
    challenge = recovery.request("13900001111")
    code = re.search(r"验证码 (\d{6})", json.loads(log.read_text(encoding="utf-8"))["text"])
    assert code is not None
    with pytest.raises(DomainError, match=r"recovery\.bad_code"):
        recovery.verify("13700002222", code.group(1), challenge)  # another phone
    found = recovery.verify("13900001111", code.group(1), challenge)
    assert [f.case_id for f in found] == list(reversed(ids))[:CASES]  # the latest, newest first
    assert all(platform.queries().tracked(f.tracking_code) == f.case_id for f in found)
    clock.advance(timedelta(minutes=11))
    with pytest.raises(DomainError, match=r"recovery\.bad_code"):
        recovery.verify("13900001111", code.group(1), challenge)
    with pytest.raises(DomainError, match=r"recovery\.bad_phone"):
        recovery.request("")
