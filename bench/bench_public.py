"""The citizen side's reads at scale (issue 24 point 5 and the performance section): on a store of N
cases (default 1,000,000) of 北京市 in November 2026 made by ``bench/volume.py`` (the demo's
commands over the simulator's workload), a share of them (``--consent``, 30 %) agreed to be public,
each read through the whole app (``create_app``, in process, the response read to its end) side by
side with a bare baseline:

- the portal's report form (``GET /portal``) — target ≤ 200 ms to first byte — beside ``/healthz``
  (the stack's floor);
- the public list of the city and of a district (``/public``, ``/public/areas/110105``) beside the
  bare indexed query of the latest listable reports (``ix_case_record_public``);
- Open311 ``servicerequestupdates.json`` (the last day) and ``requests.json`` (a page of 50) beside
  the bare query of the events of the window (``case_event`` by type and time).

The pages are rendered whole before they are sent (no streaming), so the time to the end of the
response bounds the time to its first byte from above.

Stores are kept in ``--dir`` and reused (``bench_volume_inbox.store_for``; the consented copy beside
it, ``…-public.sqlite3``): the first run at a size makes them (about a minute per 50,000 cases on
both cores).

Run: .venv/bin/python bench/bench_public.py [--cases 1000000] [--dir /tmp/liandong-volume] [--reads 50]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import Engine, insert, select, text

from liandong.adapters.sql import tables as t
from liandong.adapters.sql.cases import dumps
from liandong.bootstrap import Platform, bootstrap
from liandong.config import Settings
from liandong.domain.cases import events as ev
from liandong.server.app import create_app

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_volume_inbox import p, store_for, timed  # bench/ is not a package
from volume import END

DISTRICT = "110105"  # 朝阳区
TARGET_PORTAL = 0.200
PUBLIC_STEPS = ("CaseReported", "CaseDispatched", "CaseAcknowledged", "HandlingStarted", "CaseEscalated",
                "CaseShelved", "CaseResolved", "CaseFollowedUp", "CaseReopened", "CaseClosed", "CaseMerged")


def consented_copy(store: Path, share: float) -> Path:
    """A copy of ``store`` where every case whose id ends in a digit below ``share`` × 10… agreed to
    publication (``PublicationAgreed`` appended to its events, its row marked), as the portal's
    checkbox would have recorded it; made once."""
    path = store.with_name(store.stem + f"-public{int(share * 100)}.sqlite3")
    if path.exists():
        return path
    partial = path.with_name(path.name + ".partial")
    shutil.copyfile(store, partial)
    with tempfile.TemporaryDirectory() as folder:
        platform = bootstrap(Settings(database_url=f"sqlite+pysqlite:///{partial}", data_dir=Path(folder)))
        engine = platform.engine
        assert engine is not None
        started = time.perf_counter()
        with engine.begin() as conn:
            c = t.case_record
            rows = conn.execute(select(c.c.id, c.c.version, c.c.received_at)).all()
            picked = [r for n, r in enumerate(rows) if (n * 7919) % 1000 < share * 1000]
            events, updates = [], []
            for case_id, version, at in picked:
                payload = ev.to_payload(ev.PublicationAgreed(case_id=case_id, at=at, actor="reporter"))
                events.append({"case_id": case_id, "case_version": version + 1, "type": "PublicationAgreed",
                               "at": at, "actor": "reporter", "payload": dumps(payload)})
                updates.append({"id": case_id, "version": version + 1})
            conn.execute(insert(t.case_event), events)
            conn.execute(text("UPDATE case_record SET version = :version, public_consent = 1 WHERE id = :id"),
                         updates)
            conn.execute(text("ANALYZE"))
        engine.dispose()
    partial.rename(path)
    print(f"made {path.name}: {len(picked):,} of {len(rows):,} cases agreed to publication "
          f"in {time.perf_counter() - started:.0f} s", flush=True)
    return path


def get(client: TestClient, path: str) -> Callable[[], object]:
    def read() -> object:
        answer = client.get(path)
        assert answer.status_code == 200, (path, answer.status_code, answer.text[:300])
        return answer.content
    return read


def bare(engine: Engine, query: Any) -> Callable[[], object]:
    def read() -> object:
        with engine.connect() as conn:
            return conn.execute(text(query) if isinstance(query, str) else query).all()
    return read


def row(cases: int, name: str, fn: Callable[[], object], floor_name: str, floor: Callable[[], object],
        reads: int, target: float | None) -> None:
    full, base = timed(fn, reads, warm=3), timed(floor, reads, warm=3)
    verdict = "—" if target is None else ("yes" if p(full, 95) <= target else "NO") + f" (≤ {target * 1000:.0f} ms)"
    print(f"| {cases:,} | {name} | {p(full, 50) * 1000:.1f} | {p(full, 95) * 1000:.1f} | {floor_name} | "
          f"{p(base, 50) * 1000:.2f} | {p(base, 95) * 1000:.2f} | {verdict} |", flush=True)


def settled(client: TestClient, deadline: float = 1800.0) -> None:
    """Until every page read here answers 200 (the app's start-up work done), at most ``deadline`` s;
    else stop with what the last answer said."""
    end, last = time.monotonic() + deadline, ""
    while time.monotonic() < end:
        try:
            answers = [client.get(path) for path in ("/healthz", "/portal", "/public")]
        except Exception as exc:  # the test client raises what the app raised (a locked database…)
            last = f"{type(exc).__name__}: {exc}"[:400]
        else:
            if all(a.status_code == 200 for a in answers):
                return
            last = "; ".join(f"{a.url.path} {a.status_code} {a.text[:200]}" for a in answers)
        print(f"<!-- not settled yet: {last} -->", flush=True)
        time.sleep(5)
    raise SystemExit(f"the app did not settle within {deadline:g} s: {last}")


def measure(platform: Platform, cases: int, reads: int) -> None:
    engine = platform.engine
    assert engine is not None
    with engine.connect() as conn:
        listable = conn.execute(text("SELECT count(*) FROM case_record WHERE public_consent")).scalar_one()
    print(f"<!-- {cases:,} cases, {listable:,} agreed to publication -->", flush=True)
    day = (END - timedelta(days=1)).astimezone().isoformat(timespec="seconds")
    until = END.astimezone().isoformat(timespec="seconds")
    with tempfile.TemporaryDirectory() as folder:
        # what a server does on its own (the ledger's auditor, the heat sweep, a writer process) is off:
        # on a store of this size its first rounds hold the write lock for minutes, and only reads are
        # measured here
        settings = Settings(database_url=str(engine.url.render_as_string(hide_password=False)),
                            data_dir=Path(folder), ledger_audit_seconds=0, heat_sweep_seconds=0,
                            writer_process="off")
        with TestClient(create_app(settings, platform), base_url="http://127.0.0.1") as client:
            settled(client)
            shown = [client.get(path).text.count('class="public-report"') for path in ("/public",
                                                                                      f"/public/areas/{DISTRICT}")]
            print(f"<!-- reports on the city's list {shown[0]}, on {DISTRICT}'s {shown[1]} -->", flush=True)
            healthz = get(client, "/healthz")
            row(cases, "`GET /portal` (report form)", get(client, "/portal"), "`/healthz`", healthz, reads,
                TARGET_PORTAL)
            latest = bare(engine, "SELECT id FROM case_record WHERE public_consent AND NOT public_withheld "
                                  "ORDER BY received_at DESC, id DESC LIMIT 50")
            row(cases, "`GET /public` (the city's list and map)", get(client, "/public"),
                "bare latest 50 listable", latest, reads, None)
            row(cases, f"`GET /public/areas/{DISTRICT}`", get(client, f"/public/areas/{DISTRICT}"),
                "bare latest 50 listable", latest, reads, None)
            e = t.case_event
            window = bare(engine, select(e.c.case_id, e.c.type, e.c.at).where(
                e.c.type.in_(PUBLIC_STEPS), e.c.at.between(END - timedelta(days=1), END)))
            query = f"start_date={day}&end_date={until}".replace("+", "%2B")
            row(cases, "Open311 `servicerequestupdates.json` (last day)",
                get(client, f"/open311/v2/servicerequestupdates.json?{query}"), "bare events of the day",
                window, max(3, reads // 10), None)
            page = bare(engine, "SELECT id FROM case_record WHERE NOT public_withheld "
                                "ORDER BY received_at DESC, id DESC LIMIT 50")
            row(cases, "Open311 `requests.json` (a page of 50)", get(client, "/open311/v2/requests.json"),
                "bare latest 50", page, reads, None)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, nargs="+", default=[1_000_000])
    ap.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()) / "liandong-volume")
    ap.add_argument("--reads", type=int, default=50)
    ap.add_argument("--consent", type=float, default=0.3, help="share of reports agreed to publication")
    args = ap.parse_args()
    args.dir.mkdir(parents=True, exist_ok=True)
    print("| cases | read | p50 ms | p95 ms | bare baseline | baseline p50 ms | baseline p95 ms | target |")
    print("|---|---|---|---|---|---|---|---|")
    for cases in args.cases:
        store = consented_copy(store_for(cases, args.dir), args.consent)
        with tempfile.TemporaryDirectory() as folder:
            platform = bootstrap(Settings(database_url=f"sqlite+pysqlite:///{store}", data_dir=Path(folder)))
            try:
                measure(platform, cases, args.reads)
            finally:
                if platform.engine is not None:
                    platform.engine.dispose()


if __name__ == "__main__":
    main()
