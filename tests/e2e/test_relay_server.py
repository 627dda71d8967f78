"""A server started with LIANDONG_NATS_URL relays its outboxes by itself: a report taken over HTTP
appears on the NATS JetStream stream within seconds (required in CI, skipped without NATS)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.support.nats import NATS_URL
from tests.support.processes import free_port, serving


def case_messages(name: str, case_id: str) -> list[dict[str, object]]:
    import nats

    async def read() -> list[dict[str, object]]:
        nc = await nats.connect(NATS_URL)
        try:
            js = nc.jetstream()
            info = await js.stream_info(name)
            found = []
            for seq in range(info.state.first_seq, info.state.last_seq + 1) if info.state.messages else ():
                msg = await js.get_msg(name, seq)
                if msg.subject.endswith(f".case.{case_id}"):
                    found.append(json.loads(msg.data))
            return found
        except nats.js.errors.NotFoundError:
            return []
        finally:
            await nc.close()

    return asyncio.run(read())


def test_the_server_relays_a_new_report_to_the_stream(tmp_path: Path, stream: tuple[str, str]) -> None:
    name, prefix = stream
    env = {**os.environ, "LIANDONG_DATA_DIR": str(tmp_path / "data"), "LIANDONG_NATS_URL": NATS_URL,
           "LIANDONG_NATS_STREAM": name, "LIANDONG_NATS_PREFIX": prefix}
    env.pop("LIANDONG_DATABASE_URL", None)
    cli = [sys.executable, "-m", "liandong.cli"]
    subprocess.run([*cli, "init", "--scope", "320200"], env=env, check=True, capture_output=True)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving([*cli, "serve", "--port", str(port)], url=f"{base}/healthz", env=env,
                 log=tmp_path / "server.log"):
        answer = httpx.post(f"{base}/api/cases", json={
            "matter": "social_life_noise", "affected": ["320213001"], "description": "广场舞噪声",
            "reporter_name": "张三", "reporter_phone": "13812345678"})
        assert answer.status_code == 201, answer.text
        case_id = answer.json()["case_id"]
        deadline = time.monotonic() + 20
        found = case_messages(name, case_id)
        while not found and time.monotonic() < deadline:
            time.sleep(0.5)
            found = case_messages(name, case_id)
        assert found and found[0]["type"] == "CaseReported" and found[0]["case_id"] == case_id
