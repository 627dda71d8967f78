"""A short case journey on the shared record: the rules, the moment and the steps the ledger tests
(and the witnesses') replay on any back-end."""

from __future__ import annotations

from datetime import UTC, datetime

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.services.cases import MessageBus

RULES = Rules(Router(national_hierarchy(), default_catalogue()), ChineseWorkCalendar(), CasePolicy())
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def journey(bus: MessageBus) -> str:
    """Report, dispatch and sign for one noise case of 崇安寺街道: four events."""
    cid = bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                  description="噪声", reporter_name="张三")).case_id
    bus.handle(c.DispatchCase(by="320200-gov", case_id=cid))
    bus.handle(c.AcknowledgeCase(by="320213001-urban_management", case_id=cid))
    return cid
