"""Independent witnesses (decision 0035): a witness in a process of its own, with its own key and
directory, cosigns a node's checkpoints over c2sp.org/tlog-witness and refuses a rolled-back or
forked log, saying why; the node stores the cosignatures it got and raises the ledger alarm for a
refusal. Real processes and real HTTP, on memory, SQLite and PostgreSQL."""

from __future__ import annotations

import secrets
import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from liandong.adapters.memory import MemoryUnitOfWork
from liandong.adapters.witness_http import HttpCosigner, MemoryRefusals
from liandong.ledger.merkle import MemoryHashStore, append_leaves, consistency_proof
from liandong.ledger.merkle import root as tree_root
from liandong.ledger.note import Checkpoint, Signer, Verifier, parse_note, sign_checkpoint, verify_note
from liandong.ledger.receipt import check_receipt
from liandong.ledger.witness_protocol import render_add_checkpoint
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.ledger import DEFAULT_ORIGIN, Ledger, derive_private_key
from liandong.services.ledger_audit import LOG_KEY
from liandong.services.ledger_watch import LedgerWatch
from liandong.services.ports import UnitOfWork
from tests.factories.record_journey import NOW, RULES, journey
from tests.support.witness import WitnessProcess, witness_process

SECRET = secrets.token_bytes(32)
LOG_VKEY = Signer(LOG_KEY, derive_private_key(SECRET, LOG_KEY)).vkey


@pytest.fixture
def witness(tmp_path: Path) -> Iterator[WitnessProcess]:
    with witness_process(tmp_path, DEFAULT_ORIGIN, LOG_VKEY) as running:
        yield running


def node(uow: Callable[[], UnitOfWork], witness: WitnessProcess,
         refusals: MemoryRefusals | None = None) -> tuple[MessageBus, Ledger]:
    ledger = Ledger(SECRET, cosigners=(HttpCosigner(witness.url, witness.vkey),),
                    on_refusal=refusals.refused if refusals else None)
    return MessageBus(uow=uow, rules=RULES, clock=ManualClock(NOW), recorder=ledger.record), ledger


def checkpoint(uow: Callable[[], UnitOfWork], ledger: Ledger) -> str:
    with uow() as unit:
        note = ledger.checkpoint(unit, NOW)
        unit.commit()
    assert note is not None
    return note


def test_a_witness_in_its_own_process_cosigns_what_extends_its_state(
        uow_factory: Callable[[], UnitOfWork], witness: WitnessProcess) -> None:
    bus, ledger = node(uow_factory, witness)
    cid = journey(bus)
    first = checkpoint(uow_factory, ledger)
    signed = verify_note(first, [Verifier.from_vkey(witness.vkey)])
    assert [s.name for s in signed] == ["witness-x"] and signed[0].cosigned_at is not None
    assert abs(signed[0].cosigned_at - datetime.now(UTC).timestamp()) < 120  # the witness's own clock
    assert "— witness-100000" not in first  # no in-process witness once an independent one is set
    journey(bus)
    second = checkpoint(uow_factory, ledger)  # with the consistency proof from size 4
    verify_note(second, [Verifier.from_vkey(witness.vkey)])
    state = [p.read_text() for p in (witness.directory / "state").iterdir()]
    assert state == [f"{DEFAULT_ORIGIN}\n8\n{parse_note(second).text.split(chr(10))[2]}\n"]
    with uow_factory() as unit:
        assert unit.ledger.witness_state("witness-x")[DEFAULT_ORIGIN][0] == 8
        receipt = ledger.receipt(unit, cid)
    checked = check_receipt(receipt, trusted_witness_vkeys=[witness.vkey])
    assert checked.reason is None and "witness-x" in checked.signers


def test_a_rolled_back_or_forked_log_is_refused_and_raises_the_alarm(
        uow_factory: Callable[[], UnitOfWork], witness: WitnessProcess) -> None:
    bus, ledger = node(uow_factory, witness)
    journey(bus)
    journey(bus)
    checkpoint(uow_factory, ledger)  # the witness now holds size 8
    # the same log key over another history (a restored old copy, a second node): 4 entries
    other = MemoryUnitOfWork()
    refusals = MemoryRefusals()
    rolled_bus, rolled = node(lambda: other, witness, refusals)
    journey(rolled_bus)
    note = checkpoint(lambda: other, rolled)
    assert "— witness-x" not in note  # stored with the log's signature alone
    refused = refusals.latest()
    assert refused is not None and refused["status"] == "409" and "it holds size 8" in refused["reason"]
    watch = LedgerWatch(lambda: None, refusals=refusals.latest)  # type: ignore[arg-type,return-value]
    alarm = watch.status.alarm
    assert alarm is not None and alarm.key == "witness_refused"
    journey(rolled_bus)  # 8 entries, another root: a fork at the witness's size
    checkpoint(lambda: other, rolled)
    refused = refusals.latest()
    assert refused is not None and refused["status"] == "422" and "fork" in refused["reason"]
    assert "size 8 was cosigned with a different root" in refused["reason"]
    journey(rolled_bus)  # 12 entries: the proof from 8 does not extend what the witness cosigned
    checkpoint(lambda: other, rolled)
    refused = refusals.latest()
    assert refused is not None and refused["status"] == "422"
    assert "the proof does not show size 12 extending size 8" in refused["reason"]
    assert "见证方拒绝联署" in refused["reason"]  # Chinese first, English beside


def post(witness: WitnessProcess, body: bytes) -> httpx.Response:
    return httpx.post(f"{witness.url}/add-checkpoint", content=body, timeout=10)


def signed(size: int, root: bytes, key: bytes | None = None, origin: str = DEFAULT_ORIGIN) -> str:
    return sign_checkpoint(Checkpoint(origin, size, root),
                           Signer(LOG_KEY, key or derive_private_key(SECRET, LOG_KEY)))


def test_the_protocol_answers_each_bad_request_with_its_status_and_reason(witness: WitnessProcess) -> None:
    store = MemoryHashStore()
    store.put_many(append_leaves(0, store.get, [bytes([i]) * 32 for i in range(1, 6)]))

    def head(n: int) -> bytes:
        return tree_root(store, n)

    first = post(witness, render_add_checkpoint(0, [], signed(3, head(3))))
    assert first.status_code == 200 and first.text.startswith("— witness-x ")
    stale = post(witness, render_add_checkpoint(0, [], signed(4, head(4))))
    assert stale.status_code == 409 and stale.text == "3\n"
    assert stale.headers["content-type"].startswith("text/x.tlog.size")
    rollback = post(witness, render_add_checkpoint(3, [], signed(2, head(2))))
    assert rollback.status_code == 409 and rollback.text == "3\n"
    fork = post(witness, render_add_checkpoint(3, [], signed(3, bytes(32))))
    assert fork.status_code == 422 and "size 3 was cosigned with a different root" in fork.text
    bad_proof = post(witness, render_add_checkpoint(3, [bytes(32)], signed(5, head(5))))
    assert bad_proof.status_code == 422 and "见证方拒绝联署" in bad_proof.text
    good = consistency_proof(store, 3, 5)
    assert post(witness, render_add_checkpoint(3, good, signed(5, head(5)))).status_code == 200

    forged = post(witness, render_add_checkpoint(5, [], signed(6, head(5), key=bytes(32))))
    assert forged.status_code == 403
    unknown = post(witness, render_add_checkpoint(0, [], signed(1, head(1), origin="example.com/log")))
    assert unknown.status_code == 404 and "example.com/log" in unknown.text
    for body, says in [(b"", "blank line"), (b"old 05\n\nx", "old <size>"), (b"new 1\n\nx", "old <size>"),
                       (b"old 1\nnot-a-hash\n\n" + signed(5, head(5)).encode(), "line 2 is not a hash"),
                       (b"old 5\n\n", "no checkpoint"), (b"old 5\n\nnot a note\n", "签名便笺格式错误"),
                       (b"\xff\xfe", "UTF-8")]:
        answer = post(witness, body)
        assert answer.status_code == 400 and says in answer.text, (body, answer.text)
        assert answer.text.splitlines()[0] != answer.text.splitlines()[1]  # Chinese, then English
    assert httpx.get(f"{witness.url}/add-checkpoint", timeout=10).status_code == 405


def test_a_node_that_moves_to_an_independent_witness_still_verifies(
        uow_factory: Callable[[], UnitOfWork], witness: WitnessProcess) -> None:
    in_process = Ledger(SECRET)
    journey(MessageBus(uow=uow_factory, rules=RULES, clock=ManualClock(NOW), recorder=in_process.record))
    assert "— witness-100000 " in checkpoint(uow_factory, in_process)
    bus, ledger = node(uow_factory, witness)
    journey(bus)
    note = checkpoint(uow_factory, ledger)
    assert "— witness-x " in note and "— witness-100000 " not in note
    with uow_factory() as unit:
        report = ledger.verify(unit)
        assert report.ok, report.findings()
        assert in_process.verify(unit).ok is False  # whoever still expects the in-process witness says so


def test_an_unreachable_witness_is_a_refusal_and_is_not_waited_on_every_second() -> None:
    from tests.support.processes import free_port

    refusals = MemoryRefusals()
    gone = HttpCosigner(f"http://127.0.0.1:{free_port()}", Signer("witness-gone", bytes(32),
                                                                   cosignature=True).vkey)
    ledger = Ledger(SECRET, cosigners=(gone,), on_refusal=refusals.refused)
    store = MemoryUnitOfWork()
    bus = MessageBus(uow=lambda: store, rules=RULES, clock=ManualClock(NOW), recorder=ledger.record)
    journey(bus)
    assert "— witness-gone " not in checkpoint(lambda: store, ledger)
    refused = refusals.latest()
    assert refused is not None and refused["status"] == "0" and "unreachable" in refused["reason"]
    journey(bus)
    began = time.monotonic()
    checkpoint(lambda: store, ledger)
    assert time.monotonic() - began < 0.5
    refused = refusals.latest()
    assert refused is not None and "not asked again for" in refused["reason"]
