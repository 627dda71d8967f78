"""The auditor's timer work (decision 0028): a round of ``LedgerWatch.check``; a new alarm is logged as
an error line, in Chinese and English, and stays raised for ``/healthz`` and the pages."""

from __future__ import annotations

import logging

from liandong.i18n.ledger import describe_all
from liandong.services.ledger_watch import LedgerWatch

log = logging.getLogger("liandong.ledger_audit")


def audit_once(watch: LedgerWatch, *, full: bool = False) -> None:
    alarm = watch.check(full=full)
    if alarm is not None:
        log.error("ledger audit: %s", describe_all(alarm.key, alarm.params))
