"""Field types shared by the API's request bodies."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _local_if_naive(moment: datetime) -> datetime:
    """A time written without an offset is Beijing time, as the web forms read it."""
    return moment.replace(tzinfo=SHANGHAI) if moment.utcoffset() is None else moment


LocalTime = Annotated[datetime, AfterValidator(_local_if_naive)]
"""An ISO time; with no offset (``2027-01-05T00:00:00``) it is read as Asia/Shanghai."""
