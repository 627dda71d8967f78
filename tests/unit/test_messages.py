"""Every refusal the code can raise has a message in Chinese and in English."""

from __future__ import annotations

import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from liandong.domain.errors import DomainError
from liandong.i18n import refusals as message_texts
from liandong.i18n.messages import MESSAGES, explain, render

SRC = Path(__file__).resolve().parents[2] / "src" / "liandong"
RAISED = re.compile(r"""(?:DomainError|ReferenceDataError|LedgerError|fail)\(\s*["']([a-z_]+\.[a-z_]+)["']""")


def test_every_raised_code_has_both_languages() -> None:
    codes = {m for path in SRC.rglob("*.py") for m in RAISED.findall(path.read_text("utf-8"))}
    assert len(codes) > 20
    missing = sorted(c for c in codes if c not in MESSAGES)
    assert missing == []
    for code, entry in MESSAGES.items():
        assert set(entry) == {"zh", "en"}, code


def test_render_fills_parameters_and_falls_back() -> None:
    err = DomainError("jurisdiction.unknown", code="3299", suggestions="320000")
    assert explain(err) == "未知的行政区划代码“3299”。相近的代码：320000"
    assert explain(err, "en") == "Unknown jurisdiction code '3299'. Nearest codes: 320000"
    assert render("no.such_code", "en", x=1) == "no.such_code (x=1)"
    assert "—" in render("jurisdiction.unknown", "zh", code="1", suggestions="")


def test_each_code_is_defined_in_one_area_only(monkeypatch: pytest.MonkeyPatch) -> None:
    assert sum(len(area.MESSAGES) for area in message_texts.AREAS) == len(MESSAGES) > 200
    again = SimpleNamespace(__name__="again", MESSAGES={"case.unknown": {"zh": "重复", "en": "again"}})
    monkeypatch.setattr(message_texts, "AREAS", (*message_texts.AREAS, again))
    with pytest.raises(RuntimeError, match=r"defined twice \(again in again\): \['case.unknown'\]"):
        message_texts._merged()


def test_refusals_say_who_in_words_and_times_in_beijing_time() -> None:
    """Words, not codes (issue 23): the party a step belongs to, and a deadline in Beijing time."""
    from liandong.i18n.messages import render

    zh = render("case.not_allowed_actor", "zh", actor="320213001-urban_management", who="lead",
                allowed="320213-urban_management")
    assert "不是本案的主办单位" in zh and "lead" not in zh
    en = render("case.not_allowed_actor", "en", actor="x", who="approver", allowed="y")
    assert "is not the approving department of this case" in en
    late = render("case.extension_not_later", "zh", due="2026-12-15T09:30:00+00:00",
                  until="2026-12-14T09:30:00+00:00")
    assert "2026-12-15 17:30" in late and "+00:00" not in late


def _catalogue_tables() -> dict[str, object]:
    """Every table of the catalogue: the module-level dicts and tuples of ``liandong.i18n``'s modules."""
    import importlib
    import pkgutil

    import liandong.i18n as i18n

    tables: dict[str, object] = {}
    for info in pkgutil.walk_packages(i18n.__path__, "liandong.i18n."):
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if name.isupper() and isinstance(value, dict | tuple):
                tables[f"{info.name}.{name}"] = value
    return tables


def test_every_text_of_the_catalogue_is_in_both_languages() -> None:
    """Keyed tables have the same keys in each language, every entry by code names each language,
    and every pair has one member per language, none empty (decision 0022)."""
    from liandong.i18n import LANGUAGES

    tables = _catalogue_tables()
    assert {"liandong.i18n.web.common.TEXT", "liandong.i18n.web.work.WORK_TEXT",
            "liandong.i18n.cli.CASE_TEXT", "liandong.i18n.assessment.REPORT_TEXT",
            "liandong.i18n.messages.EVENT_LABELS"} <= tables.keys()
    checked = 0
    for name, table in tables.items():
        if not isinstance(table, dict) or not table:
            continue
        if set(table) == set(LANGUAGES):  # {"zh": {key: text}, "en": {key: text}}
            keys = [set(part) for part in table.values()]
            assert all(k == keys[0] for k in keys), f"{name}: {set.union(*keys) - set.intersection(*keys)}"
            assert all(text for part in table.values() for text in part.values()), name
            checked += 1
            continue
        for key, entry in table.items():
            if isinstance(entry, dict) and set(entry) & set(LANGUAGES):  # {key: {"zh": …, "en": …}}
                assert set(entry) == set(LANGUAGES) and all(entry.values()), f"{name}[{key!r}]"
                checked += 1
            elif isinstance(entry, tuple) and entry and all(isinstance(x, str) for x in entry):  # (zh, en)
                assert len(entry) == len(LANGUAGES) and all(entry), f"{name}[{key!r}]"
                checked += 1
    assert checked > 500


def test_a_refused_transition_names_the_state_and_the_actions_in_words() -> None:
    """Issue 23 point 7: the engine's codes (acknowledged, request_extension, tick) never reach a person."""
    import re

    from liandong.domain.cases.states import CaseAction, CaseState, next_state
    from liandong.domain.errors import DomainError
    from liandong.i18n.messages import explain

    try:
        next_state(CaseState.ACKNOWLEDGED, CaseAction.ACKNOWLEDGE)
    except DomainError as exc:
        zh, en = explain(exc, "zh"), explain(exc, "en")
    else:
        raise AssertionError("acknowledging twice was allowed")
    assert "“已签收”" in zh and "“签收”" in zh and "办结" in zh and "申请延期" in zh
    assert not re.search(r"[a-z_]{4,}", zh), zh  # no code left
    assert "'Signed for'" in en and "Request an extension" in en and "tick" not in en
    assert "request_extension" not in en and "acknowledged" not in en


def test_every_case_action_a_person_may_meet_has_a_name() -> None:
    from liandong.domain.cases.states import CaseAction
    from liandong.i18n.actions import ACTION_NAMES, INTERNAL

    assert {a for a in CaseAction if a not in ACTION_NAMES} <= INTERNAL
