"""The texts of every refusal, in Chinese and English, by code (rendered by ``liandong.i18n.messages``).

One module per area; a code is defined in exactly one of them (checked when the package loads)."""

from __future__ import annotations

from liandong.i18n.refusals import (
    calendar,
    cases,
    catalogue,
    citizen,
    federation,
    instruments,
    knowledge,
    ledger,
    operations,
    photos,
    public,
    reference,
    requests,
)

AREAS = (reference, cases, ledger, instruments, operations, calendar, requests, knowledge, photos, catalogue,
         citizen, public, federation)


def _merged() -> dict[str, dict[str, str]]:
    merged: dict[str, dict[str, str]] = {}
    for area in AREAS:
        twice = merged.keys() & area.MESSAGES.keys()
        if twice:
            raise RuntimeError(f"message codes defined twice (again in {area.__name__}): {sorted(twice)}")
        merged.update(area.MESSAGES)
    return merged


MESSAGES = _merged()
