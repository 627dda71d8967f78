"""Place from text: texts per second of ``PlaceResolver`` on simulated report texts, side by side
with the first resolver (``PlaceIndex``) as the baseline, their agreement, and the build time.

The texts come from the simulator's templates (``ReportTexts``) at townships drawn uniformly
from the national list, so the true township of every text is known.

Run: .venv/bin/python bench/bench_insight_place.py [--texts 20000] [--seed 7] [--repeat 3]
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable

from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.domain.errors import DomainError
from liandong.domain.hierarchy import HierarchyIndex, Jurisdiction, Level
from liandong.domain.places import PlaceIndex
from liandong.insight.place import PlaceResolver
from liandong.simulation.texts import ReportTexts

TARGET = 10_000  # texts per second on one core


def report_texts(hierarchy: HierarchyIndex, n: int, seed: int) -> list[tuple[str, str]]:
    """``n`` (text, true township code) pairs: a random township and matter for each draw."""
    matters = default_catalogue().matters
    texts = ReportTexts.load(matters)
    townships = [u.code for u in hierarchy if u.level is Level.TOWNSHIP]
    codes = sorted(matters.matters)
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        place = rng.choice(townships)
        out.append((texts.render(hierarchy, matter=rng.choice(codes), place=place, draw=rng.randrange(10**6)),
                    place))
    return out


def timed(resolve: Callable[[str], Jurisdiction | None], texts: list[str],
          repeat: int) -> tuple[float, list[str | None]]:
    """Texts per second (the best of ``repeat`` passes: the machine may be shared) and answers."""
    best = 0.0
    answers: list[Jurisdiction | None] = []
    for _ in range(repeat):
        start = time.perf_counter()
        answers = [resolve(t) for t in texts]
        best = max(best, len(texts) / (time.perf_counter() - start))
    return best, [a.code if a is not None else None for a in answers]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--repeat", type=int, default=3, help="timed passes; the best one counts")
    args = parser.parse_args()
    hierarchy = national_hierarchy()
    pairs = report_texts(hierarchy, args.texts, args.seed)
    texts = [t for t, _ in pairs]
    truth = [c for _, c in pairs]

    build = float("inf")
    for _ in range(args.repeat):
        start = time.perf_counter()
        resolver = PlaceResolver(hierarchy)
        build = min(build, time.perf_counter() - start)
    start = time.perf_counter()
    old = PlaceIndex(hierarchy)
    old_build = time.perf_counter() - start

    def old_resolve(text: str) -> Jurisdiction | None:
        try:
            return old.resolve(text)
        except DomainError:
            return None

    def new_resolve(text: str) -> Jurisdiction | None:
        return resolver.match(text).unit

    old_rate, old_answers = timed(old_resolve, texts, args.repeat)
    new_rate, new_answers = timed(new_resolve, texts, args.repeat)

    print(f"texts: {len(texts):,} simulated reports at random townships (seed {args.seed})")
    print(f"build: PlaceResolver {build:.2f} s (best of {args.repeat})   PlaceIndex {old_build:.2f} s")
    print(f"speed: PlaceResolver {new_rate:,.0f} texts/s   PlaceIndex {old_rate:,.0f} texts/s   "
          f"ratio {new_rate / old_rate:.1f}x   target {TARGET:,}/s: {'met' if new_rate >= TARGET else 'MISSED'}")
    both = [(o, n) for o, n in zip(old_answers, new_answers, strict=True) if o is not None]
    same = sum(1 for o, n in both if o == n)
    print(f"agreement where PlaceIndex resolves: {same:,}/{len(both):,} = {same / max(len(both), 1):.1%}")
    differ = [(o, n, t) for o, n, t in zip(old_answers, new_answers, truth, strict=True) if o is not None and o != n]
    print(f"  of the {len(differ):,} differences, PlaceIndex is right in {sum(1 for o, _, t in differ if o == t):,}, "
          f"PlaceResolver in {sum(1 for _, n, t in differ if n == t):,} "
          f"(PlaceResolver undecided in {sum(1 for _, n, _ in differ if n is None):,})")
    for name, answers in (("PlaceResolver", new_answers), ("PlaceIndex", old_answers)):
        resolved = [(a, t) for a, t in zip(answers, truth, strict=True) if a is not None]
        exact = sum(1 for a, t in resolved if a == t)
        within = sum(1 for a, t in resolved if hierarchy.is_ancestor(a, t))
        print(f"{name:>13}: resolved {len(resolved) / len(texts):.1%}; of those, the true township "
              f"{exact / max(len(resolved), 1):.1%}, the township or an ancestor of it "
              f"{within / max(len(resolved), 1):.1%}")


if __name__ == "__main__":
    main()
