"""The notice administrators see on the workbench while the working calendar runs short: its
known days end within 60 days, or a coming year is only provisional (statutory holidays)."""

from __future__ import annotations

from datetime import datetime

from liandong.bootstrap import Platform
from liandong.domain.access import Principal, StaffRole
from liandong.domain.holidays import calendar_notices
from liandong.domain.worktime import SHANGHAI
from liandong.i18n.messages import render


def admin_notices(platform: Platform, user: Principal, now: datetime, lang: str) -> list[str]:
    """The calendar notices for an administrator at ``now`` (none for other roles)."""
    if StaffRole.ADMINISTRATOR not in user.roles:
        return []
    today = now.astimezone(SHANGHAI).date()
    return [render(n.code, lang, **n.params)
            for n in calendar_notices(platform.rules().calendar, today=today)]
