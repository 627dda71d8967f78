"""The simulator's parameters: one TOML file (``data/simulation.toml``), validated on load.

A bad value names the key and what is allowed; a sweep or a command-line option overrides a
value by its dotted key (``handling.capacity=2``).
"""

from __future__ import annotations

import tomllib
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from liandong.domain.errors import DomainError
from liandong.simulation.retelling import fit

LEVEL_KEYS = ("central", "province", "city", "county", "township")
SEVERITY_KEYS = ("routine", "IV", "III", "II", "I")
MODES = ("siloed", "relay", "linkage")
Probability = float


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Profile(_Strict):
    hour: list[float] = Field(min_length=24, max_length=24)
    weekday: list[float] = Field(min_length=7, max_length=7)

    @field_validator("hour", "weekday")
    @classmethod
    def _positive(cls, values: list[float]) -> list[float]:
        if any(v < 0 for v in values) or sum(values) <= 0:
            raise ValueError("weights must be ≥ 0 with a positive sum")
        return values


class Arrivals(_Strict):
    per_township_per_day: float = Field(gt=0)
    kind_weight: dict[str, float]
    profile: Profile


class Matters(_Strict):
    category_weight: dict[str, float]
    rural_boost: dict[str, float] = {}
    severity: dict[Literal["IV", "III", "II", "I"], Probability]


class Boundary(_Strict):
    township: Probability = Field(ge=0, le=1)
    county: Probability = Field(ge=0, le=1)
    city: Probability = Field(ge=0, le=1)
    province: Probability = Field(ge=0, le=1)


class Heat(_Strict):
    per_city_per_30_days: float = Field(ge=0)
    reports_mean: float = Field(ge=0)
    spread_hours: float = Field(gt=0)
    heat: int = Field(ge=0, le=100)


class Surge(_Strict):
    """An injected surge: extra reports of one matter at one place (a township, or a county whose
    townships share them by volume) from ``start_day`` (days from the start of the run, fractional
    allowed) for ``duration_days``: ``extra_per_day`` more a day, plus ``multiplier`` − 1 times the
    place's own rate of the matter. Place and matter are checked against the run's scope."""

    place: str = Field(min_length=1)
    matter: str = Field(min_length=1)
    start_day: float = Field(ge=0)
    duration_days: float = Field(gt=0)
    extra_per_day: float = Field(default=0.0, ge=0)
    multiplier: float = Field(default=1.0, ge=1)

    @model_validator(mode="after")
    def _adds_something(self) -> Surge:
        if self.extra_per_day <= 0 and self.multiplier <= 1:
            raise ValueError("a surge needs extra_per_day > 0 or multiplier > 1")
        return self


class Intake(_Strict):
    dispatch_minutes: float = Field(gt=0)
    operators_per_100_daily: float = Field(gt=0)
    misroute: Probability = Field(ge=0, le=1)


class Handling(_Strict):
    lead_wh: dict[Literal["central", "province", "city", "county", "township"], float]
    assist_wh: float = Field(gt=0)
    sigma: float = Field(ge=0)
    ack_wh: float = Field(ge=0)
    urgent_share: float = Field(gt=0, le=1)
    severity_factor: dict[Literal["routine", "IV", "III", "II", "I"], float]
    utilisation: float = Field(gt=0, le=1)
    max_handlers: dict[Literal["central", "province", "city", "county", "township"], int]
    min_handlers: int = Field(ge=1)
    capacity: float = Field(gt=0)
    office_hours: bool = True


Mode = Literal["siloed", "relay", "linkage"]


class Linkage(_Strict):
    coordination_wh: float = Field(ge=0)  # without co-presence: letters per extra affected place
    copresence_wh: float = Field(default=1.0, ge=0)  # staff time of each level present, charged to the mode


class Escalation(_Strict):
    """提级 / 催办 / 督办: at ``after`` percent of the limit past the deadline the level above leads;
    without the shared record it learns of the lapse from paper returns ``paper_lag_wh`` later."""

    after: int = Field(ge=0)
    paper_lag_wh: float = Field(default=35.0, ge=0)


class Mechanisms(_Strict):
    """Which mode has which switchable mechanism (issue 26): each a list of modes. The structure of
    a mode (who receives, who decides the owner) is not switched: it is what the mode is."""

    shared_record: list[Mode] = ["linkage"]  # 信息对称: one record every level reads, timestamped
    co_presence: list[Mode] = ["linkage"]  # 共同在场: the team spans the levels on one record
    escalation: list[Mode] = ["siloed", "relay", "linkage"]  # the chain (statutory in every mode)


class Retelling(_Strict):
    """An observed retelling chain: after ``hops`` retellings a share ``retained`` of the details
    remains (``source`` says whose figure)."""

    hops: float = Field(gt=0)
    retained: Probability = Field(gt=0, le=1)
    source: str = Field(min_length=1)


class Relay(_Strict):
    hop_wh: float = Field(ge=0)
    # None: fitted by the retelling model to ``retelling`` (simulation/retelling.py); a value overrides it
    fact_loss: Probability | None = Field(default=None, ge=0, le=1)
    retelling: list[Retelling] = Field(default=[], min_length=0)
    downgrade: Probability = Field(ge=0, le=1)
    return_wh: float = Field(ge=0)
    facts: list[str] = Field(min_length=1)

    @model_validator(mode="after")
    def _loss_known(self) -> Relay:
        if self.fact_loss is None and not self.retelling:
            raise ValueError("set relay.fact_loss or give [[relay.retelling]] observations to fit it")
        return self

    @property
    def loss_per_hop(self) -> float:
        """The probability that a hop drops a key fact: ``fact_loss`` if set, else the retelling fit."""
        if self.fact_loss is not None:
            return self.fact_loss
        return fit([(o.hops, o.retained) for o in self.retelling]).loss_per_hop


class Siloed(_Strict):
    re_report_days: float = Field(ge=0)
    partial_ok: Probability = Field(ge=0, le=1)


class Rating(_Strict):
    on_time_complete: tuple[float, float]
    late_complete: tuple[float, float]
    on_time_incomplete: tuple[float, float]
    late_incomplete: tuple[float, float]


class SimulationConfig(_Strict):
    version: str
    start: datetime
    arrivals: Arrivals
    matters: Matters
    boundary: Boundary
    heat: Heat
    intake: Intake
    handling: Handling
    linkage: Linkage
    escalation: Escalation
    mechanisms: Mechanisms = Mechanisms()
    relay: Relay
    siloed: Siloed
    rating: Rating
    surges: list[Surge] = []

    @field_validator("start")
    @classmethod
    def _aware(cls, value: datetime) -> datetime:
        if value.utcoffset() is None:
            raise ValueError("start needs a UTC offset, e.g. 2026-03-02T00:00:00+08:00")
        return value

    def with_overrides(self, overrides: dict[str, Any]) -> SimulationConfig:
        """A copy with dotted keys replaced (``{"handling.capacity": 2}``), validated again."""
        data = self.model_dump(mode="json")
        for dotted, value in overrides.items():
            node = data
            *parents, last = dotted.split(".")
            for key in parents:
                if not isinstance(node.get(key), dict):
                    raise DomainError("simulation.bad_key", key=dotted)
                node = node[key]
            if last not in node:
                raise DomainError("simulation.bad_key", key=dotted)
            node[last] = value
        return _validate(data, "overrides")


def _validate(data: dict[str, Any], source: str) -> SimulationConfig:
    try:
        return SimulationConfig.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        key = ".".join(str(p) for p in first["loc"])
        raise DomainError("simulation.bad_config", source=source, key=key,
                          problem=first["msg"]) from None


def default_config_text() -> str:
    return resources.files("liandong.data").joinpath("simulation.toml").read_text(encoding="utf-8")


def load_config(path: Path | None = None) -> SimulationConfig:
    """The default configuration, or the file at ``path``."""
    if path is None:
        text, source = default_config_text(), "simulation.toml"
    else:
        text, source = path.read_text(encoding="utf-8"), str(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise DomainError("simulation.bad_config", source=source, key="", problem=str(exc)) from None
    return _validate(data, source)


def parse_override(text: str) -> tuple[str, Any]:
    """``key=value`` with the value read as TOML (numbers, booleans, strings)."""
    key, sep, raw = text.partition("=")
    if not sep or not key.strip():
        raise DomainError("simulation.bad_override", value=text)
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return key.strip(), value
