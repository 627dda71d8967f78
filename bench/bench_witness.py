"""A witness round trip on loopback (decision 0035): ``POST /add-checkpoint`` to ``liandong witness
serve`` running in a process of its own, each round a new checkpoint (``--grow`` entries more) with the
consistency proof from the size the witness last cosigned; the answer's cosignature is verified.

Target: p99 < 50 ms. Each round includes the witness's signature checks, the proof, an Ed25519
cosignature and the atomic write (fsync) of its state.

Run: .venv/bin/python bench/bench_witness.py [--rounds 2000] [--grow 10]   (a smoke run: --rounds 30)
"""

from __future__ import annotations

import argparse
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from liandong.ledger.merkle import MemoryHashStore, append_leaves, consistency_proof, root
from liandong.ledger.note import Checkpoint, Signer, Verifier, sign_checkpoint, verify_note
from liandong.ledger.witness_protocol import render_add_checkpoint

ORIGIN = "bench.liandong.gov.cn/log"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def liandong(*args: str) -> str:
    done = subprocess.run([sys.executable, "-m", "liandong", *args], capture_output=True, text=True,
                          timeout=120, check=True)
    return done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=2000)
    parser.add_argument("--grow", type=int, default=10)
    args = parser.parse_args()
    log = Signer("bench-log", secrets.token_bytes(32))
    with tempfile.TemporaryDirectory() as folder:
        directory = Path(folder) / "witness"
        vkey = liandong("witness", "init", "--dir", str(directory), "--name", "bench-witness",
                        "--origin", ORIGIN, "--log-key", log.vkey)
        witness = Verifier.from_vkey(vkey)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        with open(Path(folder) / "witness.log", "wb") as out:
            proc = subprocess.Popen([sys.executable, "-m", "liandong", "witness", "serve", "--dir",
                                     str(directory), "--port", str(port)], stdout=out,
                                    stderr=subprocess.STDOUT, start_new_session=True)
        try:
            client = httpx.Client(timeout=10)
            end = time.monotonic() + 60
            while True:
                try:
                    if client.get(f"{url}/healthz").status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if proc.poll() is not None or time.monotonic() > end:
                    raise SystemExit((Path(folder) / "witness.log").read_text())
                time.sleep(0.1)
            store, size, old, took = MemoryHashStore(), 0, 0, []
            for _ in range(args.rounds):
                leaves = [secrets.token_bytes(32) for _ in range(args.grow)]
                store.put_many(append_leaves(size, store.get, leaves))
                size += args.grow
                note = sign_checkpoint(Checkpoint(ORIGIN, size, root(store, size)), log)
                body = render_add_checkpoint(old, consistency_proof(store, old, size) if old else [], note)
                began = time.perf_counter()
                answer = client.post(f"{url}/add-checkpoint", content=body)
                took.append(time.perf_counter() - began)
                assert answer.status_code == 200, answer.text
                verify_note(note + answer.text, [witness])
                old = size
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
    took.sort()
    p50, p99 = statistics.median(took), took[min(len(took) - 1, int(len(took) * 0.99))]
    print(f"witness round trip, {args.rounds} rounds of {args.grow} entries: "
          f"p50 {p50 * 1000:.2f} ms, p99 {p99 * 1000:.2f} ms, max {took[-1] * 1000:.2f} ms "
          f"(target p99 < 50 ms: {'met' if p99 < 0.05 else 'NOT met'})")


if __name__ == "__main__":
    main()
