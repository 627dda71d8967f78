"""知识库 search at intake: p50/p95 per search over N entries (default 50,000), on SQLite (FTS5,
bm25) and, with --pg, PostgreSQL (GIN over a tsvector, ts_rank), side by side with the memory store
(a scan of every entry: what a search costs without an index). Target (issue 25): p95 <= 20 ms
over 50,000 entries.

Entries: for every matter of the responsibility list, answers in the words a department writes
(how to apply, whom to complain to, time limits, fees, materials …) for the units of 江苏 (a
tenth national). Questions: the simulator's report texts (``ReportTexts``) at 江苏's townships,
searched at their own township, as an operator would while the citizen speaks.

Run: .venv/bin/python bench/bench_knowledge.py [--entries 50000] [--queries 500] [--pg URL]
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

from liandong.adapters.memory.knowledge import MemoryKnowledgeStore
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.knowledge import SqlKnowledgeStore
from liandong.domain.cases.routing import Router
from liandong.domain.hierarchy import HierarchyIndex, Level
from liandong.domain.knowledge import Entry
from liandong.insight.knowledge import KnowledgeBase
from liandong.services.clock import ManualClock
from liandong.services.ports.knowledge import KnowledgeStore
from liandong.simulation.texts import ReportTexts

TARGET_P95 = 0.020
NOW = datetime(2026, 12, 6, 2, 0, tzinfo=UTC)
ASPECTS = (
    ("怎么办理", "可在政务服务网或就近的便民服务中心办理，携带身份证原件，{days}个工作日内办结。"),
    ("投诉找哪个部门", "由{system}受理，可拨打12345热线或到{system}窗口反映，{days}个工作日内答复。"),
    ("处理时限是多久", "一般情形{days}个工作日内处理完毕，情况复杂的可延长，延长须告知诉求人。"),
    ("需要准备哪些材料", "身份证、申请表和相关证明材料；委托他人办理的还需授权委托书。"),
    ("收费标准是多少", "按物价部门核定的标准收费，减免情形见{system}公布的目录。"),
    ("可以在网上办理吗", "可以，登录苏服办或政务服务网，选择{name}事项在线提交。"),
    ("政策依据是什么", "依据相关法律法规和本级政府规章，具体条款见{system}公开的权责清单。"),
    ("夜间和节假日怎么处理", "夜间和节假日可拨打12345，紧急情形由值班人员当即转交{system}。"),
)


def entries(hierarchy: HierarchyIndex, n: int, seed: int) -> list[Entry]:
    catalogue = default_catalogue()
    matters = [m for m in catalogue.matters.matters.values() if m.lead]
    units = [u for u in hierarchy if u.code.startswith("32") and u.level in (Level.CITY, Level.COUNTY)]
    rng = random.Random(seed)
    out = []
    for i in range(n):
        matter = matters[i % len(matters)]
        aspect, answer = ASPECTS[(i // len(matters)) % len(ASPECTS)]
        unit = hierarchy.root if rng.random() < 0.1 else rng.choice(units)
        system = catalogue.systems[matter.lead or "government"].name if matter.lead else "政府"
        owner = f"{unit.code}-{matter.lead}"
        place = "" if unit is hierarchy.root else unit.short_name
        out.append(Entry(
            f"K{i:019d}", f"{place}{matter.name}{aspect}",
            answer.format(days=rng.choice((3, 5, 7, 10, 15)), system=system, name=matter.name),
            owner, f"{system}权责清单（2026年版）", date(2026, 1, 1), None, "审核员", date(2026, 12, 1),
            unit.code, matter.code, matter.keywords[:5]))
    return out


def questions(hierarchy: HierarchyIndex, n: int, seed: int) -> list[tuple[str, str]]:
    matters = default_catalogue().matters
    texts = ReportTexts.load(matters)
    townships = [u.code for u in hierarchy if u.code.startswith("32") and u.level is Level.TOWNSHIP]
    codes = sorted(c for c in matters.matters if c in texts.templates)
    rng = random.Random(seed + 1)
    out = []
    for _ in range(n):
        place = rng.choice(townships)
        out.append((texts.render(hierarchy, matter=rng.choice(codes), place=place,
                                 draw=rng.randrange(10**6)), place))
    return out


def measure(kb: KnowledgeBase, asked: list[tuple[str, str]]) -> tuple[float, float, float]:
    """p50 and p95 seconds per search, and the share of questions with an answer found."""
    times, found = [], 0
    for text, place in asked[:20]:
        kb.search(text, place=place)  # warm the caches and the segmenter
    for text, place in asked:
        start = time.perf_counter()
        hits = kb.search(text, place=place)
        times.append(time.perf_counter() - start)
        found += bool(hits)
    times.sort()
    return statistics.median(times), times[int(0.95 * (len(times) - 1))], found / len(asked)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=50_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--pg", help="a PostgreSQL URL of an empty database to also measure")
    args = parser.parse_args()
    hierarchy = national_hierarchy()
    catalogue = default_catalogue()
    router = Router(hierarchy, catalogue)
    made = entries(hierarchy, args.entries, args.seed)
    asked = questions(hierarchy, args.queries, args.seed)
    stores: list[tuple[str, KnowledgeStore]] = [("memory (scan)", MemoryKnowledgeStore())]
    with tempfile.TemporaryDirectory() as tmp:
        sqlite = make_engine(f"sqlite+pysqlite:///{Path(tmp) / 'kb.sqlite3'}")
        migrate.upgrade(sqlite)
        stores.append(("SQLite FTS5", SqlKnowledgeStore(sqlite)))
        if args.pg:
            pg = make_engine(args.pg)
            migrate.upgrade(pg)
            stores.append(("PostgreSQL GIN", SqlKnowledgeStore(pg)))
        print(f"{len(made):,} entries, {len(asked):,} questions")
        for name, store in stores:
            kb = KnowledgeBase(store, hierarchy, router, catalogue.matters, ManualClock(NOW))
            start = time.perf_counter()
            for i in range(0, len(made), 5_000):
                store.put_many([(e, kb.words(e)) for e in made[i:i + 5_000]])
            loaded = time.perf_counter() - start
            p50, p95, share = measure(kb, asked)
            verdict = "meets" if p95 <= TARGET_P95 else "MISSES"
            print(f"{name:16} load {loaded:6.1f} s   p50 {p50 * 1000:6.2f} ms   p95 {p95 * 1000:6.2f} ms "
                  f"({verdict} {TARGET_P95 * 1000:.0f} ms)   answered {share:.0%}")
        sqlite.dispose()


if __name__ == "__main__":
    main()
