"""National roll-ups without personal data (issue 27 point 5) on real nats-server processes, on SQLite
and PostgreSQL: Jiangsu and Zhejiang publish a day's per-unit facts; the centre's ranking equals the
one computed over both stores directly; a day published again replaces its figures; the same figures
again are sent once; no personal data in the bytes of a message; the centre's reference-data versions
reach the provinces, and an older one is refused with the reason kept."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from liandong.adapters.sql.tables_federation import federation_outbox
from liandong.assessment.stored import period_facts
from liandong.domain.cases import commands as c
from liandong.domain.worktime import SHANGHAI
from liandong.federation.node import FederationNode
from liandong.federation.rollup import (
    day_bounds,
    kpis,
    national,
    publish_day,
    publish_reference,
    reference_state,
)
from tests.support.federation import CENTRE, Federation, federation, federation_on, until

JIANGSU, ZHEJIANG = "320000", "330000"
NAME, PHONE, TEXT = "王小明", "13912345678", "河道漂浮大量垃圾，气味刺鼻"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def fed(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Federation]:
    with federation_on(request, tmp_path, "liandong_fedr") as federated:
        yield federated


def report(node: FederationNode, place: str) -> str:
    return node.platform.bus().handle(c.ReportCase(
        by="reporter", matter="water_pollution", affected=(place,), description=TEXT,
        reporter_name=NAME, reporter_phone=PHONE)).case_id


def today(node: FederationNode) -> date:
    return node.platform.clock.now().astimezone(SHANGHAI).date()


def deliver(fed: Federation, to: FederationNode, expected: int) -> None:
    seen = {"n": 0}

    def enough() -> bool:
        for node in fed.nodes.values():
            node.relay_once()
        r = to.receive_once(wait=0.3)
        seen["n"] += r.recorded + r.refused
        return seen["n"] >= expected

    until(enough, deadline=30, say=f"{expected} messages at {to.me}")


def direct(fed: Federation, day: date) -> dict[str, dict[str, float]]:
    """Per province, the counts of its cases received on ``day`` read from its own store (each case
    here has one place, so in one county)."""
    start, end = day_bounds(day)
    out: dict[str, dict[str, float]] = {}
    for scope in (JIANGSU, ZHEJIANG):
        p = fed.nodes[scope].platform
        sums: dict[str, float] = defaultdict(float)
        for f in period_facts(p.uow, p.hierarchy, start, end, min(end, p.clock.now()), scope=scope):
            for name, value in f.counts.items():
                sums[name] += value
        out[scope] = dict(sums)
    return out


def payloads(node: FederationNode) -> list[bytes]:
    with node.platform.uow() as uow:
        t = federation_outbox
        rows = uow.connection.execute(select(t.c.subject, t.c.payload))  # type: ignore[attr-defined]
        return [bytes(r.payload) for r in rows if not r.subject.endswith(".handover")]


def test_the_centre_ranks_what_two_provinces_published_and_a_republished_day_replaces(
        fed: Federation) -> None:
    jiangsu, zhejiang, centre = fed.nodes[JIANGSU], fed.nodes[ZHEJIANG], fed.nodes[CENTRE]
    cases = [report(jiangsu, "320213001"), report(jiangsu, "320102002"),
             report(zhejiang, "330502001"), report(zhejiang, "330502001"), report(zhejiang, "330106002")]
    day = today(jiangsu)
    assert publish_day(jiangsu, day) and publish_day(zhejiang, day)
    assert publish_day(jiangsu, day) is None  # the same figures: queued once
    deliver(fed, centre, 2)
    got = national(centre, day, day)
    expected = direct(fed, day)
    assert got["senders"] == [JIANGSU, ZHEJIANG]
    by_unit = {r["unit"]: r for r in got["ranking"]}
    for scope in (JIANGSU, ZHEJIANG):
        want = kpis(expected[scope])
        assert {k: by_unit[scope][k] for k in want} == pytest.approx(want)
    assert got["national"]["received"] == 5 == sum(e["received"] for e in expected.values())
    order = sorted(expected, key=lambda s: (-kpis(expected[s])["closure_rate"],
                                            -kpis(expected[s])["on_time_rate"], s))
    assert [r["unit"] for r in got["ranking"]] == order
    counties = national(centre, day, day, by="county")
    assert {r["unit"] for r in counties["ranking"]} == {"320213", "320102", "330502", "330106"}

    # a day published again (Jiangsu received one more case) replaces its earlier figures
    report(jiangsu, "320213001")
    assert publish_day(jiangsu, day)
    deliver(fed, centre, 1)
    again = national(centre, day, day)
    assert {r["unit"]: r["received"] for r in again["ranking"]} == {JIANGSU: 3, ZHEJIANG: 3}
    assert again["national"]["received"] == 6
    assert national(centre, day + timedelta(days=1), day + timedelta(days=1))["ranking"] == []

    # nothing personal in the bytes that left either province
    sent = payloads(jiangsu) + payloads(zhejiang)
    assert len(sent) == 3
    for data in sent:
        text = data.decode("utf-8")
        for secret in (NAME, PHONE, TEXT, "王", "139", *cases):
            assert secret not in text, secret
        assert b"reporter" not in data and b"description" not in data
    assert not centre.refusals()


def test_reference_data_reaches_the_provinces_and_an_older_version_is_refused(fed: Federation) -> None:
    centre, jiangsu = fed.nodes[CENTRE], fed.nodes[JIANGSU]
    assert len(publish_reference(centre, serial=200)) == 2
    deliver(fed, jiangsu, 1)
    state = reference_state(jiangsu)
    assert state["hierarchy"]["received"].startswith("200:") and state["hierarchy"]["differs"] == "no"
    assert state["catalogue"]["received"].startswith("200:") and state["catalogue"]["differs"] == "no"
    publish_reference(centre, serial=100)
    deliver(fed, jiangsu, 1)
    (refusal,) = jiangsu.refusals()
    assert "federation.reference_older" in refusal
    assert reference_state(jiangsu)["hierarchy"]["received"].startswith("200:")
    with pytest.raises(Exception, match="not_centre"):
        publish_reference(jiangsu)


def test_the_command_line_publishes_a_day_and_prints_the_national_ranking(tmp_path: Path) -> None:
    import traceback

    from typer.testing import CliRunner

    from liandong.cli import app

    made = federation(tmp_path, ack_wait=1.0)
    try:
        runner = CliRunner()

        def cli(*args: str, code: int = 0) -> str:
            result = runner.invoke(app, list(args))
            assert result.exit_code == code, result.output + "".join(
                traceback.format_exception(result.exception) if result.exception else "")
            return result.output if "--json" in args else " ".join(result.output.split())  # unwrapped

        files = {s: str(made.directory / f"{s}.toml") for s in made.nodes}
        report(made.nodes[JIANGSU], "320213001")
        report(made.nodes[ZHEJIANG], "330502001")
        report(made.nodes[ZHEJIANG], "330502001")
        day = today(made.nodes[JIANGSU]).isoformat()
        for scope in (JIANGSU, ZHEJIANG):
            published = cli("federation", "rollup", "--day", day, "--config", files[scope])
            assert f"已发布 {scope}-facts-" in published
        assert "已发布过" in cli("federation", "rollup", "--day", day, "--config", files[ZHEJIANG])
        report(made.nodes[ZHEJIANG], "330502001")  # the run loop publishes the changed figures of today
        looped = cli("federation", "run", "--once", "--rollup", "3600", "--interval", "0.2", "--config",
                     files[ZHEJIANG])
        assert "已发布 330000-facts-" in looped

        def ranked() -> bool:
            got = json.loads(cli("federation", "ranking", "--from", day, "--to", day, "--json",
                                 "--config", files[CENTRE]))
            return got["senders"] == [JIANGSU, ZHEJIANG] and got["national"]["received"] == 4

        until(ranked, deadline=30, say="both provinces' figures at the centre")
        printed = cli("federation", "ranking", "--from", day, "--to", day, "--config", files[CENTRE])
        assert "全国 " in printed and "受理 4" in printed and JIANGSU in printed
        bad = cli("federation", "rollup", "--day", "2026-13-01", "--config", files[JIANGSU], code=2)
        assert "YYYY-MM-DD" in bad
        refused = cli("federation", "ranking", "--config", files[JIANGSU], "--lang", "en", code=2)
        assert "Only the central node" in refused
        assert "已发布 100000-reference-" in cli("federation", "reference", "--config", files[CENTRE])
        status = json.loads(cli("federation", "status", "--json", "--config", files[CENTRE]))
        assert status["alarms"] == [] and set(status["reference"]) == {"hierarchy", "catalogue"}
    finally:
        made.close()


def test_a_served_province_publishes_its_recent_days_on_its_own(fed: Federation) -> None:
    """The loop inside ``liandong serve`` (decision 0056): Jiangsu's served node publishes today's and
    yesterday's figures every ``rollup_seconds`` of its file; the centre ranks them; a file with a bad
    value is refused naming the field."""
    import dataclasses

    from liandong.domain.errors import DomainError
    from liandong.federation.config import read_config
    from liandong.federation.serving import ServedNode

    jiangsu, centre = fed.nodes[JIANGSU], fed.nodes[CENTRE]
    report(jiangsu, "320213001")
    config = read_config(fed.directory / f"{JIANGSU}.toml", jiangsu.platform.hierarchy)
    assert config.rollup_seconds == 600  # the default
    served = ServedNode(jiangsu.platform, dataclasses.replace(config, rollup_seconds=1)).start()
    try:
        day = today(jiangsu)

        def ranked() -> bool:
            centre.receive_once(wait=0.2)
            return national(centre, day, day)["senders"] == [JIANGSU]

        until(ranked, deadline=30, say="the centre ranks what Jiangsu's served node published", fed=fed)
        assert {r["unit"]: r["received"] for r in national(centre, day, day)["ranking"]} == {JIANGSU: 1}
        report(jiangsu, "320213001")  # a second case: the next round publishes the day again

        def replaced() -> bool:
            centre.receive_once(wait=0.2)
            return {r["unit"]: r["received"] for r in national(centre, day, day)["ranking"]} == {JIANGSU: 2}

        until(replaced, deadline=30, say="the day published again with its second case", fed=fed)
    finally:
        served.stop()
    bad = fed.directory / "bad.toml"
    text = (fed.directory / f"{JIANGSU}.toml").read_text(encoding="utf-8")
    bad.write_text(text.replace("[node]\n", "[node]\nrollup_seconds = -5\n", 1), encoding="utf-8")
    with pytest.raises(DomainError) as refused:
        read_config(bad, jiangsu.platform.hierarchy)
    assert refused.value.code == "federation.config_bad_value" and refused.value.params["value"] == "-5"
