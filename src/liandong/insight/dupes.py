"""重复诉求: reports that describe the same problem at the same place within a few days.

A new report is compared with the open cases around it; those that look like the same problem are
proposed for merging (合并), best first. The score multiplies three factors, so that each can veto:

    score = text similarity × place factor × matter factor

- text similarity (0–1): rapidfuzz on normalised text (place names, numbers, punctuation and filler
  words removed, so that it measures the problem described, not the politeness or the district);
- place: the same township (or one text names the other's township: a problem on a boundary) 1.0,
  another township of the same county ``county_factor``, anywhere else 0;
- matter: the same matter type 1.0, a related one ``related_factor`` (same category, and one's lead
  system is the other's lead or assists it: the matters a dispatcher confuses), any other 0.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

import numpy as np
from rapidfuzz import fuzz
from scipy.sparse import coo_matrix  # type: ignore[import-untyped]
from scipy.sparse.csgraph import connected_components  # type: ignore[import-untyped]

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Level, short_name
from liandong.domain.responsibility import ResponsibilityList

# Politeness, channel and urgency phrases that every report may carry: they say nothing about
# which problem it is. Longest first, so that 相关部门 goes before 部门.
FILLER = tuple(sorted({
    "您好", "你好", "请问", "麻烦", "谢谢", "感谢", "辛苦", "希望", "请求", "恳请", "强烈要求", "要求",
    "相关部门", "有关部门", "职能部门", "政府", "领导", "尽快", "赶快", "赶紧", "马上", "及时", "处理",
    "解决", "管一管", "管管", "核实", "核查", "反映", "投诉", "举报", "咨询", "来电", "市民", "居民",
    "网格员", "巡查发现", "一下", "问题", "情况", "现在", "已经", "非常", "特别", "严重", "一直", "还是",
    "实在", "真的", "我们", "我家", "我是", "这边", "那边", "这里", "那里", "附近", "旁边", "一带",
    "多次", "好几次", "请", "的", "了", "吗", "都", "也", "很", "太", "又", "还",
}, key=len, reverse=True))
_FILLER = re.compile("|".join(re.escape(w) for w in FILLER))
# Numbers (Arabic, or Chinese before a house-number word) become one sign: 28号 = 二十八号 = #号.
_NUMBER = re.compile(r"\d+(?:\.\d+)?|[〇零一二三四五六七八九十百两]+(?=[号栋幢楼单元室层期弄])")
SPOT_SAME, SPOT_OTHER = 80.0, 60.0  # rapidfuzz ratios of two spot names: the same spot, another one
_NOT_TEXT = re.compile(r"[^#a-z\u4e00-\u9fff]+")
# A named spot: a few characters before a word for an estate, a road, a market … (金星小区, 人民路).
_SPOT = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:新村|小区|花园|家园|公寓|大厦|广场|公园|市场|菜场|工业园"
                   r"|学校|小学|中学|大学|医院|路|街|巷|桥|站|河|村|厂|店)")


class PlaceMatch(StrEnum):
    TOWNSHIP = "same_township"
    COUNTY = "same_county"


class MatterMatch(StrEnum):
    SAME = "same_matter"
    RELATED = "related_matter"


@dataclass(frozen=True, slots=True)
class Report:
    """A report as the duplicate finder sees it (``place`` a jurisdiction code, usually a township)."""

    case_id: str
    text: str
    place: str
    matter: str
    received: datetime
    open: bool = True


@dataclass(frozen=True, slots=True)
class Proposal:
    """A case the new report may be merged into, with why."""

    case_id: str
    score: float
    text: float
    place: PlaceMatch
    matter: MatterMatch

    @property
    def reasons(self) -> tuple[str, ...]:
        return (self.place.value, self.matter.value, f"text={self.text:.2f}")


def related_matters(matters: ResponsibilityList) -> dict[str, frozenset[str]]:
    """Matter types a dispatcher may confuse: the same category, and the lead of one leads or
    assists the other (construction_noise and social_life_noise, both led by urban management)."""
    out: dict[str, set[str]] = {code: set() for code in matters.matters}
    items = list(matters.matters.values())
    for i, a in enumerate(items):
        for b in items[i + 1:]:
            if a.category != b.category:
                continue
            if (a.lead and (a.lead == b.lead or a.lead in b.assist)) or (b.lead and b.lead in a.assist):
                out[a.code].add(b.code)
                out[b.code].add(a.code)
    return {code: frozenset(found) for code, found in out.items()}


def normalise(text: str, names: Iterable[str] = ()) -> str:
    """The problem words of a report: full-width folded, ``names`` (places) and filler removed,
    numbers unified, punctuation and spaces dropped."""
    out = unicodedata.normalize("NFKC", text).lower()
    for name in sorted(set(names), key=len, reverse=True):
        if name:
            out = out.replace(name, " ")
    out = _NUMBER.sub("#", out)
    out = _FILLER.sub(" ", out)
    return _NOT_TEXT.sub("", out)


def _bigrams(text: str) -> str:
    return " ".join(text[i:i + 2] for i in range(len(text) - 1)) if len(text) > 1 else text


def spots(text: str) -> list[str]:
    """Named spots in a normalised text (小区, 路, 菜场 … with the words before them)."""
    return _SPOT.findall(text)


def text_similarity(a: str, b: str) -> float:
    """0–1 similarity of two normalised texts.

    The mean of rapidfuzz's token-set ratio over character bigrams (shared phrases in any order)
    and its plain ratio (the same wording); then the named spots, which tell two problems of one
    matter apart: a spot in common closes a quarter of the gap to 1, spots on both sides with none
    in common cost a fifth.
    """
    if not a or not b:
        return 0.0
    score = (fuzz.token_set_ratio(_bigrams(a), _bigrams(b)) + fuzz.ratio(a, b)) / 200.0
    spots_a, spots_b = spots(a), spots(b)
    if spots_a and spots_b:
        best = max(fuzz.ratio(x, y) for x in spots_a for y in spots_b)
        if best >= SPOT_SAME:
            score += (1.0 - score) * 0.25
        elif best < SPOT_OTHER:
            score *= 0.8
    return float(score)


class DuplicateFinder:
    """Proposes merges of a new report into open cases about the same problem (重复诉求合并)."""

    def __init__(self, hierarchy: HierarchyIndex, *, window: timedelta = timedelta(days=3),
                 threshold: float = 0.52, related: Mapping[str, Collection[str]] | None = None,
                 county_factor: float = 0.5, related_factor: float = 0.85) -> None:
        if window <= timedelta(0) or not 0.0 < threshold <= 1.0:
            raise DomainError("insight.bad_parameter", name="window/threshold",
                              value=f"{window}/{threshold}", allowed="window > 0, 0 < threshold ≤ 1")
        self.hierarchy = hierarchy
        self.window = window
        self.threshold = threshold
        self.related = related or {}
        self.county_factor = county_factor
        self.related_factor = related_factor
        self._places: dict[str, tuple[str | None, tuple[str, ...], tuple[str, ...]]] = {}
        self._texts: dict[tuple[str, str], str] = {}

    # -- the three factors ----------------------------------------------------------------------
    def _place(self, code: str) -> tuple[str | None, tuple[str, ...], tuple[str, ...]]:
        """The county of a place, its own names (full, short) and the names along its path."""
        found = self._places.get(code)
        if found is None:
            unit = self.hierarchy.get(code)
            county = self.hierarchy.ancestor_at(code, Level.COUNTY)
            path = [u for u in self.hierarchy.path(code) if u.level > Level.CENTRAL]
            names = tuple(u.name for u in path)  # full names only: 瞻江 stays in 瞻江新村
            own = tuple(n for n in (unit.name, short_name(unit.name)) if len(n) >= 2)
            found = self._places[code] = (county.code if county else None, own, names)
        return found

    def place_match(self, a: Report, b: Report) -> PlaceMatch | None:
        if a.place == b.place:
            return PlaceMatch.TOWNSHIP
        county_a, own_a, _ = self._place(a.place)
        county_b, own_b, _ = self._place(b.place)
        if any(n in b.text for n in own_a) or any(n in a.text for n in own_b):
            return PlaceMatch.TOWNSHIP  # one report names the other's township: a boundary problem
        if county_a is not None and county_a == county_b:
            return PlaceMatch.COUNTY
        return None

    def matter_match(self, a: str, b: str) -> MatterMatch | None:
        if a == b:
            return MatterMatch.SAME
        if b in self.related.get(a, ()) or a in self.related.get(b, ()):
            return MatterMatch.RELATED
        return None

    def _normalised(self, report: Report, other: Report) -> str:
        key = (report.case_id, other.place)
        found = self._texts.get(key)
        if found is None:
            names = self._place(report.place)[2] + self._place(other.place)[2]
            found = normalise(report.text, names)
            if len(self._texts) > 100_000:
                self._texts.clear()
            self._texts[key] = found
        return found

    def compare(self, a: Report, b: Report) -> Proposal | None:
        """How likely ``b`` is the same problem as ``a`` (None: ruled out by time, place or matter)."""
        if abs(a.received - b.received) > self.window:
            return None
        matter = self.matter_match(a.matter, b.matter)
        if matter is None:
            return None
        place = self.place_match(a, b)
        if place is None:
            return None
        text = text_similarity(self._normalised(a, b), self._normalised(b, a))
        score = (text * (1.0 if place is PlaceMatch.TOWNSHIP else self.county_factor)
                 * (1.0 if matter is MatterMatch.SAME else self.related_factor))
        return Proposal(b.case_id, round(score, 4), round(text, 4), place, matter)

    # -- the two uses -----------------------------------------------------------------------------
    def propose(self, new: Report, candidates: Iterable[Report]) -> list[Proposal]:
        """Open cases the new report may duplicate, best first (closed cases are not merged into:
        a problem reported again after closure is a recurrence, counted by the hotspot module)."""
        found = [p for c in candidates
                 if c.open and c.case_id != new.case_id
                 and (p := self.compare(new, c)) is not None and p.score >= self.threshold]
        found.sort(key=lambda p: (-p.score, p.case_id))
        return found

    def groups(self, reports: Sequence[Report]) -> list[list[str]]:
        """Clusters of a batch that are one problem (connected by proposals above the threshold),
        largest first, each in the order received; single reports are left out."""
        order = sorted(range(len(reports)), key=lambda i: reports[i].received)
        rows: list[int] = []
        cols: list[int] = []
        for pos, i in enumerate(order):
            for j in order[pos + 1:]:
                if reports[j].received - reports[i].received > self.window:
                    break
                p = self.compare(reports[i], reports[j])
                if p is not None and p.score >= self.threshold:
                    rows.append(i)
                    cols.append(j)
        n = len(reports)
        graph = coo_matrix((np.ones(len(rows)), (rows, cols)), shape=(n, n))
        _, labels = connected_components(graph, directed=False)
        clusters: dict[int, list[int]] = {}
        for i in order:
            clusters.setdefault(int(labels[i]), []).append(i)
        out = [[reports[i].case_id for i in members] for members in clusters.values() if len(members) > 1]
        out.sort(key=lambda g: -len(g))
        return out
