"""The log anyone can read (decision 0031), on every back-end: the tiles of the latest checkpoint are
the stored tree's hashes, entry bundles are the leaves (public ones only: no personal data, no free
text), and the HTTP edge answers with the right caching and a clear refusal for every bad path."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from liandong.adapters.calendar import ChineseWorkCalendar
from liandong.adapters.reference_data import default_catalogue, national_hierarchy
from liandong.bootstrap import bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.domain.cases.routing import Router
from liandong.domain.cases.rules import CasePolicy, Rules
from liandong.domain.errors import DomainError
from liandong.ledger.merkle import inclusion_proof, leaf_hash, root, verify_inclusion
from liandong.ledger.note import Checkpoint, parse_note
from liandong.ledger.tiles import TileRef, split_bundle
from liandong.server.app import create_app
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ledger import Ledger
from liandong.services.ports import UnitOfWork
from liandong.services.public_log import PublicLog, public_leaf
from tests.support.tiles import root_from_tiles, subtree_hash

RULES = Rules(Router(national_hierarchy(), default_catalogue()), ChineseWorkCalendar(), CasePolicy())
NOW = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
PHONE = "13912345678"


def report(bus: MessageBus, n: int) -> str:
    return bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                   description=f"广场舞噪声，楼下王阿姨 {n}", reporter_name="欧阳娜娜",
                                   reporter_phone=PHONE)).case_id


def grow(uow_factory: Callable[[], UnitOfWork], ledger: Ledger, reports: int) -> int:
    bus = MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(NOW), recorder=ledger.record)
    for n in range(reports):
        report(bus, n)
    with uow_factory() as uow:
        ledger.checkpoint(uow, NOW)
        uow.commit()
        return uow.ledger.size()


def test_tiles_and_bundles_are_the_tree_and_its_public_leaves(uow_factory: Callable[[], UnitOfWork]) -> None:
    ledger = Ledger(secrets.token_bytes(32), witnesses=("100000",))
    public = PublicLog(uow_factory)
    with pytest.raises(DomainError) as caught:
        public.checkpoint()
    assert caught.value.code == "ledger.no_checkpoint"
    first = grow(uow_factory, ledger, 100)
    size = grow(uow_factory, ledger, 200)  # 300 entries: a full level 0 tile and a partial one
    assert (first, size) == (100, 300)
    checkpoint = Checkpoint.parse(parse_note(public.checkpoint()).text)
    assert checkpoint.size == size

    def fetch(ref: TileRef) -> bytes:
        return public.tile(ref.path.removeprefix("tile/")).data

    with uow_factory() as uow:  # what the ledger itself says, read first (one writer on SQLite)
        hashes = uow.ledger.hashes
        roots = {n: root(hashes, n) for n in (first, 256, size)}
        proofs = {index: inclusion_proof(hashes, index, size) for index in (0, 7, 255, 256, 299)}
        leaves = [leaf for _, _, leaf in uow.ledger.leaves()]
    assert root_from_tiles(fetch, size) == roots[size] == checkpoint.root
    assert root_from_tiles(fetch, first) == roots[first]
    level0 = fetch(TileRef(0, 0, 256)) + fetch(TileRef(0, 1, 44))
    assert level0 == b"".join(leaf_hash(leaf) for leaf in leaves)
    for index, proof in proofs.items():  # the ledger's own proofs: their hashes are in the tiles
        inner = (index ^ size).bit_length() - 1
        siblings = [subtree_hash(fetch, level, (index >> level) ^ 1, size) for level in range(inner)]
        assert proof[:inner] == siblings
        assert verify_inclusion(level0[index * 32:(index + 1) * 32], index, size, proof, checkpoint.root)
    assert fetch(TileRef(1, 0, 1)) == roots[256]
    assert public.tile("0/000").immutable and not public.tile("0/001.p/44").immutable
    bundle = public.tile("entries/000")
    assert split_bundle(bundle.data) == leaves[:256] and bundle.immutable
    assert split_bundle(public.tile("entries/001.p/44").data) == leaves[256:]
    assert split_bundle(public.tile("entries/001.p/3").data) == leaves[256:259]
    for leaf in leaves:  # nothing a person wrote, nothing that names them
        assert PHONE.encode() not in leaf and "欧阳娜娜".encode() not in leaf
        assert "王阿姨".encode() not in leaf
        assert json.loads(leaf)["v"] == 3 and public_leaf(leaf)
    beyond, bad = "ledger.tile_beyond_tree", "ledger.bad_tile_path"
    for path, code in (("0/001.p/45", beyond), ("0/001", beyond), ("2/000.p/1", beyond),
                       ("entries/002.p/1", beyond), ("0/000.p/0", bad), ("64/000", bad)):
        with pytest.raises(DomainError) as caught:
            public.tile(path)
        assert caught.value.code == code, path


def test_bundles_with_older_leaves_holding_text_are_withheld_and_their_hashes_still_served(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    ledger = Ledger(secrets.token_bytes(32), witnesses=("100000",), leaf_version=2)
    grow(uow_factory, ledger, 3)  # version 2: personal fields committed, the description in clear
    ledger.leaf_version = 3
    size = grow(uow_factory, ledger, 2)
    public = PublicLog(uow_factory)
    with uow_factory() as uow:
        leaves = [leaf for _, _, leaf in uow.ledger.leaves()]
    assert [json.loads(leaf)["v"] for leaf in leaves] == [2, 2, 2, 3, 3]
    assert "王阿姨".encode() in leaves[0] and not public_leaf(leaves[0]) and public_leaf(leaves[4])
    with pytest.raises(DomainError) as caught:
        public.tile(f"entries/000.p/{size}")
    assert caught.value.code == "ledger.entries_withheld"
    assert caught.value.params["first"] == 0 and caught.value.params["count"] == 3
    assert public.tile(f"0/000.p/{size}").data == b"".join(leaf_hash(leaf) for leaf in leaves)


def test_an_older_leaf_without_text_is_public() -> None:
    acknowledged = {"v": 1, "seq": 3, "signer": "320213-gov", "sig": "x",
                    "event": {"type": "CaseAcknowledged", "case_id": "a", "at": "t", "actor": "320213-gov"}}
    returned = {**acknowledged,
                "event": {**acknowledged["event"], "type": "CaseReturned", "reason": "不归我"}}
    emptied = {**acknowledged, "event": {**returned["event"], "reason": ""}}
    assert public_leaf(json.dumps(acknowledged).encode())
    assert not public_leaf(json.dumps(returned).encode()) and public_leaf(json.dumps(emptied).encode())
    assert not public_leaf(b"not json") and not public_leaf(b'{"v": 1, "event": {"type": "Unknown"}}')


runner = CliRunner()


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    data: Path = tmp_path_factory.mktemp("tiles")
    d = ["--data-dir", str(data)]
    assert runner.invoke(cli, ["init", "--scope", "320213", *d]).exit_code == 0
    for n in range(3):
        done = runner.invoke(cli, ["case", "report", "--matter", "social_life_noise", "--place", "320213001",
                                   "--text", f"广场夜间噪声 {n}", *d])
        assert done.exit_code == 0, done.output
    assert runner.invoke(cli, ["ledger", "checkpoint", *d]).exit_code == 0
    settings = Settings(data_dir=data)
    return TestClient(create_app(settings, bootstrap(settings)), base_url="http://127.0.0.1")


def test_the_http_edge_serves_tiles_with_their_cache_lifetimes(served: TestClient) -> None:
    answer = served.get("/log/checkpoint")
    assert answer.status_code == 200 and answer.headers["content-type"] == "text/plain; charset=utf-8"
    size = Checkpoint.parse(parse_note(answer.text).text).size
    assert size == 3 and "must-revalidate" in answer.headers["cache-control"]
    assert answer.headers["access-control-allow-origin"] == "*"
    tile = served.get(f"/log/tile/0/000.p/{size}")
    assert tile.status_code == 200 and len(tile.content) == 32 * size
    assert tile.headers["content-type"] == "application/octet-stream"
    assert tile.headers["cache-control"] == "public, max-age=5"
    bundle = served.get(f"/log/tile/entries/000.p/{size}")
    assert bundle.status_code == 200
    assert b"".join(leaf_hash(leaf) for leaf in split_bundle(bundle.content)) == tile.content


def test_an_unknown_log_path_is_a_json_404(served: TestClient) -> None:
    answer = served.get("/log/tiles/0/000", params={"lang": "en"})
    assert answer.status_code == 404 and answer.json()["code"] == "http.404"


@pytest.mark.parametrize(("path", "status", "code", "words"), [
    ("/log/tile/0/x001/x002/003", 404, "ledger.tile_beyond_tree", "beyond the log"),
    ("/log/tile/0/000", 404, "ledger.tile_beyond_tree", "0 full tiles and a partial tile of width 3"),
    ("/log/tile/0/000.p/4", 404, "ledger.tile_beyond_tree", "size 3"),
    ("/log/tile/1/000.p/1", 404, "ledger.tile_beyond_tree", "tree level 8"),
    ("/log/tile/0/x001/x002/x003", 400, "ledger.bad_tile_path", "index is 'x003'"),
    ("/log/tile/0/0001", 400, "ledger.bad_tile_path", "groups of three digits"),
    ("/log/tile/0/x000/001", 400, "ledger.bad_tile_path", "no leading x000"),
    ("/log/tile/64/000", 400, "ledger.bad_tile_path", "0–63 without leading zeros"),
    ("/log/tile/01/000", 400, "ledger.bad_tile_path", "level is '01'"),
    ("/log/tile/0/000.p/0", 400, "ledger.bad_tile_path", "1–255"),
    ("/log/tile/0/000.p/256", 400, "ledger.bad_tile_path", "width is '256'"),
    ("/log/tile/entries/000.p/00", 400, "ledger.bad_tile_path", "width"),
])
def test_bad_tile_paths_get_clear_refusals(served: TestClient, path: str, status: int, code: str,
                                            words: str) -> None:
    answer = served.get(path, params={"lang": "en"})
    assert answer.status_code == status, answer.text
    assert answer.json()["code"] == code and words in answer.json()["message"], answer.json()
    assert "cache-control" not in answer.headers or "immutable" not in answer.headers["cache-control"]
    chinese = served.get(path)
    assert chinese.json()["code"] == code and ("瓦片" in chinese.json()["message"])
    if code == "ledger.bad_tile_path":  # the part and the rule in the reader's language too
        assert "应为" in chinese.json()["message"] and "allowed" not in chinese.json()["message"]
    assert served.get("/log/tile/01/000").json()["message"] == (
        "瓦片路径 tile/01/000 无效：层级为“01”，应为 0–63 的十进制整数（无前导零）或 entries")


def test_an_instruments_texts_are_committed_and_checked_with_its_salt(
        uow_factory: Callable[[], UnitOfWork], request: pytest.FixtureRequest) -> None:
    from liandong.services import instruments as i
    from tests.factories.instruments import LIANGXI, WUXI, instrument_rules

    ledger = Ledger(secrets.token_bytes(32), witnesses=("100000",))
    bus = i.InstrumentBus(uow=uow_factory, rules=instrument_rules(), clock=ManualClock(NOW),
                          new_id=lambda: "I0001", recorder=ledger.record)
    iid = bus.handle(i.Issue(by=WUXI, kind="directive", title="关于某小区违建的批示", body="请核查张某举报",
                             scope="320213", addressees=(LIANGXI,),
                             due=NOW + timedelta(days=1))).instrument_id
    bus.handle(i.Respond(by=LIANGXI, instrument_id=iid, text="已约谈李某"))
    with uow_factory() as uow:
        leaves = [leaf for _, leaf in uow.ledger.entries_of_case(iid)]
        salt = uow.instruments.salt(iid)
        report = ledger.verify(uow)
    assert salt is not None and len(salt) == 32 and report.ok, report
    assert len(leaves) == 2 and all(public_leaf(leaf) for leaf in leaves)
    for word in ("违建", "张某", "李某"):
        assert all(word.encode() not in leaf for leaf in leaves)
    assert set(json.loads(leaves[0])["commitments"]) == {"title", "body", "subject", "indicators", "items"}
    if request.node.callspec.params["uow_factory"] == "memory":
        return
    from sqlalchemy import text

    with uow_factory() as uow:  # the response's text edited in the instrument's tables
        uow.instruments.conn.execute(  # type: ignore[attr-defined]
            text("UPDATE instrument_event SET payload = replace(payload, '李某', '王某') "
                          "WHERE instrument_id = :i"), {"i": iid})
        uow.commit()
    with uow_factory() as uow:
        report = ledger.verify(uow)
    assert not report.ok and report.state is not None and report.state.mismatch is not None
    assert report.state.mismatch.params["field"] == "text (commitment)"
    assert report.state.mismatch.params["found"] == "已约谈王某"
