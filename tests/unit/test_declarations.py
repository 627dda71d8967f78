"""Each command is declared once (issue 21): the permission table, the routes, the forms and the
bus's behaviour are derived from the declarations, and a command that is not declared, or whose
fields do not match the behaviour it names, fails when it is defined, not when someone uses it."""

from __future__ import annotations

import gc
from dataclasses import dataclass

import pytest

from liandong.domain import declare as d
from liandong.domain.access import COMMAND_ROLES
from liandong.domain.cases import commands as c
from liandong.domain.cases.case import Case
from liandong.domain.roles import StaffRole
from liandong.services.cases import HANDLERS
from liandong.services.commands import bind
from liandong.web.actions import ACTIONS


def test_every_case_command_is_declared_once_with_its_roles() -> None:
    case_commands = {slug: cls for slug, cls in c.COMMANDS.items() if issubclass(cls, c.CaseCommand)}
    assert set(COMMAND_ROLES) == set(case_commands)
    assert len(COMMAND_ROLES) == 34  # 公开审核 (moderate) the 31st; 不合理诉求认定, its appeal and ruling
    for slug, cls in case_commands.items():
        assert COMMAND_ROLES[slug] == d.declaration(cls).roles and COMMAND_ROLES[slug]
    assert COMMAND_ROLES["redispatch"] == {StaffRole.DISPATCHER}
    assert COMMAND_ROLES["check-deadlines"] == {StaffRole.DISPATCHER, StaffRole.ADMINISTRATOR}
    assert set(HANDLERS) == set(case_commands.values()) - {c.MergeCase}


def test_the_case_page_offers_what_declares_a_move_there() -> None:
    offered = {a.key for a in ACTIONS}
    assert offered == {slug for slug, cls in c.COMMANDS.items() if d.declaration(cls).who}
    assert {"dispatch", "resolve", "follow-up", "summons"} <= offered and "merge" not in offered
    resolve = next(a for a in ACTIONS if a.key == "resolve")
    assert [(f.name, f.required) for f in resolve.fields] == [("summary", True), ("public_note", False)]
    assert resolve.label == ("办结", "Resolve")


def test_a_command_built_from_a_page_form() -> None:
    follow = next(a for a in ACTIONS if a.key == "follow-up")
    built = follow.build("case-1", "320200-gov", 7, {"rating": "unsatisfied", "handler_at_fault": "1"})
    assert built == c.FollowUpCase(by="320200-gov", case_id="case-1", expected_version=7, contacted=True,
                                   solved=False, rating="unsatisfied", handler_at_fault=True)
    decide = next(a for a in ACTIONS if a.key == "return-decision")
    assert decide.build("x", "d", 1, {"decision": "uphold", "lead": ""}) == c.DecideReturn(
        by="d", case_id="x", expected_version=1, decision="uphold", lead=None)


def test_an_undeclared_command_fails_at_definition() -> None:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Unannounced(c.CaseCommand):
        pass

    with pytest.raises(TypeError, match="Unannounced is not declared"):
        d.check_declared(c.CaseCommand)
    del Unannounced
    gc.collect()
    d.check_declared(c.CaseCommand)  # gone again


def test_a_field_without_its_declaration_fails() -> None:
    @c.COMMANDS.declare(slug="test-undeclared-field", name=("测", "Test"), roles=set(), summary="",
                        behaviour="start")
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Bare(c.CaseCommand):
        note: str = ""

    try:
        with pytest.raises(TypeError, match="field note has no declaration"):
            d.check_declared(c.CaseCommand)
    finally:
        c.COMMANDS.commands.pop("test-undeclared-field")
        del Bare
        gc.collect()


def test_a_behaviour_that_does_not_take_the_fields_fails() -> None:
    @dataclass(frozen=True, slots=True, kw_only=True)
    class Mismatched(c.CaseCommand):
        colour: str = d.optional("", ("颜色", "Colour"))

    Mismatched.declared = d.Declaration("test-mismatch", ("测", "Test"), frozenset(), "", "acknowledge")  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=r"fields not taken \['colour'\]"):
        bind(Mismatched, Case)
    del Mismatched
    gc.collect()


def test_a_slug_declared_twice_fails() -> None:
    with pytest.raises(TypeError, match="declared twice"):
        again = c.COMMANDS.declare(slug="resolve", name=("办结", "Resolve"), roles=set(), summary="",
                                   behaviour="resolve")
        again(type("Again", (), {}))


def test_instruments_are_a_second_registration() -> None:
    from liandong.domain.access import INSTRUMENT_ROLES
    from liandong.domain.instruments import commands as ic
    from liandong.domain.instruments.instrument import Instrument
    from liandong.services.instruments import HANDLERS as INSTRUMENT_HANDLERS

    staff = frozenset(r for r in StaffRole if r is not StaffRole.CITIZEN)
    overseers = {StaffRole.LEADER, StaffRole.INSPECTOR, StaffRole.ASSESSOR}
    expected = {
        "issue": {*overseers, StaffRole.DISPATCHER}, "read": staff, "report": {StaffRole.HANDLER, *overseers},
        "respond": {StaffRole.HANDLER, StaffRole.LEADER}, "assign": {*overseers, StaffRole.DISPATCHER},
        "complete": {StaffRole.HANDLER, StaffRole.LEADER}, "verify": overseers,
        "attend": {StaffRole.HANDLER, StaffRole.LEADER, StaffRole.DISPATCHER},
        "minutes": {StaffRole.LEADER, StaffRole.DISPATCHER, StaffRole.HANDLER}, "decide": overseers,
        "promote": {StaffRole.LEADER}, "adopt": {StaffRole.LEADER, StaffRole.HANDLER}, "withdraw": overseers,
        "check": {StaffRole.DISPATCHER, StaffRole.ADMINISTRATOR}, "stock": {StaffRole.LEADER}}
    assert expected == INSTRUMENT_ROLES
    assert set(INSTRUMENT_HANDLERS) == set(ic.COMMANDS.values()) - {ic.Issue}
    assert not set(c.COMMANDS.commands) & {"read", "respond", "assign", "verify"}  # registries apart

    @dataclass(frozen=True, kw_only=True)
    class Late(ic.InstrumentCommand):
        overdue_days: int = d.optional(0, ("逾期", "Overdue"))

    Late.declared = d.Declaration("test-late", ("测", "Test"), frozenset(), "", "check")  # type: ignore[attr-defined]
    with pytest.raises(TypeError, match=r"fields not taken \['overdue_days'\]"):
        bind(Late, Instrument)
    del Late
    gc.collect()
