"""Hand-overs between federation nodes on loopback (issue 27): three nodes (centre, Jiangsu,
Zhejiang), a nats-server each (the centre's the hub, the provinces' leaf nodes), SQLite per node.

- latency: one Taihu case at a time, from the hand-over (ledger entry, outbox) through the relay, the
  sources across the leaf connections and the centre's receiver to its commit; p50/p99.
- throughput: ``--batch`` cases reported, swept, relayed and received by the centre and Zhejiang;
  cross-province cases a minute.
- catch-up: Zhejiang cut off (its server restarted without its leaf connection) for ``--partition``
  seconds while Jiangsu hands over ``--rate`` Taihu cases a minute and the centre receives them; then
  reconnected: the time until Zhejiang has recorded every one (target ≤ 30 s after two minutes).

    python bench/bench_federation.py [--cases 50] [--batch 200] [--partition 120] [--rate 300] [--dir DIR]
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path

from liandong.domain.cases import commands as c
from liandong.federation.local import TAIHU, LocalFederation, up
from liandong.federation.node import FederationNode


def report(node: FederationNode, n: int) -> str:
    return node.platform.bus().handle(c.ReportCase(
        by="reporter", matter="water_pollution", affected=TAIHU, description=f"太湖蓝藻 {n}",
        reporter_name="测", reporter_phone="13900000000")).case_id


def partition(fed: LocalFederation, seconds: float, rate: float) -> None:
    """Zhejiang cut off for ``seconds`` while Jiangsu hands over ``rate`` cases a minute; the time
    from reconnecting until Zhejiang has recorded every hand-over."""
    js, centre, zj = fed.nodes["320000"], fed.nodes["100000"], fed.nodes["330000"]
    held = len(zj.handovers())
    server = fed.servers["330000"]
    server.stop()
    server.start(connected=False)  # 断联: Zhejiang works on alone
    began, made, every = time.monotonic(), 0, 60.0 / rate
    while time.monotonic() - began < seconds:
        due = began + made * every
        if time.monotonic() >= due:
            js.hand_over(report(js, 10_000 + made))
            made += 1
            js.relay_once()
        centre.receive_once(batch=64, wait=0.01)
        zj.receive_once(batch=64, wait=0.01)  # finds nothing while cut off
        time.sleep(max(0.0, min(0.05, due + every - time.monotonic())))
    cut_off = len(zj.handovers())
    server.stop()
    server.start(connected=True)
    start, deadline = time.monotonic(), time.monotonic() + 600
    while len(zj.handovers()) < held + made:
        if time.monotonic() > deadline:
            raise SystemExit(f"Zhejiang has {len(zj.handovers())} of {held + made} hand-overs after 600 s")
        zj.receive_once(batch=256, wait=0.2)
    caught = time.monotonic() - start
    print(f"| catch-up after a {seconds:.0f} s partition | {made} cases handed over while cut off "
          f"({cut_off - held} reached Zhejiang) | {caught:.1f} s | ≤ 30 s: {'met' if caught <= 30 else 'NOT met'} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=50)
    parser.add_argument("--batch", type=int, default=200)
    parser.add_argument("--partition", type=float, default=120.0, help="seconds Zhejiang is cut off (0: none)")
    parser.add_argument("--rate", type=float, default=300.0, help="cases a minute handed over meanwhile")
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    directory = args.dir or Path(tempfile.mkdtemp(prefix="liandong-fed-bench-"))
    fed = up(directory)
    js, centre, zj = fed.nodes["320000"], fed.nodes["100000"], fed.nodes["330000"]
    try:
        latencies = []
        for n in range(args.cases):
            case_id = report(js, n)
            start = time.perf_counter()
            js.hand_over(case_id)
            js.relay_once()
            while not centre.receive_once(batch=8, wait=0.05).recorded:
                pass
            latencies.append((time.perf_counter() - start) * 1000)
        zj_pending = args.cases
        while zj_pending > 0:
            zj_pending -= zj.receive_once(wait=0.2).recorded
        latencies.sort()
        p99 = latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))]
        print(f"| hand-over latency, Jiangsu → centre (ms) | p50 {statistics.median(latencies):.1f} | "
              f"p99 {p99:.1f} | {args.cases} cases |")

        ids = [report(js, n) for n in range(args.batch)]
        start = time.perf_counter()
        made = js.sweep(limit=args.batch * 2)  # also queues each case's status (joint handling, §11)
        js.relay_once()
        wanted = args.cases + args.batch  # hand-overs each peer holds at the end (statuses not counted)
        while not all(len(node.handovers()) >= wanted for node in (centre, zj)):
            for node in (centre, zj):
                node.receive_once(batch=256, wait=0.2)
        seconds = time.perf_counter() - start
        assert len(made) == 2 * len(ids), (len(made), len(ids))
        print(f"| cross-province cases handed over and recorded by both peers | {args.batch} in {seconds:.2f} s | "
              f"{args.batch / seconds * 60:,.0f} a minute | |")
        if args.partition > 0:
            partition(fed, args.partition, args.rate)
    finally:
        fed.close()


if __name__ == "__main__":
    main()
