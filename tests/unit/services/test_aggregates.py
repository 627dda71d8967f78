"""The aggregate framework's parts (docs/decisions/0020): ids in the order of issue for every
aggregate, one event codec for every aggregate's events, the refusals an aggregate names."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from enum import Enum

import pytest

from liandong.domain.aggregate import DomainEvent
from liandong.domain.cases.case import Case
from liandong.domain.cases.events import CaseReported
from liandong.domain.codec import EventCodec
from liandong.domain.errors import DomainError
from liandong.domain.instruments.events import Decided, Issued
from liandong.domain.instruments.instrument import Instrument
from liandong.services.cases import new_case_id
from liandong.services.instruments import new_instrument_id

T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


class Colour(Enum):
    RED = "red"


@dataclass(frozen=True, slots=True, kw_only=True)
class SampleEvent(DomainEvent):
    """A third aggregate's base event."""

    sample_id: str
    at: datetime
    actor: str

    @property
    def aggregate_id(self) -> str:
        return self.sample_id


@dataclass(frozen=True, slots=True, kw_only=True)
class Sample(SampleEvent):
    colour: Colour
    until: datetime | None = None
    pairs: tuple[tuple[str, int], ...] = ()
    moments: tuple[datetime, ...] = ()
    note: str = ""


def test_ids_are_in_the_order_of_issue_for_cases_and_instruments() -> None:
    for new_id, prefix in ((new_case_id, ""), (new_instrument_id, "I")):
        first = new_id()
        time.sleep(0.002)
        later = new_id()
        assert first < later and len(first) == len(later) == 20
        assert first.startswith(prefix) and int(first[len(prefix):], 16) >= 0
    assert abs(int(new_instrument_id()[1:12], 16) - time.time_ns() // 1_000_000) < 10_000


def test_one_codec_round_trips_enums_optional_times_and_nested_tuples() -> None:
    codec = EventCodec(SampleEvent)
    event = Sample(sample_id="s1", at=T.astimezone(timezone(timedelta(hours=8))), actor="320200-gov",
                   colour=Colour.RED, until=T + timedelta(days=1), pairs=(("沙袋", 20),), moments=(T,))
    payload = codec.to_payload(event)
    assert payload["at"] == "2026-03-02T01:00:00.000000Z" and payload["colour"] == "red"
    assert payload["pairs"] == [["沙袋", 20]] and payload["until"] == "2026-03-03T01:00:00.000000Z"
    assert codec.from_payload(payload) == event
    assert codec.from_payload({**payload, "until": None}).until is None
    older = {k: v for k, v in payload.items() if k != "note"}  # written before the field existed
    assert codec.from_payload(older).note == ""
    with pytest.raises(DomainError, match=r"event\.unknown_type"):
        codec.from_payload({"type": "Nothing"})
    with pytest.raises(DomainError, match=r"time\.naive"):
        codec.to_payload(Sample(sample_id="s", at=datetime(2026, 3, 2), actor="x",  # noqa: DTZ001
                                colour=Colour.RED))


def test_case_and_instrument_events_name_their_aggregate_and_stream() -> None:
    issued = Issued(instrument_id="I1", at=T, actor="320200-gov", kind="directive", title="t", body="",
                    scope="320213", addressees=("320213-gov",))
    decided = Decided(instrument_id="I1", at=T, actor="320200-gov", decision="extend", reason="r", until=T)
    reported = CaseReported(case_id="c1", at=T, actor="reporter", matter="m", severity="routine",
                            affected=("320213001",), description="d", source="citizen")
    assert (issued.aggregate_id, issued.stream) == ("I1", "instrument")
    assert (reported.aggregate_id, reported.stream) == ("c1", "")
    assert not hasattr(issued, "case_id")
    assert Instrument.replay("I1", [issued, decided]).version == 2
    assert Case.unknown("c9").params == {"case_id": "c9"}
    assert Instrument.conflict("I9", 1, "?").params == {"id": "I9", "expected": 1, "actual": "?"}
