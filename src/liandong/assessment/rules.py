"""Assessment rules (``data/assessment.toml``), rankings with month-on-month change, and classes."""

from __future__ import annotations

import math
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from liandong.assessment.attribution import Pilot
from liandong.assessment.engine import Figures
from liandong.domain.errors import DomainError
from liandong.domain.worktime import SHANGHAI

CLASS_KEYS = ("advanced", "improving", "rectify", "governance")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Composite(_Strict):
    response: float = Field(0.1, ge=0, le=1)
    resolution: float = Field(0.5, ge=0, le=1)
    satisfaction: float = Field(0.4, ge=0, le=1)

    @model_validator(mode="after")
    def _sum_to_one(self) -> Composite:
        if abs(self.response + self.resolution + self.satisfaction - 1) > 1e-9:
            raise ValueError("the three weights must add up to 1")
        return self

    @property
    def weights(self) -> tuple[float, float, float]:
        return (self.response, self.resolution, self.satisfaction)


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


class Classes(_Strict):
    min_valid: int = Field(5, ge=0)
    rule: tuple[ClassRule, ...] = ()


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
        out.append(Ranked(r.key, r.rank, r.value, r.previous_rank, r.previous, r.valid, klass))
    return out


def _holds(rule: ClassRule, r: Ranked, n: int) -> bool:
    v = r.value
    assert v is not None and r.rank is not None
    checks = [
        rule.min_composite is None or v >= rule.min_composite,
        rule.max_composite is None or v < rule.max_composite,
        rule.top_share is None or r.rank <= math.ceil(rule.top_share * n),
        rule.bottom_share is None or r.rank > n - math.ceil(rule.bottom_share * n),
        rule.min_change is None or (r.change is not None and r.change >= rule.min_change - 1e-12),
        rule.min_rank_gain is None or (r.rank_gain is not None and r.rank_gain >= rule.min_rank_gain),
    ]
    return all(checks)
