"""The rules of fair assessment (issue 25 point 5) in ``data/assessment.toml``: tiers of comparable
units (分级分类), clock stops, exclusions and the callback verification comparison. Each is off (or
neutral) by default, so that today's figures stay as they were unless a city asks otherwise."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

STOPS = ("citizen", "return", "shelved", "extension", "resource")
"""The waits a clock stop may exclude from the on-time measures (``assessment.fair``):

- ``citizen``  waiting for the reporter, CasePaused → CaseUnpaused;
- ``return``   a return awaiting its ruling, CaseReturned → ReturnDecided / CaseRedispatched / CaseEscalated;
- ``shelved``  挂账 long-running works, CaseShelved → CaseResumed / CaseResolved;
- ``extension`` an extension request awaiting its decision, ExtensionRequested → ExtensionDecided
  (only when refused: an approved one moved the deadline to the date asked for);
- ``resource`` a resource request awaiting the level above, ResourceRequested → ResourceDecided.

The first three are already stopped by the case itself (the deadline moves on unpause, starts
anew after a ruling, and is the shelving date while shelved); listing them changes nothing but
says so. The last two are waits the case's deadline runs through today."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Tiers(_Strict):
    """分级分类: units are ranked and classed only against comparable ones — the same level (a
    department's unit's level) and, with ``volume_bands``, the same band of cases received."""

    enabled: bool = False
    by_level: bool = True
    # the lower bounds of the bands above the first, ascending: [100, 500] → <100, 100–499, ≥500
    volume_bands: tuple[int, ...] = ()

    @model_validator(mode="after")
    def _ascending(self) -> Tiers:
        bands = self.volume_bands
        if any(b < 1 for b in bands) or list(bands) != sorted(set(bands)):
            raise ValueError("volume_bands must be whole numbers ≥ 1, ascending, each once")
        return self

    def band(self, received: float) -> int:
        """The band of a unit that received ``received`` cases (0 for the first)."""
        return sum(1 for b in self.volume_bands if received >= b)

    def band_label(self, band: int) -> str:
        bounds = (0, *self.volume_bands)
        low = bounds[band]
        return f"≥{low}" if band == len(bounds) - 1 else f"{low}–{bounds[band + 1] - 1}"


class ClockStops(_Strict):
    """The waits excluded from the on-time measures (按时办结率, 协办按时率)."""

    stops: tuple[Literal["citizen", "return", "shelved", "extension", "resource"], ...] = ()


class Verification(_Strict):
    """回访核实: a unit's self-reported satisfaction (the first call) and that of its independent
    sample (the second call) diverge when they differ by more than ``max_gap`` with at least
    ``min_sample`` verified calls."""

    max_gap: float = Field(0.1, ge=0, le=1)
    min_sample: int = Field(3, ge=1)


class Exclusions(_Strict):
    """不合理诉求 / 超出职能: cases the centre ruled so (and any appeal upheld) leave the rates."""

    enabled: bool = False
