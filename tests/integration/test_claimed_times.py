"""Times the platform vouches for (issue 22 point 3, decision 0030), on SQLite and PostgreSQL: an
event's time is the platform's clock at commit. A time given by a person (``--at``) is refused on a
live store; on a sandbox store (``liandong init --sandbox``) it is recorded beside the recorded time
as a claimed time — in the event and its leaf — and shown as one; KPIs and deadlines keep the
recorded time. A simulated clock is refused on a live store. Sandbox stores are marked wherever
they are read; a backdate written into the tables is caught by ``ledger verify``."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, text
from typer.testing import CliRunner

from liandong.assessment.facts import case_facts
from liandong.bootstrap import bootstrap
from liandong.cli import app
from liandong.cli.common import open_platform
from liandong.config import Settings
from liandong.domain.access import Principal
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.domain.roles import StaffRole
from liandong.domain.worktime import SHANGHAI
from liandong.server.app import create_app
from liandong.services import instruments as i
from liandong.services.clock import ManualClock, SystemClock
from liandong.web.case_view import case_view
from tests.factories.deployments import app_client, deployed, signed_in

runner = CliRunner()
REPORT = ["case", "report", "--matter", "social_life_noise", "--place", "320213001", "--text", "广场夜间噪声"]


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> tuple[list[str], str]:
    """The options naming one store (its data directory and database) and its URL."""
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    return ["--data-dir", str(tmp_path), "--database-url", url], url


def beijing(moment: str) -> datetime:
    return datetime.fromisoformat(moment).replace(tzinfo=SHANGHAI)


def test_at_on_a_live_store_is_refused_and_nothing_is_recorded(store: tuple[list[str], str]) -> None:
    d, url = store
    assert run("init", "--scope", "320213", *d)[0] == 0
    code, output = run(*REPORT, "--at", "2026-01-01T09:00", *d)
    assert code == 2, output
    said = " ".join(output.split())
    assert "这是正式库，不接受人为指定的事件时间" in said and "平台提交时的时钟" in said
    assert "liandong init --sandbox" in said and "请去掉 --at" in said  # why, and what is allowed
    code, output = run(*REPORT, "--at", "2026-01-01T09:00", "--lang", "en", *d)
    said = " ".join(output.split())
    assert code == 2 and "This is a live store" in said and "allowed only in a sandbox store" in said
    code, output = run("instrument", "issue", "--by", "320200-gov", "--kind", "directive", "--title", "批示",
                       "--scope", "320213", "--to", "320213-gov", "--at", "2026-01-01T09:00", *d)
    assert code == 2 and "这是正式库" in " ".join(output.split())
    code, output = run(*REPORT, "--at", "昨天", *d)
    assert code == 2 and "时间“昨天”格式不正确" in output
    platform = open_platform(url, Path(d[1]))
    with platform.uow() as uow:
        assert uow.case_reads.recent_ids(limit=10) == [] and uow.ledger.size() == 0
    code, output = run(*REPORT, *d)  # on the platform's clock it is taken in
    assert code == 0 and "受理" in output
    code, output = run("case", "show", output.split()[0], *d)
    assert code == 0 and "演练库" not in output and "申报时间" not in output


def test_a_simulated_clock_is_refused_on_a_live_store(store: tuple[list[str], str]) -> None:
    d, url = store
    assert run("init", "--scope", "320213", *d)[0] == 0
    settings = Settings(data_dir=Path(d[1]), database_url=url)
    platform = bootstrap(settings)
    clock = ManualClock(beijing("2026-03-02T09:00"))
    for build in (lambda: platform.bus(clock), lambda: platform.instruments(clock),
                  lambda: bootstrap(settings, clock=clock).bus()):
        with pytest.raises(DomainError) as refused:
            build()
        assert refused.value.code == "store.live_clock" and refused.value.params["clock"] == "ManualClock"
    with pytest.raises(DomainError) as refused:
        platform.bus(claimed_at=beijing("2026-03-02T09:00"))
    assert refused.value.code == "store.live_claimed_time"
    assert platform.bus().clock is platform.clock and isinstance(platform.clock, SystemClock)
    # the mode is the store's from its first initialisation on
    code, output = run("init", "--scope", "320213", "--sandbox", *d)
    assert code == 2 and "此库已作为正式库初始化" in " ".join(output.split())
    assert run("init", "--scope", "320213", *d)[0] == 0  # the same mode again: fine
    with platform.uow() as uow:
        assert uow.organisation.store_mode() == "live"


def test_a_store_made_before_modes_is_live_and_memory_is_a_sandbox(store: tuple[list[str], str]) -> None:
    d, url = store
    assert run("init", "--scope", "320213", *d)[0] == 0
    engine = create_engine(url)
    with engine.begin() as conn:  # as a store initialised by a release before decision 0030 is
        conn.execute(text("DELETE FROM store_setting"))
    engine.dispose()
    old = bootstrap(Settings(data_dir=Path(d[1]), database_url=url))
    assert not old.sandbox
    with pytest.raises(DomainError):
        old.bus(ManualClock(beijing("2026-03-02T09:00")))
    code, output = run("init", "--scope", "320213", "--sandbox", *d)
    assert code == 2 and "此库已作为正式库初始化" in " ".join(output.split())
    memory = bootstrap(memory=True)  # nothing in memory outlives its process: a sandbox by construction
    assert memory.sandbox and memory.bus(ManualClock(beijing("2026-03-02T09:00"))) is not None


def test_a_sandbox_store_cannot_become_live(tmp_path: Path) -> None:
    d = ["--data-dir", str(tmp_path)]
    assert run("init", "--scope", "320213", "--sandbox", *d)[0] == 0
    code, output = run("init", "--scope", "320213", *d, "--lang", "en")
    assert code == 2 and "cannot become a live store" in " ".join(output.split())


def test_at_on_a_sandbox_store_is_claimed_beside_the_recorded_time(store: tuple[list[str], str]) -> None:
    d, url = store
    code, output = run("init", "--scope", "320213", "--sandbox", *d)
    assert code == 0 and "演练库" in output
    before = SystemClock().now()
    code, output = run(*REPORT, "--at", "2026-01-01T09:00", *d)
    assert code == 0, output
    cid = output.split()[0]
    assert run("case", "dispatch", cid, "--by", "320200-gov", *d)[0] == 0
    code, output = run("case", "show", cid, *d)
    assert code == 0
    said = " ".join(output.split())
    assert "演练库：本库以 liandong init --sandbox 初始化" in said  # never mistaken for a live record
    assert "申报时间" in said and "2026-01-01 09:00" in said
    code, output = run("case", "show", cid, "--lang", "en", *d)
    assert "Sandbox store" in " ".join(output.split()) and "Claimed time" in output

    platform = open_platform(url, Path(d[1]))
    assert platform.sandbox
    found = platform.queries().with_events(cid)
    assert found is not None
    reported, routed = found[1][0], found[1][1]
    assert reported.claimed_at == beijing("2026-01-01T09:00") and routed.claimed_at is None
    assert before <= reported.at <= SystemClock().now()  # recorded on the platform's clock
    assert found[0].record.received_at == reported.at  # the record keeps the recorded time
    with platform.uow() as uow:
        leaves = [json.loads(leaf) for _, leaf in uow.ledger.entries_of_case(cid)]
    assert leaves[0]["event"]["claimed_at"] == "2026-01-01T01:00:00.000000Z"  # in the leaf, signed
    assert "claimed_at" not in leaves[1]["event"]  # no claim: the payload as it always was
    code, output = run("ledger", "verify", *d, "--lang", "en")
    assert code == 0 and "verified" in output, output

    # the case page shows the claim beside the recorded time; every page and /healthz the sandbox
    admin = Principal("a1", "admin", frozenset({StaffRole.ADMINISTRATOR}), "320200-gov")
    view = case_view(platform, admin, found[0].record, found[1], {}, "zh")
    claims = [step["claimed"] for step in view["timeline"]]
    assert claims[0] == "申报时间 2026-01-01 09:00" and claims[1:] == ["", ""]
    assert view["timeline"][0]["at"] != "2026-01-01 09:00"
    client = TestClient(create_app(Settings(data_dir=Path(d[1]), database_url=url), platform),
                        base_url="http://127.0.0.1")
    assert client.get("/healthz").json() == {"status": "ok", "store": "sandbox"}
    page = client.get("/portal")
    assert page.status_code == 200 and 'id="sandbox-banner"' in page.text and "演练库" in page.text
    assert "Sandbox store" in client.get("/portal?lang=en").text


def test_the_case_page_shows_the_claim_and_the_sandbox(tmp_path: Path) -> None:
    """The rendered page, as a team member reads it: the claim under the recorded time, the banner."""
    settings = Settings(data_dir=tmp_path)
    people = {"lead": ("320213-urban_management", ["handler"])}
    platform = deployed(settings, ("320213",), people, sandbox=True)
    bus = platform.bus(claimed_at=beijing("2026-01-01T09:00"))
    streets = ("320213001", "320213015")  # two streets: the district leads
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=streets,
                                  description="广场夜间噪声")).case_id
    platform.bus().handle(c.DispatchCase(by="320200-gov", case_id=cid))
    client = app_client(settings, platform)
    token = signed_in(client, people)["lead"]["Authorization"].removeprefix("Bearer ")
    client.cookies.set("ld_session", token)
    page = client.get(f"/work/cases/{cid}")
    assert page.status_code == 200, page.text
    assert '<span class="claimed">申报时间 2026-01-01 09:00</span>' in page.text
    assert page.text.count('class="claimed"') == 1 and 'id="sandbox-banner"' in page.text
    english = client.get(f"/work/cases/{cid}?lang=en").text
    assert '<span class="claimed">claimed 2026-01-01 09:00</span>' in english


def test_kpis_and_deadlines_use_the_recorded_time_not_the_claimed_one(store: tuple[list[str], str]) -> None:
    """The case of the issue: an acknowledgement claimed ten minutes after dispatch but recorded three
    days later is late, and the chain has urged it; the claim changes neither."""
    d, url = store
    assert run("init", "--scope", "320213", "--sandbox", *d)[0] == 0
    platform = bootstrap(Settings(data_dir=Path(d[1]), database_url=url))
    t0 = beijing("2026-03-02T09:00")
    clock = ManualClock(t0)
    bus = platform.bus(clock)  # a simulated clock: a sandbox's
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                  description="噪声")).case_id
    bus.handle(c.DispatchCase(by="320200-gov", case_id=cid))
    clock.advance(timedelta(days=3))
    assert bus.sweep() > 0  # the acknowledgement deadline passed: the chain fired on recorded time
    late = platform.bus(clock, claimed_at=t0 + timedelta(minutes=10))
    case = platform.queries().with_events(cid)
    assert case is not None
    late.handle(c.AcknowledgeCase(by=case[0].record.lead, case_id=cid))
    events = platform.queries().with_events(cid)[1]  # type: ignore[index]
    ack = events[-1]
    assert type(ack).__name__ == "CaseAcknowledged"
    assert ack.at == clock.now() and ack.claimed_at == t0 + timedelta(minutes=10)
    facts = case_facts(cid, events, clock.now(), platform.hierarchy)
    assert facts is not None
    assert facts.count("ack_due") == 1 and facts.count("ack_in_time") == 0  # late, whatever it claims
    with pytest.raises(DomainError) as refused:  # a claim after the recorded time names both
        platform.bus(clock, claimed_at=clock.now() + timedelta(hours=1)).handle(
            c.StartHandling(by=case[0].record.lead, case_id=cid))
    assert refused.value.code == "time.claimed_after_recorded"
    assert refused.value.params["recorded"].startswith("2026-03-05 09:00")


def test_a_claimed_time_on_an_instrument(tmp_path: Path) -> None:
    d = ["--data-dir", str(tmp_path)]
    assert run("init", "--scope", "320213", "--sandbox", *d)[0] == 0
    due = (SystemClock().now() + timedelta(days=2)).astimezone(SHANGHAI).strftime("%Y-%m-%dT18:00")
    code, output = run("instrument", "issue", "--by", "320200-gov", "--kind", "directive", "--title", "批示",
                       "--scope", "320213", "--to", "320213-gov", "--due", due,
                       "--at", "2026-01-01T09:00", *d)
    assert code == 0, output
    platform = open_platform(None, tmp_path)
    issued = platform.instrument_queries().with_events(output.split()[0])[1][0]
    assert issued.claimed_at == beijing("2026-01-01T09:00") and issued.at > issued.claimed_at
    assert isinstance(platform.instruments(claimed_at=issued.claimed_at), i.InstrumentBus)
    code, output = run("instrument", "show", issued.instrument_id, *d)
    assert code == 0 and "演练库" in output and "申报时间 2026-01-01 09:00" in output


def test_a_backdate_written_into_the_tables_is_caught_and_located(store: tuple[list[str], str]) -> None:
    """Whoever holds the file edits a time (the column and the payload alike) or strips a claim (a
    claimed time passed off as recorded): ``ledger verify`` names the case, version and field."""
    d, url = store
    assert run("init", "--scope", "320213", "--sandbox", *d)[0] == 0
    code, output = run(*REPORT, "--at", "2026-01-01T09:00", *d)
    cid = output.split()[0]
    assert run("case", "dispatch", cid, "--by", "320200-gov", *d)[0] == 0
    assert run("ledger", "verify", *d)[0] == 0
    engine = create_engine(url)

    def sql(statement: str, **params: object) -> None:
        with engine.begin() as conn:
            conn.execute(text(statement), params)

    with engine.connect() as conn:
        row = conn.execute(text("SELECT at, payload FROM case_event WHERE case_id = :c AND case_version = 1"),
                           {"c": cid}).one()
    payload = json.loads(row.payload)
    # the recorded time moved back in the payload and the column together
    backdated = dict(payload, at="2025-12-31T01:00:00.000000Z")
    stamp = "2025-12-31 01:00:00.000000" if url.startswith("sqlite") else "2025-12-31T01:00:00+00:00"
    sql("UPDATE case_event SET at = :a, payload = :p WHERE case_id = :c AND case_version = 1",
        a=stamp, p=json.dumps(backdated, ensure_ascii=False, separators=(",", ":"), sort_keys=True), c=cid)
    code, output = run("ledger", "verify", *d, "--lang", "en")
    assert code == 1 and f"case {cid} version 1" in output and "field at" in output, output
    assert "found 2025-12-31T01:00:00.000000Z" in output
    # the claim stripped: the event would read as recorded then
    stripped = {k: v for k, v in payload.items() if k != "claimed_at"}
    sql("UPDATE case_event SET at = :a, payload = :p WHERE case_id = :c AND case_version = 1",
        a=row.at, p=json.dumps(stripped, ensure_ascii=False, separators=(",", ":"), sort_keys=True), c=cid)
    code, output = run("ledger", "verify", *d, "--lang", "en")
    assert code == 1 and f"case {cid} version 1" in output and "field claimed_at" in output, output
    sql("UPDATE case_event SET payload = :p WHERE case_id = :c AND case_version = 1", p=row.payload, c=cid)
    assert run("ledger", "verify", *d)[0] == 0
    engine.dispose()


def test_events_stored_without_a_claim_read_as_before() -> None:
    """A payload written before claims existed has no ``claimed_at``: it decodes to no claim, and an
    event without one encodes to exactly the members it always had (its leaf's bytes unchanged)."""
    from liandong.domain.cases.events import CaseDispatched, from_payload, to_payload

    old = {"type": "CaseDispatched", "case_id": "0190c", "at": "2026-03-02T01:05:00.000000Z",
           "actor": "320200-gov", "lead": "320213-urban_management", "ack_due": "2026-03-02T03:05:00.000000Z",
           "due": "2026-03-11T09:30:00.000000Z", "limit": "7wd"}
    event = from_payload(old)
    assert isinstance(event, CaseDispatched) and event.claimed_at is None
    assert to_payload(event) == old and list(to_payload(event)) == list(old)
    assert datetime(2026, 3, 2, 1, 5, tzinfo=UTC) == event.at
