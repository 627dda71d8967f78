"""待办: the read port of what waits on whom (``uow.duties``), over cases and instruments alike."""

from __future__ import annotations

import abc
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from liandong.domain.duties import Duty, DutyKind


@dataclass(frozen=True)
class WaitingRow:
    """A duty with what an inbox shows of its subject (read in the same query)."""

    duty: Duty
    state: str  # the case's state, or the instrument's
    matter: str  # a case's matter code; an instrument's kind
    severity: str  # a case's severity ("" for instruments)
    title: str  # an instrument's title ("" for cases)
    source: str  # a case's 来源 ("" for instruments)
    received_at: datetime | None  # a case's report, an instrument's issue
    number: str = ""  # a case's 案件编号


class DutyReads(abc.ABC):
    """A department's pending duties (``domain.duties``), as the stores keep them with the events
    that change them: the inboxes of the web, the API and the CLI read here."""

    @abc.abstractmethod
    def waiting_on(self, department: str, *, limit: int = 200, offset: int = 0,
                   kinds: Collection[DutyKind] = ()) -> list[WaitingRow]:
        """What waits on ``department`` (of ``kinds`` only, when given): nearest deadline first,
        then what has waited longest."""

    @abc.abstractmethod
    def count(self, department: str, *, kinds: Collection[DutyKind] = ()) -> int:
        """How many duties (of ``kinds``, when given) wait on ``department``."""
