"""The dashboard's warm-up fills the facts cache only with periods whose cases fit in it (issue 28):
a megacity's month would fill it only to empty it again, for pages that read the sums anyway; for
every store it reads the first part day of the period before (decision 0059) once."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from liandong.assessment.rules import load_rules
from liandong.assessment.service import FactsCache
from liandong.bootstrap import bootstrap
from liandong.domain.cases import commands as c
from liandong.services.clock import ManualClock
from liandong.web.dashboard import keep_warm, warm

NOW = datetime(2026, 11, 20, 2, 0, tzinfo=UTC)


def test_the_warm_up_reads_only_what_fits() -> None:
    platform = bootstrap(memory=True, clock=ManualClock(NOW - timedelta(days=2)))
    for street in ("320213001", "320213015", "320205001"):
        platform.bus().handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=(street,),
                                           description="夜间施工噪声扰民"))
    platform.clock = ManualClock(NOW)
    app = SimpleNamespace(state=SimpleNamespace(platform=platform, assessment_rules=load_rules()))
    small = FactsCache(capacity=5)  # room for two cases a period: the month's three do not fit
    warm(app, small)  # type: ignore[arg-type]
    assert small._streams == {}
    assert small.part_days.reads == 1  # the period before's first part day, for the pages from the sums
    roomy = FactsCache(capacity=100)
    warm(app, roomy)  # type: ignore[arg-type]
    assert len(roomy._streams) == 3
    assert roomy.part_days.reads == 1
    keep_warm(app, roomy)  # type: ignore[arg-type]  # the server's timer: nothing changed, nothing read
    assert roomy.part_days.reads == 1
    platform.clock = ManualClock(NOW + timedelta(days=1))  # after midnight: the new day read before a page
    keep_warm(app, roomy)  # type: ignore[arg-type]
    assert roomy.part_days.reads == 2
