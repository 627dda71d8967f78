"""考核结果固化 (issue 28, decision 0058): a period's assessment read from its snapshot gives today's
figures, groups, rankings, attributions and accountability, for the root and every scope under it,
on every back-end — an ended period as it stood at its end, one in progress as it stood when the
snapshot was taken (within the hour); a scope outside the root, a stale snapshot and rules with
exclusions are assessed from the store; a snapshot made again replaces the old one.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from liandong.assessment.frozen import (
    FrozenAssessment,
    Snapshots,
    freeze_due,
    frozen_assessment,
    month_in_progress,
)
from liandong.assessment.periods import last_whole_month, parse_period
from liandong.assessment.rules import AssessmentRules, PilotRule, load_rules
from liandong.assessment.service import GROUPS, Assessment, FactsCache
from liandong.assessment.stored import assess_stored
from liandong.bootstrap import bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.domain.access import Principal
from liandong.domain.cases import commands as c
from liandong.domain.hierarchy import Level
from liandong.domain.roles import StaffRole
from liandong.domain.worktime import SHANGHAI
from liandong.server.app import create_app
from liandong.server.app import freeze_due as freeze_due_in_a_process
from liandong.services.accounts import create_account
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from tests.factories.assessment import START, fill_month
from tests.factories.cases import CENTRE
from tests.factories.interleavings import RULES, H

ROOT = "320200"  # 无锡市
SCOPES = (ROOT, "320213", "320205", "320213001")  # the city, 梁溪区, 锡山区, a street of 梁溪
CUTOFF = load_rules().period.cutoff_day  # the shipped rules' month ends on its cut-off day
APRIL = parse_period("2026-04", cutoff=CUTOFF)
NOW = APRIL.end + timedelta(days=3, hours=2)


@pytest.fixture
def two_months(uow_factory: Callable[[], UnitOfWork]) -> Callable[[], UnitOfWork]:
    """The factories' month twice: from 2 March and from 2 April 2026 (the period and the one before)."""
    for prefix, start in (("C", START), ("D", START + timedelta(days=31))):
        counter = iter(range(1, 1000))
        bus = MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(start),
                         new_id=lambda p=prefix, n=counter: f"{p}{next(n):03d}")  # type: ignore[misc]
        fill_month(bus)
    return uow_factory


def leader(scope: str) -> Principal:
    return Principal("l", "leader", frozenset({StaffRole.LEADER}), f"{scope}-gov")


def today(uow: Callable[[], UnitOfWork], scope: str, rules: AssessmentRules, now: datetime = NOW,
          ) -> Assessment:
    return assess_stored(FactsCache(), uow, H, APRIL, now, rules, principal=leader(ROOT), scope=scope)


def same(a: Assessment, b: Assessment, scope: str) -> None:
    level = H.get(scope).level
    assert a.total(scope).as_dict() == b.total(scope).as_dict()
    for by in GROUPS:
        if by in ("province", "city", "county", "township") and \
                Level[by.upper()] <= level:  # only the levels below the scope
            continue
        assert {k: f.as_dict() for k, f in a.groups(scope, by).items()} == \
            {k: f.as_dict() for k, f in b.groups(scope, by).items()}, by
        assert {k: f.as_dict() for k, f in a.groups(scope, by, "previous").items()} == \
            {k: f.as_dict() for k, f in b.groups(scope, by, "previous").items()}, by
        assert a.ranking(scope, by) == b.ranking(scope, by), by
    assert a.department_ranking(scope, Level.COUNTY, None) == b.department_ranking(scope, Level.COUNTY, None)
    assert a.attributions(scope) == b.attributions(scope)
    x, y = a.accountability(scope), b.accountability(scope)
    assert (x.cases, x.tolerated) == (y.cases, y.tolerated) and x.default_by_stage == y.default_by_stage
    for mine, theirs in ((x.by_party, y.by_party), (x.by_stage, y.by_stage), (x.by_kind, y.by_kind)):
        assert mine.keys() == theirs.keys()
        assert all(math.isclose(mine[k], theirs[k], rel_tol=1e-12) for k in mine)
    assert (x.fairness is None) == (y.fairness is None)
    assert x.fairness is None or y.fairness is None or math.isclose(x.fairness, y.fairness, rel_tol=1e-12)


def test_a_frozen_month_gives_todays_figures(two_months: Callable[[], UnitOfWork], tmp_path: Path) -> None:
    rules = load_rules()
    snaps = Snapshots(tmp_path / "assessment")
    assert frozen_assessment(snaps, H, APRIL, NOW, rules, ROOT) is None  # nothing kept yet
    made = freeze_due(snaps, two_months, H, (ROOT,), NOW, rules)
    assert [f.period.label for f in made] == ["2026-03", "2026-04"] and [f.cases for f in made] == [7, 7]
    assert freeze_due(snaps, two_months, H, (ROOT,), NOW, rules) == []  # kept: not made again
    for scope in SCOPES:
        frozen = frozen_assessment(snaps, H, APRIL, NOW, rules, scope)
        assert isinstance(frozen, FrozenAssessment) and frozen.made_at == NOW
        live = today(two_months, scope, rules)
        try:
            assert frozen.total(scope).counts["received"] > 0
            same(frozen, live, scope)
        finally:
            frozen.close()
            live.close()
    # a sanctioned pilot in 梁溪 (容错): its adverse cases are tolerated, in the snapshot as in the store
    pilot = PilotRule(name="梁溪试点", scope="320213", start=date(2026, 1, 1), end=date(2026, 12, 31))
    piloted = rules.model_copy(update={"pilots": (pilot,)})
    freeze_due(snaps, two_months, H, (ROOT,), NOW, piloted)
    frozen, live = frozen_assessment(snaps, H, APRIL, NOW, piloted, ROOT), today(two_months, ROOT, piloted)
    assert frozen is not None
    try:
        assert frozen.accountability(ROOT).tolerated == live.accountability(ROOT).tolerated > 0
        same(frozen, live, ROOT)
        same(frozen, live, "320213")
    finally:
        frozen.close()
        live.close()
    assert frozen_assessment(snaps, H, APRIL, NOW, rules, "320000") is None  # the province: outside the root
    june = parse_period("2026-06", cutoff=CUTOFF)
    assert frozen_assessment(snaps, H, june, NOW, rules, ROOT) is None  # not begun
    fair = rules.model_copy(update={"exclusions": rules.exclusions.model_copy(update={"enabled": True})})
    assert frozen_assessment(snaps, H, APRIL, NOW, fair, ROOT) is None
    assert freeze_due(snaps, two_months, H, (ROOT,), NOW, fair) == []


def test_a_snapshot_made_again_replaces_the_old(two_months: Callable[[], UnitOfWork], tmp_path: Path) -> None:
    rules = load_rules()
    snaps = Snapshots(tmp_path / "assessment")
    first = snaps.freeze(two_months, H, ROOT, APRIL, rules, NOW)
    later = NOW + timedelta(days=2)
    again = snaps.freeze(two_months, H, ROOT, APRIL, rules, later)
    assert again.folder == first.folder and again.made_at == later and again.cases == 7
    assert sorted(p.name for p in first.folder.parent.iterdir()) == [first.folder.name]  # nothing left over
    with pytest.raises(ValueError, match="cannot be frozen"):
        snaps.freeze(two_months, H, ROOT, parse_period("2026-06", cutoff=CUTOFF), rules, NOW)


# -- a live store: the page reads the snapshot, and says since when ---------------------------------
def _page(client: Any, period: str) -> tuple[dict[str, Any], str, str]:
    """The chart's data, the page's main part without the snapshot's note, and the note."""
    page = client.get("/work/assessment", params={"scope": ROOT, "period": period, "by": "county"})
    assert page.status_code == 200, page.text
    found = re.search(r'<script type="application/json" id="assessment-data">(.*?)</script>', page.text, re.S)
    main = re.search(r"<main.*</main>", page.text, re.S)
    assert found and main, "no embedded assessment data"
    note = re.search(r'<p class="muted" id="(?:frozen|taken)">(.*?)</p>\n?', main.group(0))
    rest = main.group(0).replace(note.group(0), "") if note else main.group(0)
    rest = "\n".join(line for line in re.sub(r' nonce="[^"]*"', "", rest).splitlines() if line.strip())
    return json.loads(found.group(1)), rest, note.group(1) if note else ""


def test_the_page_reads_the_snapshot_of_a_live_store(tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'live.sqlite3'}"
    done = CliRunner().invoke(cli, ["init", "--scope", ROOT, "--database-url", url,
                                    "--data-dir", str(tmp_path)])
    assert done.exit_code == 0, done.output
    settings = Settings(database_url=url, data_dir=tmp_path)
    writer = bootstrap(settings)  # a live store records at the system's time
    reader = bootstrap(settings)
    try:
        assert not writer.sandbox
        for street in ("320213001", "320213015", "320205001"):
            case = writer.bus().handle(c.ReportCase(by="reporter", matter="social_life_noise",
                                                    affected=(street,), description="夜间施工噪声扰民"))
            writer.bus().handle(c.DispatchCase(by=CENTRE, case_id=case.case_id))
        rules = load_rules()
        real = datetime.now(UTC)
        month = next(p for d in range(20, 80)  # the assessment month of today
                     if (p := last_whole_month(real + timedelta(days=d), CUTOFF)).start <= real)
        reader.clock = ManualClock(month.end + timedelta(hours=2))  # the month has ended: it may be frozen
        with reader.uow() as uow:
            create_account(uow=uow, username="wuxi_leader", password="password-1", department=f"{ROOT}-gov",
                           roles=("leader",), now=real)
            uow.commit()
        # no lifespan: no timer freezes anything
        client = TestClient(create_app(settings, reader), base_url="http://127.0.0.1")
        token = client.post("/api/auth/token", json={"username": "wuxi_leader", "password": "password-1"})
        assert token.status_code == 200, token.text
        client.cookies.set("ld_session", token.json()["access_token"])
        chart, live, note = _page(client, month.label)
        assert note == "" and re.search(r'data-key="320213">.*?<td class="num">2</td>', live, re.S)

        snaps = Snapshots(tmp_path / "assessment")
        made = freeze_due(snaps, reader.reads, H, reader.served(), reader.clock.now(), rules, running_from=0)
        assert [m.cases for m in made] == [0, 3, 0] and made[1].period.label == month.label
        chart_frozen, frozen, note = _page(client, month.label)
        stamp = f"{reader.clock.now().astimezone(SHANGHAI):%Y-%m-%d %H:%M}"
        assert note.startswith(f"本期考核结果已于 {stamp}（北京时间）固化")
        assert (chart_frozen, frozen) == (chart, live)  # the same page, read from the snapshot
        running = month_in_progress(reader.clock.now(), CUTOFF)
        _, _, note = _page(client, running.label)
        assert note == f"本期尚未结束：数据截至 {stamp}（北京时间），每小时更新。"
    finally:
        writer.close()
        reader.close()


def test_freezing_is_refused_where_it_cannot_hold(tmp_path: Path) -> None:
    url = f"sqlite+pysqlite:///{tmp_path / 'live.sqlite3'}"
    base = ["--database-url", url, "--data-dir", str(tmp_path)]
    assert CliRunner().invoke(cli, ["init", "--scope", ROOT, *base]).exit_code == 0
    month = last_whole_month(datetime.now(UTC) + timedelta(days=62), CUTOFF)  # not begun yet
    refused = CliRunner().invoke(cli, ["report", "freeze", "--period", month.label, *base])
    assert refused.exit_code != 0 and f"考核周期自 {month.first_day} 起，尚未开始" in refused.output
    sandbox = tmp_path / "sandbox"
    url = f"sqlite+pysqlite:///{tmp_path / 'sandbox.sqlite3'}"
    assert CliRunner().invoke(cli, ["init", "--sandbox", "--scope", ROOT, "--database-url", url,
                                    "--data-dir", str(sandbox)]).exit_code == 0
    refused = CliRunner().invoke(cli, ["report", "freeze", "--database-url", url, "--data-dir", str(sandbox),
                                       "--lang", "en"])
    assert refused.exit_code != 0 and "sandbox store" in refused.output and "never frozen" in refused.output
    done = CliRunner().invoke(cli, ["report", "freeze", *base])  # what is due
    assert done.exit_code == 0, done.output
    assert done.output.count("已固化") == 2 and "案件 0 件" in done.output  # the two months before this
    again = CliRunner().invoke(cli, ["report", "freeze", *base])
    assert again.exit_code == 0 and "没有到期需固化的考核周期" in again.output


def test_the_month_in_progress_as_it_stood(two_months: Callable[[], UnitOfWork], tmp_path: Path) -> None:
    """A snapshot of April taken on 8 April (the month's cases still being handled: events after it
    are in the store) gives the page as it stood then, for an hour."""
    rules = load_rules()
    snaps = Snapshots(tmp_path / "assessment")
    then = datetime(2026, 4, 8, 3, 30, tzinfo=UTC)
    assert APRIL.start < then < APRIL.end
    assert [f.period.label for f in freeze_due(snaps, two_months, H, (ROOT,), then, rules)] == [
        "2026-02", "2026-03"]  # seven cases so far: April is assessed from the store, current to the minute
    made = freeze_due(snaps, two_months, H, (ROOT,), then, rules, running_from=7)  # a busy month
    assert [f.period.label for f in made] == ["2026-04"] and made[-1].cases == 7
    frozen = frozen_assessment(snaps, H, APRIL, then + timedelta(minutes=20), rules, ROOT)
    assert isinstance(frozen, FrozenAssessment)
    live = today(two_months, ROOT, rules, then)
    try:
        same(frozen, live, ROOT)
        final = today(two_months, ROOT, rules)
        assert frozen.total(ROOT).as_dict() != final.total(ROOT).as_dict()  # what happened since shows later
        final.close()
    finally:
        frozen.close()
        live.close()
    assert frozen_assessment(snaps, H, APRIL, then + timedelta(minutes=61), rules, ROOT) is None  # stale
    early = then - timedelta(minutes=1)
    assert frozen_assessment(snaps, H, APRIL, early, rules, ROOT) is None  # not taken yet
    soon, later = then + timedelta(minutes=59), then + timedelta(minutes=61)
    assert freeze_due(snaps, two_months, H, (ROOT,), soon, rules, running_from=7) == []
    again = freeze_due(snaps, two_months, H, (ROOT,), later, rules, running_from=7)
    assert [f.period.label for f in again] == ["2026-04"]  # each hour


def test_the_server_freezes_in_a_process_of_its_own(tmp_path: Path) -> None:
    """What the server's hourly timer runs: ``liandong report freeze`` in a child process, on the
    server's store and rules; a sandbox store is left alone."""
    url = f"sqlite+pysqlite:///{tmp_path / 'live.sqlite3'}"
    assert CliRunner().invoke(cli, ["init", "--scope", ROOT, "--database-url", url,
                                    "--data-dir", str(tmp_path)]).exit_code == 0
    settings = Settings(database_url=url, data_dir=tmp_path)
    platform = bootstrap(settings)
    try:
        platform.bus().handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                           description="夜间施工噪声扰民"))
        freeze_due_in_a_process(platform, settings)
        folders = sorted((tmp_path / "assessment" / ROOT).iterdir())
        assert len(folders) == 2 and all((f / "meta.json").exists() for f in folders)  # the months before
        last = last_whole_month(datetime.now(UTC), CUTOFF)
        found = Snapshots(tmp_path / "assessment").get(ROOT, last, load_rules())
        assert found is not None and found.cases == 0 and found.as_of == last.end
    finally:
        platform.close()
