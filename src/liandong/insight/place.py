"""Place from text (地址解析): the deepest unit of the national list that an address or a whole
citizen report names, down to the township, or an honest "ambiguous" / "not found".

How it decides:

1. **Forms.** Every unit is written by its official name, its short name (suffix 省/市/区/县/
   街道/镇/乡/苏木… dropped) and, for autonomous units, the name without the peoples (恩施州,
   恩施); see ``place_names``. One Aho–Corasick automaton (``pyahocorasick``) over all ~100,000
   forms finds every form in the text in one pass; a form lying inside a longer one (无锡 in
   无锡市, 城区 in 东城区) is dropped.
2. **Weak evidence.** A short form may be an ordinary word (小店, 平房, 公安, 交通) or straddle
   one (三天水变黄 holds 天水). Two-character short names that are ordinary words count only in
   their full form: a reviewed list for provinces, cities and counties, jieba's dictionary for
   townships (``place_names``). A short form, or any two-character name, found in a text is
   dropped when a road or landmark word follows it (南京路, 中山公园, 革新街) or when the
   characters across its edge make a common word of jieba's dictionary (今|天水 → 今天, so no
   天水; a following 人 never breaks: 厦门人). Full names of three characters or more are never
   second-guessed.
3. **Standalone or confirmed.** Full names (3+ characters), short names of provinces, cities and
   counties of 3+ characters, and two-character short names of provinces and cities that name
   one place only and are not common words (无锡, 东莞, 江苏) may name a place on their own.
   Every other form (two-character county names such as 浦东 or 朝阳, township short names such
   as 望京 or 虎门) counts only when another mention in the text names an ancestor or a
   descendant of the same unit: "朝阳区望京" and "东莞虎门" resolve, a lone "望京" does not.
4. **Chains.** Each candidate unit collects the mentions that name it or its ancestors, each
   mention once, each unit of the path by its best mention, weighted (full name 1.0 down to a
   two-character township name 0.5). A candidate with a deeper candidate below it is subsumed.
   The best-supported chain wins; two unrelated chains with the same support are "ambiguous"
   (两个新华区), never guessed; a text naming a second place in passing keeps the better one
   (北京市朝阳区望京街道 beats 海淀区).
"""

from __future__ import annotations

import gc
import math
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal, NamedTuple

import ahocorasick  # type: ignore[import-not-found]  # a C extension without stubs

from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction
from liandong.insight.place_names import Form, build_table, read_lexicon

Status = Literal["resolved", "ambiguous", "not_found"]

# After a short form, these words (and 街 not followed by 道 or 办) make it the name of a road or
# landmark, not of the place.
LANDMARK_WORDS = (
    "路", "东路", "西路", "南路", "北路", "中路", "大街", "大道", "巷", "弄", "胡同", "公园", "广场",
    "医院", "小学", "中学", "大学", "书店", "宾馆", "饭店", "酒店", "大厦", "花园", "商场", "银行",
)
_LANDMARK_FIRST = frozenset(w[0] for w in LANDMARK_WORDS) | {"街"}  # 街 but not 街道 / 街办
PAIR_FLOOR, LONG_FLOOR = 100, 500  # jieba frequencies below which a straddling word is ignored
_CANDIDATES_IN_ERROR = 5
_ORDER_FLOOR = 50  # jieba words rarer than this do not change the order of the root characters
_OTHER, _STOP = "\x02", "\x01"  # folded characters of no form; end of the root-order keys


class Evidence(NamedTuple):
    """One mention the answer rests on: the form found, where, and the unit it was read as."""

    name: str
    start: int
    end: int
    code: str


@dataclass(frozen=True, slots=True)
class PlaceMatch:
    """The outcome for one text; ``unit`` is set only when ``status`` is "resolved"."""

    status: Status
    unit: Jurisdiction | None
    candidates: tuple[Jurisdiction, ...]
    evidence: tuple[Evidence, ...]
    confidence: float


_NOT_FOUND = PlaceMatch("not_found", None, (), (), 0.0)


def _by_start(evidence: Evidence) -> tuple[int, str]:
    return evidence.start, evidence.code


_Hit = tuple[int, int, str, tuple[Form, ...]]  # start, end (exclusive), form, what it names


def _automaton(forms: dict[str, tuple[Form, ...]], lexicon: dict[str, int]) -> tuple[Any, dict[int, str]]:
    """The automaton over all forms, and the table folding every other character into one.

    pyahocorasick looks a character up among a node's children one by one, and the root has
    some 3,000 (every character of every form). So the text is first folded (characters of no
    form become ``_OTHER``), and every character gets a root child in order of its frequency in
    jieba's dictionary, through a key ending in ``_STOP`` (never in a folded text, so never
    reported): about three times faster on report texts.
    """
    chars = {c for form in forms for c in form}
    weight: Counter[str] = Counter()
    for word, count in lexicon.items():
        if count >= _ORDER_FLOOR:
            weight[word[0]] += count
            weight[word[1]] += count
    automaton = ahocorasick.Automaton()
    automaton.add_word(_OTHER + _STOP, None)
    for c in sorted(chars, key=lambda c: (-weight[c], c)):
        automaton.add_word(c + _STOP, None)
    for form, entries in forms.items():
        automaton.add_word(form, (len(form), form, entries))
    automaton.make_automaton()
    fold = {i: _OTHER for i in range(0x10000) if chr(i) not in chars}
    return automaton, fold


class PlaceResolver:
    """Resolves texts to jurisdictions with the rules of the module docstring; built once."""

    def __init__(self, hierarchy: HierarchyIndex) -> None:
        self.hierarchy = hierarchy
        collecting = gc.isenabled()
        gc.disable()  # ~200,000 long-lived objects: cyclic collection passes only slow the build
        try:
            lexicon = read_lexicon()
            table = build_table(hierarchy, lexicon)
            self._units = table.units
            self._ancestors = table.ancestors
            self._floor = {f: PAIR_FLOOR if len(f) <= 2 else LONG_FLOOR for f in table.checked}
            self._words = {w: n for w, n in lexicon.items() if w not in table.forms}
            self._automaton, self._fold = _automaton(table.forms, lexicon)
        finally:
            if collecting:
                gc.enable()

    # -- public contract ----------------------------------------------------------------
    def resolve(self, text: str) -> Jurisdiction:
        """The deepest named unit (same contract as ``PlaceIndex.resolve``); raises otherwise."""
        found = self.match(text)
        if found.unit is not None:
            return found.unit
        if found.status == "not_found":
            raise DomainError("place.not_found", text=text)
        raise DomainError("place.ambiguous", text=text, candidates="、".join(
            " ".join(a.name for a in self.hierarchy.path(u.code)[1:])
            for u in found.candidates[:_CANDIDATES_IN_ERROR]))

    def match_many(self, texts: Iterable[str]) -> list[PlaceMatch]:
        return [self.match(text) for text in texts]

    def match(self, text: str) -> PlaceMatch:
        """The outcome for one text, never raising."""
        hits = self._hits(text)
        if not hits:
            return _NOT_FOUND
        named: dict[int, list[tuple[int, int, bool]]] = {}  # unit -> [(hit, weight, standalone)]
        for h, (_, _, _, entries) in enumerate(hits):
            for unit, weight, alone, _ in entries:
                mentions = named.get(unit)
                if mentions is None:
                    named[unit] = [(h, weight, alone)]
                else:
                    mentions.append((h, weight, alone))
        ancestors = self._ancestors
        chains: dict[int, tuple[int, dict[int, int]]] = {}  # unit -> (support, {hit: unit read})
        for unit, own in named.items():
            path = ancestors[unit]
            if len(own) == 1 and not own[0][2] and not any(a in named for a in path[1:]):
                continue  # a lone weak mention
            support, used, alone = 0, {}, False
            for a in path:
                mentions = named.get(a)
                if mentions is None:
                    continue
                best = 0
                for h, weight, standalone in mentions:
                    if h not in used:
                        used[h] = a
                        best = max(best, weight)
                        alone = alone or standalone
                support += best
            if alone or len(set(used.values())) >= 2:
                chains[unit] = (support, used)
        if not chains:
            return _NOT_FOUND
        return self._decide(hits, chains)

    def _decide(self, hits: list[_Hit], chains: dict[int, tuple[int, dict[int, int]]]) -> PlaceMatch:
        """The best-supported chain not subsumed by a deeper one, or the tie between several."""
        ancestors, units = self._ancestors, self._units
        if len(chains) == 1:
            leaves = list(chains)
        else:
            subsumed = {a for unit in chains for a in ancestors[unit][1:]}
            leaves = [u for u in chains if u not in subsumed]
        top, best, runner_up = 0, [], 0
        for u in leaves:
            support = chains[u][0]
            if support > top:
                top, best, runner_up = support, [u], top
            elif support == top:
                best.append(u)
            elif support > runner_up:
                runner_up = support
        strength = 1.0 - math.exp(-top / 10)
        if len(best) == 1:
            unit = units[best[0]]
            evidence = tuple(sorted((Evidence(hits[h][2], hits[h][0], hits[h][1], units[a].code)
                                     for h, a in chains[best[0]][1].items()), key=_by_start))
            confidence = strength * (1.0 - 0.5 * runner_up / top)
            return PlaceMatch("resolved", unit, (unit,), evidence, round(confidence, 3))
        best.sort(key=lambda u: units[u].code)
        evidence = tuple(sorted({Evidence(hits[h][2], hits[h][0], hits[h][1], units[a].code)
                                 for u in best for h, a in chains[u][1].items()}, key=_by_start))
        candidates = tuple(units[u] for u in best)
        return PlaceMatch("ambiguous", None, candidates, evidence, round(strength / len(best), 3))

    # -- mentions -----------------------------------------------------------------------
    def _hits(self, text: str) -> list[_Hit]:
        """Forms found in the text, without those inside a longer one or dropped as words."""
        found = [(end + 1 - size, end + 1, form, entries)
                 for end, (size, form, entries) in self._automaton.iter(text.translate(self._fold))]
        if len(found) > 1:
            found.sort(key=lambda f: (f[0], -f[1]))
        hits: list[_Hit] = []
        reach = -1
        checked = self._floor
        for hit in found:
            start, end, form, entries = hit
            if end <= reach:
                continue  # inside a longer form found before
            reach = end
            if form in checked and self._is_word_part(text, start, end, form):
                entries = tuple(e for e in entries if e.full and len(form) >= 3)
                if not entries:
                    continue
                hit = (start, end, form, entries)
            hits.append(hit)
        return hits

    def _is_word_part(self, text: str, start: int, end: int, form: str) -> bool:
        """True when the short form names a road or landmark, or sits inside a commoner word."""
        if end < len(text) and text[end] in _LANDMARK_FIRST:
            after = text[end:end + 2]
            if any(after.startswith(w) for w in LANDMARK_WORDS):
                return True
            if after[0] == "街" and after[1:] not in "道办":
                return True
        floor = self._floor[form]
        words = self._words
        if start > 0 and words.get(text[start - 1:start + 1], 0) >= floor:
            return True
        return end < len(text) and text[end] != "人" and words.get(text[end - 1:end + 1], 0) >= floor
