"""The reporters' phone digests keyed with the platform secret (issue 24 point 6, decision 0048), on
SQLite and PostgreSQL: migration 0030 keys the rows 0026 wrote as plain SHA-256 digests and fills
those of the cases reported before 0026 from their stored reports, so that the tracking code's
recovery finds old cases too; without the secret it is refused and changes nothing."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import insert, select

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.notify import SmsLogGateway
from liandong.adapters.sql import migrate, phones
from liandong.adapters.sql import tables as t
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.domain.cases import commands as c
from liandong.domain.contact import phone_digest, phone_key
from liandong.services.accounts import token_digest
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ports import UnitOfWork
from liandong.services.recovery import TrackingRecovery, rekey_phones
from tests.factories.stores import write_cases_as_stored
from tests.factories.worlds import national_case_rules

SECRET = b"s" * 32
T = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def test_the_digest_is_keyed() -> None:
    key = phone_key(SECRET)
    assert phone_digest("139 0000 1111", key) == phone_digest("+86 139-0000-1111", key)
    assert phone_digest("13900001111", key) != phone_digest("13900001111", phone_key(b"t" * 32))
    assert phone_digest("13900001111", key) != hashlib.sha256(b"phone\n13900001111").hexdigest()
    assert key != SECRET and len(key) == 32


@pytest.mark.parametrize("backend", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_0030_keys_the_digests_and_fills_those_of_older_cases(backend: str, tmp_path: Path,
                                                               request: pytest.FixtureRequest) -> None:
    memory = MemoryUnitOfWork()
    clock = ManualClock(T)
    bus = MessageBus(uow=lambda: memory, rules=national_case_rules(), clock=clock)

    def report(phone: str) -> str:
        clock.advance(timedelta(minutes=1))
        return bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=("320213001",),
                                       description="垃圾满溢", reporter_phone=phone)).case_id

    older, newer = report("139 0000 1111"), report("13900001111")  # before 0026, and after it
    other, silent = report("13700002222"), report("")
    engine = make_engine(request.getfixturevalue("sqlite_url" if backend == "sqlite" else "pg_url"))
    try:
        migrate.upgrade(engine, "0026")
        write_cases_as_stored(memory, engine)
        plain = hashlib.sha256(b"phone\n13900001111").hexdigest()  # as 0026 wrote it, for the newer
        with engine.begin() as conn:
            conn.execute(insert(t.reporter_phone).values(phone_hash=plain, case_id=newer))

        with pytest.raises(RuntimeError, match="platform secret"):
            migrate.upgrade(engine)  # nothing to key with: refused, nothing changed
        assert migrate.current_revision(engine) == "0026"

        migrate.upgrade(engine, secret=SECRET)
        key = phone_key(SECRET)
        with engine.connect() as conn:
            p = t.reporter_phone
            rows = set(conn.execute(select(p.c.phone_hash, p.c.case_id)).tuples())
            assert phones.stored_phones(conn) == 3
        assert rows == {(phone_digest("13900001111", key), older), (phone_digest("13900001111", key), newer),
                        (phone_digest("13700002222", key), other)}
        assert silent not in {case_id for _, case_id in rows}

        log = tmp_path / "sms.log"
        recovery = TrackingRecovery(uow=lambda: SqlUnitOfWork(engine), sms=SmsLogGateway(log), clock=clock,
                                    secret=SECRET)
        challenge = recovery.request("139 0000 1111")
        code = re.search(r"验证码 (\d{6})", json.loads(log.read_text(encoding="utf-8"))["text"])
        assert code is not None
        found = recovery.verify("13900001111", code.group(1), challenge)
        assert [f.case_id for f in found] == [newer, older]  # the old case found too, newest first
        with SqlUnitOfWork(engine) as uow:
            assert all(uow.case_reads.case_for_tracking(token_digest(f.tracking_code)) == f.case_id
                       for f in found)
    finally:
        engine.dispose()


def test_a_fresh_store_needs_no_secret(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    try:
        migrate.upgrade(engine)  # nothing stored: nothing to key
        assert migrate.current_revision(engine) == migrate.head_revision()
    finally:
        engine.dispose()


def test_the_digests_are_keyed_again_after_the_secret_changed(uow_factory: Callable[[], UnitOfWork]) -> None:
    clock = ManualClock(T)
    bus = MessageBus(uow=uow_factory, rules=national_case_rules(), clock=clock, phone_key=phone_key(SECRET))
    case_id = bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=("320213001",),
                                      description="垃圾满溢", reporter_phone="13900001111")).case_id
    bus.handle(c.ReportCase(by="reporter", matter="garbage_collection", affected=("320213001",),
                            description="垃圾满溢"))
    new = b"n" * 32
    assert rekey_phones(uow_factory, new) == 1
    with uow_factory() as uow:
        assert uow.case_reads.cases_for_phone(phone_digest("13900001111", phone_key(new))) == [case_id]
        assert uow.case_reads.cases_for_phone(phone_digest("13900001111", phone_key(SECRET))) == []
