"""The instrument steps are derived from their declarations like the case commands (issue 21,
decision 0018): each step's REST route, path and body, and each step's form and the command a posted
form means on the instrument page. A field declared on a command shows up in the body and the form
without touching the edges."""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import datetime

import pytest
from fastapi import APIRouter
from fastapi.routing import APIRoute
from pydantic import ValidationError

from liandong.api import instruments as api
from liandong.api.bodies import body_of, command_of
from liandong.domain import declare as d
from liandong.domain.errors import DomainError
from liandong.domain.instruments import commands as ic
from liandong.domain.worktime import SHANGHAI
from liandong.web import instruments_page as page
from liandong.web.actions import asked, values_from

PREFIX = "/api/instruments/{instrument_id}/"


def _routes(router: APIRouter) -> dict[str, APIRoute]:
    return {r.path: r for r in router.routes if isinstance(r, APIRoute)}


def test_every_step_has_the_route_and_body_its_declaration_gives() -> None:
    routes = _routes(api.router)
    for slug, cls in ic.COMMANDS.items():
        if cls is ic.Issue:
            continue
        declared = d.declaration(cls)
        route = routes[PREFIX + declared.path]
        assert route.summary == declared.summary and route.methods == {"POST"}
        carried = {p.name for p in route.dependant.path_params}
        assert carried == {"instrument_id", *declared.path_fields}, slug
        body = body_of(cls)
        found = route.dependant.body_params
        assert [p.field_info.annotation for p in found] == ([body] if body is not None else []), slug
    assert {"tasks", "tasks/{task}/complete", "tasks/{task}/verify", "check-deadlines"} == {
        d.declaration(cls).path for cls in ic.COMMANDS.values() if d.declaration(cls).route}


def test_bodies_keep_the_bounds_the_api_enforced() -> None:
    report = body_of(ic.Report)
    assert report is not None
    figures = [("指标", "1")] * 50
    assert report(text="x", figures=figures).figures == figures  # type: ignore[attr-defined]
    with pytest.raises(ValidationError):
        report(text="x", figures=[*figures, ("one", "more")])
    with pytest.raises(ValidationError):
        report(text="x", figures=[("a", "b", "c")])
    verify = body_of(ic.VerifyTask)
    assert verify is not None and set(verify.model_fields) == {"accepted", "note", "expected_version"}
    decide = body_of(ic.Decide)
    assert decide is not None
    with pytest.raises(ValidationError):
        decide(decision="x" * 17, reason="r")
    built = command_of(ic.CompleteTask, body_of(ic.CompleteTask)(note="好"),  # type: ignore[misc]
                       by="d", instrument_id="I1", task="T1", expected_version=3)
    assert built == ic.CompleteTask(by="d", instrument_id="I1", task="T1", note="好", expected_version=3)


def test_a_route_that_names_no_field_fails_at_declaration() -> None:
    with pytest.raises(TypeError, match=r"names no field \['task'\]"):
        @ic.COMMANDS.declare(slug="test-no-task", name=("测", "Test"), roles=set(), summary="",
                             behaviour="check", route="tasks/{task}/nudge")
        @dataclass(frozen=True, kw_only=True)
        class Nudge(ic.InstrumentCommand):
            pass
    assert "test-no-task" not in ic.COMMANDS
    gc.collect()
    ic._check_declared()  # the class refused is gone


def test_a_declared_field_reaches_the_body_and_the_form_without_touching_the_edges() -> None:
    @ic.COMMANDS.declare(slug="test-remind", name=("催报", "Remind"), roles={ic.LEADER},
                         summary="催报 remind", behaviour="check", route="tasks/{task}/remind")
    @dataclass(frozen=True, kw_only=True)
    class Remind(ic.InstrumentCommand):
        task: str = d.param(("任务编号", "Task id"), kind=d.SELECT, min_length=1, max_length=32)
        text: str = d.param(("内容", "Text"), kind=d.TEXTAREA, min_length=1, max_length=500)
        by_when: datetime | None = d.optional(None, ("期限", "By when"), kind=d.DATETIME)
        urgent: bool = d.optional(False, ("加急", "Urgent"), kind=d.SELECT,
                                  choices=(("yes", ("是", "yes")), ("no", ("否", "no"))))

    try:
        body = body_of(Remind)
        assert body is not None
        assert set(body.model_fields) == {"text", "by_when", "urgent", "expected_version"}  # task: the URL's
        with pytest.raises(ValidationError):
            body(text="x" * 501)
        router = APIRouter(prefix="/api")
        api._route(Remind, on=router)
        route = _routes(router)[PREFIX + "tasks/{task}/remind"]
        assert {p.name for p in route.dependant.path_params} == {"instrument_id", "task"}

        form = asked(Remind, choices={"task": (("T1", ("T1", "T1")),)})
        assert [(f.name, f.kind, f.required) for f in form] == [
            ("task", d.SELECT, True), ("text", d.TEXTAREA, True), ("by_when", d.DATETIME, False),
            ("urgent", d.SELECT, False)]
        assert form[0].options == (("T1", ("T1", "T1")),) and form[1].label == ("内容", "Text")
        values = values_from(Remind, {"task": "T1", "text": " 请报 ", "by_when": "2026-03-02T09:00",
                                      "urgent": "yes"})
        assert values == {"task": "T1", "text": "请报", "by_when": datetime(2026, 3, 2, 9, tzinfo=SHANGHAI),
                          "urgent": True}
        assert values_from(Remind, {"task": "T1", "text": "x"})["by_when"] is None  # optional: its default
    finally:
        ic.COMMANDS.commands.pop("test-remind")
        del Remind
        gc.collect()
    ic._check_declared()


def test_the_instrument_page_forms_come_from_the_declarations() -> None:
    report = page._offer("report")
    assert [(f.name, f.kind, f.label, f.required) for f in report.fields] == [
        ("text", d.TEXTAREA, ("内容", "Text"), True),
        ("figures", d.LIST, ("数据（每行 指标=数值）", "Figures (one per line: indicator=value)"), False)]
    verify = page._offer("verify", {"task": page._tasks(["T1"])})
    assert [f.name for f in verify.fields] == ["task", "accepted", "note"]
    assert verify.fields[0].options == (("T1", ("T1", "T1")),)
    assert [v for v, _ in verify.fields[1].options] == ["yes", "no"]
    decide = page._offer("decide", {"decision": (("closed", ("结案", "close")),)}, page.PILOT_ONLY)
    # scope and until: pilots only; the justification of a departure from the rules: inspections too
    assert [f.name for f in decide.fields] == ["decision", "reason", "justification"]
    assert page._offer("read").fields == () and page._offer("adopt").fields == ()
    assert set(page.ON_THE_PAGE) == set(ic.COMMANDS.commands) - {"issue", "check"}


def test_a_posted_step_form_becomes_its_command() -> None:
    build = page.build
    posted = {"text": " 首月 ", "figures": "分类准确率 = 72.5\n\n达标率=90"}
    assert build("report", "I1", "d", 4, posted) == ic.Report(
        by="d", instrument_id="I1", expected_version=4, text="首月",
        figures=(("分类准确率", "72.5"), ("达标率", "90")))
    with pytest.raises(DomainError) as bad:
        build("report", "I1", "d", 4, {"text": "x", "figures": "分类准确率"})
    assert bad.value.code == "web.bad_line"
    assert build("assign", "I1", "d", 1, {"task": "T1", "owner": "320200-gov", "title": "整改",
                                          "due": "2026-03-12T18:00"}).due == datetime(2026, 3, 12, 18,
                                                                                      tzinfo=SHANGHAI)
    with pytest.raises(DomainError) as no_due:
        build("assign", "I1", "d", 1, {"task": "T1", "owner": "320200-gov", "title": "整改"})
    assert no_due.value.code == "web.bad_datetime"
    assert build("verify", "I1", "d", 2, {"task": "T1", "accepted": "no"}) == ic.VerifyTask(
        by="d", instrument_id="I1", expected_version=2, task="T1", accepted=False)
    assert build("attend", "I1", "d", 2, {"present": "no"}).present is False  # type: ignore[attr-defined]
    assert build("attend", "I1", "d", 2, {}).present is True  # type: ignore[attr-defined]
    assert build("decide", "I1", "d", 5, {"decision": "extend", "reason": "r", "until": ""}) == ic.Decide(
        by="d", instrument_id="I1", expected_version=5, decision="extend", reason="r")
    assert build("read", "I1", "d", 9, {}) == ic.MarkRead(by="d", instrument_id="I1")  # no version
    for not_here in ("issue", "check", "stock", "nonsense"):
        with pytest.raises(DomainError) as unknown:
            build(not_here, "I1", "d", 1, {})
        assert unknown.value.code == "command.unknown"
