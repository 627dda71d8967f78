"""The log's tiles kept in memory (decision 0042): a full tile is read from the store once and kept
in a bounded LRU, a partial tile and the checkpoint for a second; nothing refused is kept; over HTTP
a kept answer is the routed one byte for byte, with the same headers (the door's too), a strong ETag
and a 304 for ``If-None-Match``."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from liandong.adapters.memory.unit_of_work import MemoryUnitOfWork
from liandong.bootstrap import bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.ledger.merkle import leaf_hash
from liandong.ledger.tiles import split_bundle
from liandong.server.app import create_app
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ledger import Ledger
from liandong.services.ports import UnitOfWork
from liandong.services.public_log import PublicLog
from liandong.services.tile_cache import CHECKPOINT, TileCache
from tests.factories.record_journey import NOW, RULES

SIZE = 300  # a full tile of 256 and a partial one of 44


def reports(n: int) -> list[c.ReportCase]:
    return [c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                         description=f"广场舞噪声 {i}") for i in range(n)]


class Reads:
    """Units of work on one memory store, counted: how often the cache went to the store."""

    def __init__(self) -> None:
        self.store = MemoryUnitOfWork()
        self.count = 0

    def __call__(self) -> UnitOfWork:
        self.count += 1
        return self.store


@pytest.fixture(scope="module")
def reads() -> Reads:
    counted = Reads()
    ledger = Ledger(secrets.token_bytes(32), witnesses=("100000",))
    bus = MessageBus(uow=lambda: counted.store, rules=RULES, clock=ManualClock(NOW), recorder=ledger.record)
    bus.handle_batch(reports(SIZE))
    with counted.store as uow:
        assert ledger.checkpoint(uow, NOW) is not None
        uow.commit()
    return counted


def test_a_full_tile_is_read_once_and_kept(reads: Reads) -> None:
    cache = TileCache(PublicLog(reads))
    assert cache.cached("0/000") is None
    before = reads.count
    first = cache.tile("0/000")
    assert first.immutable and len(first.data) == 32 * 256 and reads.count == before + 1
    assert cache.cached("0/000") is first and cache.size == len(first.data)
    bundle = cache.tile("entries/000")
    assert b"".join(leaf_hash(leaf) for leaf in split_bundle(bundle.data)) == first.data
    assert bundle.etag != first.etag and first.etag.startswith('"') and len(first.etag) == 34


def test_the_lru_keeps_at_most_its_bytes(reads: Reads) -> None:
    bundle = len(TileCache(PublicLog(reads)).tile("entries/000").data)
    cache = TileCache(PublicLog(reads), max_bytes=32 * 256 + bundle - 1)
    cache.tile("0/000")
    cache.tile("entries/000")  # more than what is left: the least recently used goes
    assert cache.cached("0/000") is None and cache.cached("entries/000") is not None
    assert cache.size == bundle <= cache.max_bytes
    cache.tile("0/000")  # and back: the bundle goes
    assert cache.cached("entries/000") is None and cache.size == 32 * 256
    big = TileCache(PublicLog(reads), max_bytes=100)  # an answer larger than the whole cache is not kept
    assert big.tile("0/000").immutable and big.cached("0/000") is None and big.size == 0


def test_partial_tiles_and_the_checkpoint_are_kept_for_a_second(reads: Reads) -> None:
    now = [1000.0]
    cache = TileCache(PublicLog(reads), clock=lambda: now[0])
    partial = cache.tile("0/001.p/44")
    note = cache.checkpoint()
    assert not partial.immutable and not note.immutable
    assert note.data.startswith(b"liandong.gov.cn/log\n300\n")
    assert cache.cached("0/001.p/44") is partial and cache.cached(CHECKPOINT) is note
    now[0] += 1.01
    assert cache.cached("0/001.p/44") is None and cache.cached(CHECKPOINT) is None
    assert cache.size == 0  # the full tiles' bytes count no partial one


def test_nothing_refused_is_kept_and_zero_keeps_nothing(reads: Reads) -> None:
    cache = TileCache(PublicLog(reads))
    for path, code in (("0/001", "ledger.tile_beyond_tree"), ("0/0001", "ledger.bad_tile_path")):
        with pytest.raises(DomainError) as refused:
            cache.tile(path)
        assert refused.value.code == code and cache.cached(path) is None
    off = TileCache(PublicLog(reads), max_bytes=0)
    off.tile("0/000")
    off.checkpoint()
    assert off.cached("0/000") is None and off.cached(CHECKPOINT) is None


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    data: Path = tmp_path_factory.mktemp("tiles")
    assert CliRunner().invoke(cli, ["init", "--scope", "320213", "--data-dir", str(data)]).exit_code == 0
    settings = Settings(data_dir=data)
    platform = bootstrap(settings)
    platform.bus().handle_batch(reports(SIZE))
    assert platform.record().checkpoint() is not None
    return TestClient(create_app(settings, platform), base_url="http://127.0.0.1")


def test_over_http_a_kept_tile_is_the_routed_one(served: TestClient) -> None:
    get = served.get
    routed = get("/log/tile/0/000")
    kept = get("/log/tile/0/000")  # answered by LogCache, before routing
    for answer in (routed, kept):
        assert answer.status_code == 200
        assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert answer.headers["content-type"] == "application/octet-stream"
        assert answer.headers["access-control-allow-origin"] == "*"
        assert answer.headers["x-content-type-options"] == "nosniff"  # the door's
    assert kept.content == routed.content and len(kept.content) == 8192
    assert kept.headers["etag"] == routed.headers["etag"]
    etag = kept.headers["etag"]
    unchanged = get("/log/tile/0/000", headers={"If-None-Match": f'"other", {etag}'})
    assert unchanged.status_code == 304 and unchanged.content == b""
    assert unchanged.headers["etag"] == etag
    assert get("/log/tile/0/000", headers={"If-None-Match": '"other"'}).status_code == 200
    other_host = get("/log/tile/0/000", headers={"Host": "evil.example"})
    assert other_host.status_code == 400  # the door still checks the host


def test_over_http_the_edge_of_the_log(served: TestClient) -> None:
    get = served.get
    note = get("/log/checkpoint")
    assert note.status_code == 200 and note.text.startswith("liandong.gov.cn/log\n300\n")
    assert note.headers["cache-control"] == "public, max-age=1, must-revalidate"
    again = get("/log/checkpoint", headers={"If-None-Match": note.headers["etag"]})
    assert again.status_code == 304
    partial = get("/log/tile/0/001.p/44")
    assert partial.headers["cache-control"] == "public, max-age=5" and len(partial.content) == 44 * 32
    assert get("/log/tile/0/001.p/44").content == partial.content
    beyond = get("/log/tile/0/001.p/45", params={"lang": "en"})
    assert beyond.status_code == 404 and beyond.json()["code"] == "ledger.tile_beyond_tree"
