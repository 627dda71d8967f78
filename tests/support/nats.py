"""The NATS JetStream server of the tests (required in CI, skipped without one on a laptop)."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator

import pytest

NATS_URL = os.environ.get("LIANDONG_TEST_NATS_URL", "nats://127.0.0.1:4222")
REQUIRE_NATS = bool(os.environ.get("LIANDONG_REQUIRE_NATS") or os.environ.get("CI"))


def nats_answers() -> bool:
    """True when a NATS server with JetStream answers at NATS_URL (in CI: one must)."""
    import nats

    async def probe() -> None:
        nc = await nats.connect(NATS_URL, connect_timeout=1, max_reconnect_attempts=0,
                                allow_reconnect=False)
        await nc.jetstream().account_info()
        await nc.close()

    try:
        asyncio.run(probe())
        return True
    except Exception as exc:
        if REQUIRE_NATS:
            raise RuntimeError(f"NATS with JetStream is required in CI but does not answer: {exc}") from exc
        return False


def new_stream() -> Iterator[tuple[str, str]]:
    """The name and subject prefix of a stream of one's own, deleted once the caller is done."""
    if not nats_answers():
        pytest.skip(f"no NATS server with JetStream at {NATS_URL}")
    name = f"T{uuid.uuid4().hex[:12].upper()}"
    yield name, f"lt{name.lower()}"

    async def drop() -> None:
        import nats

        nc = await nats.connect(NATS_URL)
        try:
            await nc.jetstream().delete_stream(name)
        finally:
            await nc.close()

    asyncio.run(drop())
