"""案件编号: a number people can read and say on the phone — the city of the case's first place,
its report day in Beijing time and the day's sequence there (``320200-20261206-0123``) — kept
beside the internal id and accepted wherever an id is."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from liandong.domain.worktime import SHANGHAI

NUMBER = re.compile(r"^\d{6}-\d{8}-\d{4,}$")


def is_number(text: str) -> bool:
    """Whether ``text`` is a case number rather than an internal id."""
    return bool(NUMBER.match(text))


def number_prefix(affected: Sequence[str]) -> str:
    """The jurisdiction a number names: the city (prefecture) of the first affected place — the
    level of a 12345 hotline — or the place itself when it is a province or the centre."""
    code = affected[0] if affected else "100000"
    digits = (code if code.isdigit() else "".join(ch for ch in code if ch.isdigit()))[:6].ljust(6, "0")
    return digits if digits.endswith("0000") else digits[:4] + "00"


def number_day(received_at: datetime) -> str:
    """The report day, in Beijing time, as the number writes it."""
    day = received_at.astimezone(SHANGHAI)
    return f"{day.year}{day.month:02d}{day.day:02d}"  # strftime("%Y%m%d"), written faster


def format_number(prefix: str, day: str, sequence: int) -> str:
    return f"{prefix}-{day}-{sequence:04d}"
