"""Roles × jurisdiction subtree × case membership, and masking of reporters."""

from __future__ import annotations

import pytest

from liandong.domain.access import (
    COMMAND_ROLES,
    Principal,
    StaffRole,
    can_see,
    check_command,
    mask_name,
    mask_phone,
    sees_reporter,
)
from liandong.domain.cases.record import CaseRecord, TeamMember
from liandong.domain.cases.routing import Role
from liandong.domain.errors import DomainError
from tests.factories.worlds import jiangsu

H = jiangsu()  # every unit here lies in 江苏


def staff(department: str, *roles: StaffRole) -> Principal:
    return Principal("a-" + department, department, frozenset(roles), department)


def case() -> CaseRecord:
    r = CaseRecord("C1", affected=("320213001",), owner="320213", dispatcher="320200-gov",
                   reporter_name="张三", reporter_phone="13812345678", reporter_account="citizen-1")
    for dep, role in (("320213-urban_management", Role.LEAD), ("320213001-urban_management", Role.ASSIST)):
        r.team[dep] = TeamMember(dep, role, "x", None)  # type: ignore[arg-type]
    return r


@pytest.mark.parametrize(("who", "visible"), [
    (staff("320213-urban_management", StaffRole.HANDLER), True),  # the lead
    (staff("320213001-urban_management", StaffRole.HANDLER), True),  # an assist
    (staff("320200-gov", StaffRole.DISPATCHER), True),  # the dispatcher
    (staff("320213-public_security", StaffRole.HANDLER), False),  # in the county, not on the team
    (staff("320200-urban_management", StaffRole.LEADER), True),  # oversight above the case
    (staff("320500-gov", StaffRole.INSPECTOR), False),  # oversight of another city
    (staff("320000-gov", StaffRole.ANALYST), True),  # the province
    (Principal("citizen-1", "citizen", frozenset({StaffRole.CITIZEN})), True),  # the reporter
    (Principal("citizen-2", "other", frozenset({StaffRole.CITIZEN})), False),
])
def test_who_sees_a_case(who: Principal, visible: bool) -> None:
    assert can_see(who, case(), H) is visible


def test_commands_need_a_role_and_a_department() -> None:
    assert check_command(staff("320200-gov", StaffRole.DISPATCHER), "dispatch") == "320200-gov"
    with pytest.raises(DomainError) as info:
        check_command(staff("320213-urban_management", StaffRole.HANDLER), "dispatch")
    assert info.value.code == "access.role_required" and info.value.params["allowed"] == "dispatcher"
    with pytest.raises(DomainError):
        check_command(Principal("c", "c", frozenset({StaffRole.CITIZEN})), "acknowledge")
    admin = staff("320200-gov", StaffRole.ADMINISTRATOR)
    assert all(check_command(admin, name) == "320200-gov" for name in COMMAND_ROLES)


def test_reporters_are_seen_by_intake_and_the_lead_only() -> None:
    r = case()
    assert sees_reporter(staff("320200-gov", StaffRole.DISPATCHER), r)
    assert sees_reporter(staff("320213-urban_management", StaffRole.HANDLER), r)
    assert not sees_reporter(staff("320213001-urban_management", StaffRole.HANDLER), r)
    assert not sees_reporter(staff("320000-gov", StaffRole.LEADER), r)
    assert sees_reporter(Principal("citizen-1", "c", frozenset({StaffRole.CITIZEN})), r)


def test_masks() -> None:
    assert mask_name("张三") == "张*" and mask_name("欧阳娜娜") == "欧***" and mask_name("") == ""
    assert mask_phone("13812345678") == "138****5678"
    assert mask_phone("12345") == "*****"
