"""Indicators of the linkage instruments, per department: briefing timeliness (简报阅读及时率),
directive responses on time (批示答复及时率), rectification completion (整改完成率) and a pilot's
data reports on cadence (试点报送及时率).

The cohort of a period is the instruments issued in it, as they stood at its end (or now); a
ratio with nothing to count has no value. Pure: instrument records in, counts out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from liandong.domain.instruments.kinds import Kind
from liandong.domain.instruments.record import InstrumentRecord

# name → (numerator, denominator)
INSTRUMENT_RATES: dict[str, tuple[str, str]] = {
    "briefing_read_in_time": ("briefings_read_in_time", "briefings_due"),
    "directive_answered_in_time": ("directives_answered_in_time", "directives_due"),
    "rectification_completed": ("tasks_verified_on_time", "tasks_due"),
    "pilot_reports_on_time": ("pilot_reports_made", "pilot_reports_due"),
}
COUNTS = tuple(sorted({c for pair in INSTRUMENT_RATES.values() for c in pair}))


def instrument_counts(records: Iterable[InstrumentRecord], start: datetime, end: datetime,
                      as_of: datetime) -> dict[str, dict[str, float]]:
    """Per department, what it adds to each count, for the instruments issued in [start, end)."""
    out: dict[str, dict[str, float]] = defaultdict(lambda: dict.fromkeys(COUNTS, 0.0))
    for r in records:
        if r.issued_at is None or not start <= r.issued_at < end or r.state == "withdrawn":
            continue
        if r.kind is Kind.BRIEFING and r.read_limit_hours:
            limit = r.issued_at + timedelta(hours=r.read_limit_hours)
            for a in r.addressees:
                read = r.reads.get(a)
                if (read is not None and read <= as_of) or limit < as_of:
                    out[a]["briefings_due"] += 1
                    out[a]["briefings_read_in_time"] += int(read is not None and read <= min(limit, as_of))
        if r.kind is Kind.DIRECTIVE and r.due is not None:
            for a in r.addressees:
                answer = r.responses.get(a)
                answered = answer is not None and answer.at <= as_of
                if answered or r.due < as_of:
                    out[a]["directives_due"] += 1
                    in_time = answered and answer is not None and answer.on_time
                    out[a]["directives_answered_in_time"] += int(in_time)
        for t in r.tasks.values():
            if t.due < as_of or (t.done_at is not None and t.done_at <= as_of):
                out[t.owner]["tasks_due"] += 1
                out[t.owner]["tasks_verified_on_time"] += int(bool(t.verified) and bool(t.on_time))
        if r.kind is Kind.PILOT and r.cadence_days:
            periods = max(0, (as_of - r.issued_at) // timedelta(days=r.cadence_days))
            for a in r.addressees:
                made = sum(1 for rep in r.reports if rep.department == a and rep.at <= as_of)
                out[a]["pilot_reports_due"] += periods
                out[a]["pilot_reports_made"] += min(made, periods)
    return dict(out)


def rate(counts: dict[str, float], name: str) -> float | None:
    num, den = INSTRUMENT_RATES[name]
    return counts.get(num, 0) / counts[den] if counts.get(den) else None
