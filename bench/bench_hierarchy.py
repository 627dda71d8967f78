"""LCA and path queries on the in-memory index, side by side with a naive parent walk.

Run: .venv/bin/python bench/bench_hierarchy.py
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable

import numpy as np

from liandong.adapters.reference_data import national_hierarchy, national_units

N = 300_000


def naive_lca(parent: dict[str, str | None], a: str, b: str) -> str:
    above = set()
    x: str | None = a
    while x is not None:
        above.add(x)
        x = parent[x]
    y: str | None = b
    while y not in above:
        assert y is not None
        y = parent[y]
    return y


def naive_path(parent: dict[str, str | None], a: str) -> list[str]:
    out = []
    x: str | None = a
    while x is not None:
        out.append(x)
        x = parent[x]
    return out[::-1]


def rate(n: int, seconds: float) -> float:
    return n / seconds


def best_rate(n: int, fn: Callable[[], object], repeats: int = 5) -> float:
    """The best of several runs: the least disturbed by other work on a noisy machine."""
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return n / best


def main() -> list[tuple[str, float, float]]:
    h = national_hierarchy()
    parent = {u.code: u.parent_code for u in national_units()}
    rng = random.Random(7)
    codes = [u.code for u in h]
    pairs = [(rng.choice(codes), rng.choice(codes)) for _ in range(N)]
    ids = [(h.id_of(a), h.id_of(b)) for a, b in pairs]
    rows = []

    naive = [naive_lca(parent, a, b) for a, b in pairs]
    base = best_rate(N, lambda: [naive_lca(parent, a, b) for a, b in pairs])

    lca_id = h.lca_id
    got = [lca_id(a, b) for a, b in ids]
    scalar = best_rate(N, lambda: [lca_id(a, b) for a, b in ids])
    assert [h.units[i].code for i in got] == naive

    t = time.perf_counter()
    lca_pair = h.lca_pair
    by_code = [lca_pair(a, b) for a, b in pairs]
    by_code_rate = rate(N, time.perf_counter() - t)
    assert [u.code for u in by_code] == naive

    a = np.fromiter((x for x, _ in ids), dtype=np.int32, count=N)
    b = np.fromiter((y for _, y in ids), dtype=np.int32, count=N)
    vec = h.lca_many(a, b)
    vector = best_rate(N, lambda: h.lca_many(a, b))
    assert [h.units[i].code for i in vec.tolist()] == naive

    rows.append(("LCA, naive parent walk over dicts (baseline)", base, 1.0))
    rows.append(("LCA by code, `HierarchyIndex.lca_pair`", by_code_rate, by_code_rate / base))
    rows.append(("LCA by id, `HierarchyIndex.lca_id`", scalar, scalar / base))
    rows.append(("LCA vectorised, `HierarchyIndex.lca_many`", vector, vector / base))

    singles = [a for a, _ in pairs]
    pbase = best_rate(N, lambda: [naive_path(parent, c) for c in singles])
    path = h.path
    prate = best_rate(N, lambda: [path(c) for c in singles])
    rows.append(("path, naive parent walk (baseline)", pbase, 1.0))
    rows.append(("path, `HierarchyIndex.path`", prate, prate / pbase))
    return rows


if __name__ == "__main__":
    print(f"| query ({N:,} random pairs of the national list, best of 5) | per second | × baseline |")
    print("|---|---:|---:|")
    for name, r, ratio in main():
        print(f"| {name} | {r:,.0f} | {ratio:.1f} |")
