"""Assessment rules (``data/assessment.toml``), rankings with month-on-month change, and classes."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator
from pydantic_core import PydanticCustomError

from liandong.assessment.attribution import Pilot
from liandong.assessment.engine import RATES, Figures
from liandong.assessment.fair_rules import ClockStops, Exclusions, Tiers, Verification
from liandong.domain.errors import DomainError
from liandong.domain.worktime import SHANGHAI

CLASS_KEYS = ("advanced", "improving", "rectify", "governance")
_THREE = ("response", "resolution", "satisfaction")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Composite(BaseModel):
    """三率综合 weights: the three rates, and (issue 25) any other rankable indicator by its name
    (``summons_in_time = 0.1``…); all in [0, 1], adding up to 1."""

    model_config = ConfigDict(extra="allow", frozen=True)
    response: float = Field(0.1, ge=0, le=1)
    resolution: float = Field(0.5, ge=0, le=1)
    satisfaction: float = Field(0.4, ge=0, le=1)

    @model_validator(mode="after")
    def _sum_to_one(self) -> Composite:
        for name, value in (self.model_extra or {}).items():
            if name not in RATES or name in _THREE:
                raise PydanticCustomError("composite_weight", "{name}: not an indicator ({allowed})",
                                          {"name": name, "value": str(value),
                                           "allowed": ", ".join(n for n in RATES if n not in _THREE)})
            if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
                raise PydanticCustomError("composite_weight", "{name}: {value} is not a weight in [0, 1]",
                                          {"name": name, "value": str(value), "allowed": "0–1"})
        total = sum(self.weights) + sum(w for _, w in self.extra_weights)
        if abs(total - 1) > 1e-9:
            listed = ", ".join(f"{n} = {w:g}" for n, w in (*zip(_THREE, self.weights, strict=True),
                                                             *self.extra_weights))
            raise PydanticCustomError("composite_sum", "the weights add up to {total}, not 1 ({weights})",
                                      {"total": f"{total:g}", "weights": listed})
        return self

    @property
    def weights(self) -> tuple[float, float, float]:
        return (self.response, self.resolution, self.satisfaction)

    @property
    def extra_weights(self) -> tuple[tuple[str, float], ...]:
        """The weights of the indicators beyond the three rates (collaboration…), by name."""
        return tuple((n, float(w)) for n, w in sorted((self.model_extra or {}).items()) if w)


class PeriodRule(_Strict):
    cutoff_day: int = Field(19, ge=1, le=28)


class ClassRule(_Strict):
    key: Literal["advanced", "improving", "rectify", "governance"]
    min_composite: float | None = Field(None, ge=0, le=1)
    max_composite: float | None = Field(None, ge=0, le=1)
    top_share: float | None = Field(None, gt=0, le=1)
    bottom_share: float | None = Field(None, gt=0, le=1)
    min_change: float | None = Field(None, ge=-1, le=1)
    min_rank_gain: int | None = Field(None, ge=1)
    # the value thresholds of an indicator's own rules (``[[classes.indicator.<name>.rule]]``)
    min_value: float | None = Field(None, ge=0, le=1)
    max_value: float | None = Field(None, ge=0, le=1)


class IndicatorClasses(_Strict):
    rule: tuple[ClassRule, ...] = ()


class Classes(_Strict):
    min_valid: int = Field(5, ge=0)
    rule: tuple[ClassRule, ...] = ()
    # per indicator, its own rules (issue 25: the composite's thresholds are not applied to another
    # indicator; an indicator without rules of its own is ranked but not classed)
    indicator: dict[str, IndicatorClasses] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _known(self) -> Classes:
        for name in self.indicator:
            if name not in RATES:
                raise ValueError(f"indicator {name!r} is not one of {', '.join(RATES)}")
        return self

    def of(self, indicator: str) -> Classes:
        """The rules that class a ranking by ``indicator``: the composite's own, or the indicator's."""
        if indicator == "composite":
            return self
        own = self.indicator.get(indicator)
        return Classes(min_valid=self.min_valid, rule=own.rule if own is not None else ())


class PilotRule(_Strict):
    name: str = Field(min_length=1)
    scope: str = Field(min_length=2, max_length=12)
    start: date
    end: date
    matters: tuple[str, ...] = ()


class AssessmentRules(_Strict):
    composite: Composite = Field(default_factory=Composite)
    period: PeriodRule = Field(default_factory=PeriodRule)
    classes: Classes = Field(default_factory=Classes)
    pilots: tuple[PilotRule, ...] = ()
    tiers: Tiers = Field(default_factory=Tiers)
    clock_stops: ClockStops = Field(default_factory=ClockStops)
    verification: Verification = Field(default_factory=Verification)
    exclusions: Exclusions = Field(default_factory=Exclusions)

    def pilot_list(self) -> list[Pilot]:
        def moment(d: date) -> datetime:
            return datetime.combine(d, time(0), tzinfo=SHANGHAI)
        return [Pilot(p.name, p.scope, moment(p.start), moment(p.end), frozenset(p.matters))
                for p in self.pilots]


def load_rules(path: Path | None = None) -> AssessmentRules:
    """The rules of ``path``, or the shipped ``data/assessment.toml``; a clear error naming the
    field that is wrong and what is allowed."""
    try:
        if path is None:
            text = resources.files("liandong.data").joinpath("assessment.toml").read_text("utf-8")
        else:
            text = path.read_text("utf-8")
        raw: dict[str, Any] = tomllib.loads(text)
        return AssessmentRules.model_validate(raw)
    except OSError as exc:
        raise DomainError("assessment.rules_unreadable", path=str(path), error=str(exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise DomainError("assessment.rules_invalid", path=str(path or "assessment.toml"),
                          error=str(exc)) from None
    except ValidationError as exc:
        first = exc.errors()[0]
        ctx = first.get("ctx") or {}
        if first["type"] == "composite_weight":
            raise DomainError("assessment.bad_weight", path=str(path or "assessment.toml"), name=ctx["name"],
                              value=ctx["value"], allowed=ctx["allowed"]) from None
        if first["type"] == "composite_sum":
            raise DomainError("assessment.weights_sum", path=str(path or "assessment.toml"),
                              total=ctx["total"], weights=ctx["weights"]) from None
        where = ".".join(str(p) for p in first["loc"])
        raise DomainError("assessment.rules_invalid", path=str(path or "assessment.toml"),
                          error=f"{where}: {first['msg']}") from None


# -- rankings and classes -------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Ranked:
    """A unit's place by an indicator, with the period before (环比) and its class."""

    key: str
    rank: int | None  # None: no value to rank by
    value: float | None
    previous_rank: int | None
    previous: float | None
    valid: int  # valid follow-ups (a unit with too few is ranked but not classed)
    klass: str = ""
    tier: str = ""  # 分级分类: the tier it was ranked in ("" when not tiered)

    @property
    def change(self) -> float | None:
        return None if self.value is None or self.previous is None else self.value - self.previous

    @property
    def rank_gain(self) -> int | None:
        return None if self.rank is None or self.previous_rank is None else self.previous_rank - self.rank


def _ranks(values: Mapping[str, float | None], lower_is_better: bool) -> dict[str, int]:
    """Competition ranks (1, 2, 2, 4) of the keys with a value; best first."""
    sign = 1 if lower_is_better else -1
    order = sorted((k for k, v in values.items() if v is not None),
                   key=lambda k: (sign * (values[k] or 0), k))
    out: dict[str, int] = {}
    for i, key in enumerate(order):
        prev = order[i - 1] if i else None
        out[key] = out[prev] if prev is not None and values[prev] == values[key] else i + 1
    return out


def rank(current: Mapping[str, Figures], previous: Mapping[str, Figures], indicator: str = "composite",
         *, lower_is_better: bool = False, rules: Classes | None = None) -> list[Ranked]:
    """Units by ``indicator``, best first (those without a value last, by key), each with its rank
    in the period before and, with ``rules``, its class."""
    now = {k: f.value(indicator) for k, f in current.items()}
    before = {k: f.value(indicator) for k, f in previous.items()}
    ranks, old = _ranks(now, lower_is_better), _ranks(before, lower_is_better)
    rows = [Ranked(k, ranks.get(k), now[k], old.get(k), before.get(k), int(current[k].counts.get("valid", 0)))
            for k in current]
    rows.sort(key=lambda r: (r.rank is None, r.rank or 0, r.key))
    if rules is not None:
        rows = classify(rows, rules)
    return rows


def classify(rows: Sequence[Ranked], rules: Classes) -> list[Ranked]:
    """The class of each ranked unit: the first rule whose conditions all hold."""
    ranked = [r for r in rows if r.rank is not None]
    n = len(ranked)
    out = []
    for r in rows:
        klass = ""
        if r.rank is not None and r.valid >= rules.min_valid:
            for rule in rules.rule:
                if _holds(rule, r, n):
                    klass = rule.key
                    break
        out.append(r if klass == r.klass else replace(r, klass=klass))
    return out


def _holds(rule: ClassRule, r: Ranked, n: int) -> bool:
    v = r.value
    assert v is not None and r.rank is not None
    checks = [
        rule.min_composite is None or v >= rule.min_composite,
        rule.max_composite is None or v < rule.max_composite,
        rule.min_value is None or v >= rule.min_value,
        rule.max_value is None or v < rule.max_value,
        rule.top_share is None or r.rank <= math.ceil(rule.top_share * n),
        rule.bottom_share is None or r.rank > n - math.ceil(rule.bottom_share * n),
        rule.min_change is None or (r.change is not None and r.change >= rule.min_change - 1e-12),
        rule.min_rank_gain is None or (r.rank_gain is not None and r.rank_gain >= rule.min_rank_gain),
    ]
    return all(checks)
