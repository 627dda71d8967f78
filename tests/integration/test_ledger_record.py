"""The shared record on memory, SQLite and PostgreSQL: every event signed and appended in the
same transaction; checkpoints cosigned; receipts verified offline; tampering detected."""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine, text

from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.errors import DomainError
from liandong.ledger.receipt import check_receipt
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ledger import Ledger
from liandong.services.ports import UnitOfWork
from tests.factories.deployments import sandbox_store
from tests.factories.record_journey import NOW, RULES, journey


def make_bus(uow: Callable[[], UnitOfWork]) -> tuple[MessageBus, Ledger]:
    ledger = Ledger(secrets.token_bytes(32), witnesses=("100000", "320000"))
    bus = MessageBus(uow=uow, rules=RULES, clock=ManualClock(NOW), recorder=ledger.record)
    return bus, ledger


def test_every_event_is_signed_and_appended(uow_factory: Callable[[], UnitOfWork]) -> None:
    bus, ledger = make_bus(uow_factory)
    cid = journey(bus)
    with uow_factory() as uow:
        events = uow.cases.events(cid)
        assert uow.ledger.size() == len(events) == 4
        leaves = [json.loads(leaf) for _, leaf in uow.ledger.entries_of_case(cid)]
        assert [leaf["event"]["type"] for leaf in leaves] == [type(e).__name__ for e in events]
        assert [leaf["signer"] for leaf in leaves] == ["platform", "320200-gov", "320200-gov",
                                                       "320213001-urban_management"]
        note = ledger.checkpoint(uow, NOW)
        uow.commit()
    assert note is not None and "— witness-100000" in note and "— witness-320000" in note
    with uow_factory() as uow:
        assert ledger.checkpoint(uow, NOW) is None  # nothing new
        report = ledger.verify(uow)
        assert report.ok, report
        receipt = ledger.receipt(uow, cid)
    checked = check_receipt(receipt)
    assert checked.ok and checked.index == 3 and checked.size == 4
    assert checked.signers == ("liandong-log", "witness-100000", "witness-320000")


def test_a_refused_command_appends_nothing(uow_factory: Callable[[], UnitOfWork]) -> None:
    bus, _ = make_bus(uow_factory)
    cid = journey(bus)
    with pytest.raises(DomainError):
        bus.handle(c.AcknowledgeCase(by="320213001-urban_management", case_id=cid))
    with uow_factory() as uow:
        assert uow.ledger.size() == 4


def test_group_commit_appends_one_batch(uow_factory: Callable[[], UnitOfWork]) -> None:
    bus, ledger = make_bus(uow_factory)
    results = bus.handle_batch([c.ReportCase(by="reporter", matter="social_life_noise",
                                             affected=("320213001",), description=f"噪声{i}")
                                for i in range(5)])
    assert len(results) == 5
    with uow_factory() as uow:
        assert uow.ledger.size() == 5
        assert ledger.verify(uow).ok


# -- tampering, on the real databases ----------------------------------------------------------------
@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def engine(request: pytest.FixtureRequest) -> Engine:
    url = request.getfixturevalue("sqlite_url" if request.param == "sqlite" else "pg_url")
    eng = make_engine(url)
    migrate.upgrade(eng)
    request.addfinalizer(eng.dispose)
    return eng


def behind_their_back(engine: Engine, *statements: str) -> None:
    """What an insider with database access could do: drop the guards and edit rows."""
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            for table in ("ledger_entry", "ledger_node", "ledger_checkpoint"):
                for action in ("update", "delete"):
                    conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_no_{action}"))
        else:
            for table in ("ledger_entry", "ledger_node", "ledger_checkpoint"):
                conn.execute(text(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}"))
        for statement in statements:
            conn.execute(text(statement))


@pytest.fixture
def logged(engine: Engine) -> tuple[Engine, Ledger, str, bytes]:
    bus, ledger = make_bus(lambda: SqlUnitOfWork(engine))
    first = journey(bus)
    for _ in range(2):
        journey(bus)
    with SqlUnitOfWork(engine) as uow:
        ledger.checkpoint(uow, NOW)
        uow.commit()
        receipt = ledger.receipt(uow, first)
    assert check_receipt(receipt).ok
    return engine, ledger, first, receipt


def verify(engine: Engine, ledger: Ledger):
    with SqlUnitOfWork(engine) as uow:
        return ledger.verify(uow)


def test_the_log_rows_refuse_updates_and_deletes(logged) -> None:
    engine, *_ = logged
    for statement in ("UPDATE ledger_entry SET signer = 'x' WHERE idx = 0",
                      "DELETE FROM ledger_node WHERE level = 0 AND idx = 0",
                      "DELETE FROM ledger_checkpoint"):
        with pytest.raises(Exception, match="append-only"), engine.begin() as conn:
            conn.execute(text(statement))
    assert verify(engine, logged[1]).ok


def _flip(engine: Engine, index: int) -> None:
    with engine.connect() as conn:
        leaf = bytes(conn.execute(text(f"SELECT leaf FROM ledger_entry WHERE idx = {index}")).scalar())
    changed = leaf.replace("噪声".encode(), "安静".encode()) if "噪声".encode() in leaf else (
        leaf[:-3] + bytes([leaf[-3] ^ 1]) + leaf[-2:])
    hexed = changed.hex()
    literal = f"X'{hexed}'" if engine.dialect.name == "sqlite" else f"'\\x{hexed}'::bytea"
    behind_their_back(engine, f"UPDATE ledger_entry SET leaf = {literal} WHERE idx = {index}")


def test_one_changed_byte_is_found_and_old_receipts_still_verify(logged) -> None:
    engine, ledger, first, receipt = logged
    _flip(engine, 3)  # the latest entry of the first case, the one its receipt proves
    report = verify(engine, ledger)
    assert not report.ok and report.first_bad_entry == 3
    assert check_receipt(receipt).ok  # issued before the tampering, against its checkpoint
    with SqlUnitOfWork(engine) as uow:
        fresh = ledger.receipt(uow, first)
    assert not check_receipt(fresh).ok


def test_a_deleted_row_is_found(logged) -> None:
    engine, ledger, *_ = logged
    behind_their_back(engine, "DELETE FROM ledger_entry WHERE idx = 7")
    report = verify(engine, ledger)
    assert not report.ok and report.first_bad_entry == 7


def test_swapped_rows_are_found(logged) -> None:
    engine, ledger, *_ = logged
    behind_their_back(engine, "UPDATE ledger_entry SET idx = -1 WHERE idx = 2",
                      "UPDATE ledger_entry SET idx = 2 WHERE idx = 3",
                      "UPDATE ledger_entry SET idx = 3 WHERE idx = -1")
    report = verify(engine, ledger)
    assert not report.ok and report.first_bad_entry == 2


def test_a_replaced_signature_is_found(logged) -> None:
    engine, ledger, *_ = logged
    with engine.connect() as conn:
        leaf = json.loads(bytes(conn.execute(text("SELECT leaf FROM ledger_entry WHERE idx = 5")).scalar()))
    other = Ledger(secrets.token_bytes(32))
    forged_key = other.suite.generate_private_key()
    from liandong.ledger.canonical import canonical_bytes
    body = {k: v for k, v in leaf.items() if k != "sig"}
    import base64
    leaf["sig"] = base64.b64encode(other.suite.sign(forged_key, canonical_bytes(body))).decode()
    forged = canonical_bytes(leaf).hex()
    literal = f"X'{forged}'" if engine.dialect.name == "sqlite" else f"'\\x{forged}'::bytea"
    behind_their_back(engine, f"UPDATE ledger_entry SET leaf = {literal} WHERE idx = 5")
    report = verify(engine, ledger)
    assert not report.ok and report.first_bad_entry == 5
    assert report.bad_signature is not None and "does not verify" in report.bad_signature[1]
    with SqlUnitOfWork(engine) as uow:  # the same, with signatures checked in worker processes
        parallel = ledger.verify(uow, parallel_from=1, chunk=2)
    assert parallel.bad_signature == report.bad_signature and parallel.first_bad_entry == 5


def test_a_rewritten_checkpoint_is_found(logged) -> None:
    engine, ledger, *_ = logged
    with engine.connect() as conn:
        note = conn.execute(text("SELECT note FROM ledger_checkpoint")).scalar()
    rewritten = note.replace("\n12\n", "\n11\n")
    assert rewritten != note
    behind_their_back(engine, "UPDATE ledger_checkpoint SET note = :n".replace(":n", "'" + rewritten + "'"))
    report = verify(engine, ledger)
    assert not report.ok and report.bad_checkpoint is not None


def test_a_witness_refuses_a_forked_history(logged) -> None:
    engine, ledger, *_ = logged
    bus, _ = make_bus(lambda: SqlUnitOfWork(engine))
    bus.clock.advance(timedelta(hours=1))  # type: ignore[attr-defined]
    with SqlUnitOfWork(engine) as uow:
        witness = ledger.witness(uow, "100000", NOW)
        size, _ = witness.last_cosigned(ledger.origin)  # type: ignore[misc]
    from liandong.ledger.note import Checkpoint, sign_checkpoint
    with SqlUnitOfWork(engine) as uow:
        forked = sign_checkpoint(Checkpoint(ledger.origin, size, bytes(32)), ledger.log_signer(uow, NOW))
        with pytest.raises(DomainError) as info:
            witness.cosign(forked, [], ledger.log_signer(uow, NOW).vkey, int(NOW.timestamp()))
    assert info.value.code == "ledger.witness_inconsistent"
    assert "fork" in str(info.value.params)


def test_the_server_publishes_checkpoints_every_second(tmp_path) -> None:
    import time

    from liandong.bootstrap import bootstrap
    from liandong.config import Settings
    from liandong.server.checkpoints import CheckpointPublisher

    platform = sandbox_store(bootstrap(Settings(data_dir=tmp_path)))  # a simulated clock: sandbox only
    journey(platform.bus(ManualClock(NOW)))
    publisher = CheckpointPublisher(platform, interval=0.2)
    publisher.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with platform.uow() as uow:
                if uow.ledger.checkpoints():
                    break
            time.sleep(0.1)
    finally:
        publisher.stop()
    with platform.uow() as uow:
        assert [size for size, *_ in uow.ledger.checkpoints()] == [4]
    assert publisher.publish_once() is None  # nothing new since
    assert (tmp_path / "secret.key").stat().st_mode & 0o777 == 0o600


def test_keys_are_created_in_bulk_on_every_core(uow_factory: Callable[[], UnitOfWork]) -> None:
    ledger = Ledger(secrets.token_bytes(32))
    names = [f"320213{i:03d}-gov" for i in range(1, 40)]
    with uow_factory() as uow:
        assert ledger.create_keys(uow, names, NOW, chunk=10) == len(names)  # 4 chunks: a process pool
        uow.commit()
    with uow_factory() as uow:
        assert set(names) <= set(uow.ledger.public_keys())
        assert ledger.create_keys(uow, names, NOW) == 0  # already there
        from liandong.ledger.suite import open_private_key
        kind, public, sealed = uow.ledger.key(names[0])  # type: ignore[misc]
        opened = open_private_key(sealed, ledger.secret)
        assert kind == "department" and ledger.suite.public_key(opened) == public


# -- personal data: committed to in the leaf, never written into it -------------------------------------
def report_with_contact(bus: MessageBus, phone: str) -> str:
    return bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                   description="广场舞噪声", reporter_name="欧阳娜娜",
                                   reporter_phone=phone)).case_id


def test_a_report_leaf_commits_to_the_reporter_without_revealing_them(
        uow_factory: Callable[[], UnitOfWork]) -> None:
    bus, ledger = make_bus(uow_factory)
    cid = report_with_contact(bus, "13912345678")
    with uow_factory() as uow:
        [(_, leaf)] = uow.ledger.entries_of_case(cid)
        assert b"13912345678" not in leaf and "欧阳娜娜".encode() not in leaf
        document = json.loads(leaf)
        assert document["v"] == 3 and "广场舞噪声".encode() not in leaf  # free text committed too
        concealed = {"reporter_name", "reporter_phone", "reporter_account", "description", "address",
                     "coordinates", "idempotency_key"}
        assert not concealed & set(document["event"])
        assert set(document["commitments"]) == concealed
        salt = uow.cases.salt(cid)
        assert salt is not None and len(salt) == 32 and salt not in leaf
        assert ledger.personal_data_opens(uow, cid) is True  # the stored report matches the leaf
        from liandong.ledger.commitment import opens
        other = {"reporter_name": "欧阳娜娜", "reporter_phone": "13912345679", "reporter_account": ""}
        assert not opens(document["commitments"], other, salt)
        ledger.checkpoint(uow, NOW)
        uow.commit()
    with uow_factory() as uow:
        assert ledger.verify(uow).ok
        receipt = ledger.receipt(uow, cid)
    checked = check_receipt(receipt)
    assert checked.ok and b"13912345678" not in checked.leaf and b"13912345678" not in receipt
    assert json.loads(receipt)["version"] == 2 and checked.salt == salt  # the holder opens the leaf:
    mine = {"reporter_phone": "13912345678", "reporter_name": "欧阳娜娜", "description": "广场舞噪声"}
    assert check_receipt(receipt, values=mine).opened == ("description", "reporter_name", "reporter_phone")
    assert not check_receipt(receipt, values={**mine, "description": "已撤诉"}).ok


def test_leaves_written_before_commitments_still_verify(
        uow_factory: Callable[[], UnitOfWork], monkeypatch: pytest.MonkeyPatch) -> None:
    bus, ledger = make_bus(uow_factory)
    ledger.leaf_version = 1  # the envelope as it was: the event in full (version 1)
    old = report_with_contact(bus, "13700000001")
    ledger.leaf_version = 2  # then personal fields committed, the texts in clear (version 2)
    middle = report_with_contact(bus, "13700000003")
    ledger.leaf_version = 3
    new = report_with_contact(bus, "13700000002")
    with uow_factory() as uow:
        [(_, old_leaf)] = uow.ledger.entries_of_case(old)
        assert json.loads(old_leaf)["v"] == 1 and b"13700000001" in old_leaf
        [(_, middle_leaf)] = uow.ledger.entries_of_case(middle)
        assert json.loads(middle_leaf)["v"] == 2 and b"13700000003" not in middle_leaf
        assert "广场舞噪声".encode() in middle_leaf
        assert uow.cases.salt(old) is None and ledger.personal_data_opens(uow, old) is None
        assert ledger.personal_data_opens(uow, middle) is True
        assert ledger.personal_data_opens(uow, new) is True
        ledger.checkpoint(uow, NOW)
        uow.commit()
    with uow_factory() as uow:
        assert ledger.verify(uow).ok
        receipts = [ledger.receipt(uow, cid) for cid in (old, middle, new)]
    assert all(check_receipt(r).ok for r in receipts)


def test_a_rolled_back_report_keeps_no_salt(uow_factory: Callable[[], UnitOfWork]) -> None:
    ledger = Ledger(secrets.token_bytes(32), witnesses=("100000",))

    def failing(uow: UnitOfWork, stored, now: datetime) -> None:
        ledger.record(uow, stored, now)
        raise DomainError("ledger.bad_signature", signer="test", seq=0)

    bus = MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(NOW), recorder=failing,
                     new_id=lambda: "C-rolled-back")
    with pytest.raises(DomainError):
        report_with_contact(bus, "13700000003")
    with uow_factory() as uow:
        assert uow.cases.get("C-rolled-back") is None and uow.cases.salt("C-rolled-back") is None


def test_two_processes_checkpointing_the_same_head_keep_one_and_the_witness_never_goes_back(
        engine: Engine) -> None:
    bus, ledger = make_bus(lambda: SqlUnitOfWork(engine))
    journey(bus)
    now = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)
    with SqlUnitOfWork(engine) as first, SqlUnitOfWork(engine) as second:
        size = first.ledger.size()
        head = first.ledger.hashes.get_many([(0, 0)])[0]
        first.ledger.add_checkpoint(size, head, "first note", now)
        first.ledger.save_witness_state("witness-100000", ledger.origin, size, head)
        first.commit()
        second.ledger.add_checkpoint(size, head, "second note", now)  # the same head, signed again
        second.ledger.save_witness_state("witness-100000", ledger.origin, size - 1, b"older")
        second.commit()
    with SqlUnitOfWork(engine) as uow:
        assert [(s, note) for s, _, note in uow.ledger.checkpoints()] == [(size, "first note")]
        assert uow.ledger.witness_state("witness-100000")[ledger.origin] == (size, head)
