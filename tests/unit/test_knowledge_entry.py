"""知识条目: validity on a day and the checks an entry passes before it is stored."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from liandong.domain.errors import DomainError
from liandong.domain.knowledge import Entry, Validity, check_entry

TODAY = date(2026, 12, 6)
ENTRY = Entry("K1", "  社保卡补办需要什么材料  ", "携带身份证到社保服务窗口办理。", "320213-human_resources",
              "《社会保障卡管理办法》", date(2026, 1, 1), date(2027, 6, 30), "张审核", date(2026, 12, 1),
              "320213", keywords=("社保卡", " 补办 ", "社保卡", ""))


def test_an_entry_is_trimmed_and_its_keywords_kept_once() -> None:
    checked = check_entry(ENTRY, today=TODAY)
    assert checked.title == "社保卡补办需要什么材料"
    assert checked.keywords == ("社保卡", "补办")


@pytest.mark.parametrize(("day", "validity"), [
    (date(2025, 12, 31), Validity.NOT_YET), (date(2026, 1, 1), Validity.IN_FORCE),
    (date(2027, 5, 31), Validity.EXPIRING), (date(2027, 6, 30), Validity.EXPIRING),
    (date(2027, 7, 1), Validity.EXPIRED)])
def test_validity_on_a_day(day: date, validity: Validity) -> None:
    assert ENTRY.validity(day) is validity
    assert ENTRY.in_force(day) is (validity in (Validity.IN_FORCE, Validity.EXPIRING))


def test_an_entry_without_an_end_stays_in_force() -> None:
    assert replace(ENTRY, valid_until=None).validity(date(2099, 1, 1)) is Validity.IN_FORCE


@pytest.mark.parametrize(("change", "code", "param"), [
    ({"title": "   "}, "knowledge.field_required", ("field", "title")),
    ({"answer": ""}, "knowledge.field_required", ("field", "answer")),
    ({"source": " "}, "knowledge.field_required", ("field", "source")),
    ({"reviewed_by": ""}, "knowledge.field_required", ("field", "reviewed_by")),
    ({"title": "社保"}, "knowledge.title_too_short", ("limit", 4)),
    ({"answer": "答" * 5001}, "knowledge.too_long", ("limit", 5000)),
    ({"valid_until": date(2025, 12, 31)}, "knowledge.bad_validity", ("valid_until", "2025-12-31")),
    ({"reviewed_on": date(2026, 12, 7)}, "knowledge.reviewed_in_future", ("today", "2026-12-06")),
    ({"keywords": tuple(f"词{i}" for i in range(21))}, "knowledge.too_many_keywords", ("count", 21)),
])
def test_bad_entries_are_refused_naming_the_field(change: dict[str, object], code: str,
                                                  param: tuple[str, object]) -> None:
    with pytest.raises(DomainError) as err:
        check_entry(replace(ENTRY, **change), today=TODAY)  # type: ignore[arg-type]
    assert err.value.code == code
    assert err.value.params[param[0]] == param[1]
