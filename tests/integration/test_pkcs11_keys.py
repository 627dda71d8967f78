"""Department keys in a PKCS#11 token (issue 22 point 4, decision 0042): SoftHSM2 from Debian, driven
through python-pkcs11. Keys are made in the token at ``liandong init`` and on first use, entries and
checkpoints are signed through the key-store port and checked by the ledger's own verifier and the
offline receipt check; the private keys are sensitive and not extractable, and the database keeps
no secret of theirs.

SoftHSM2 comes from Debian (``make softhsm`` installs it). Without it the tests skip, saying so; in CI
(``LIANDONG_REQUIRE_HSM=1``) they must run."""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from liandong.adapters.memory.unit_of_work import MemoryUnitOfWork
from liandong.adapters.sql import migrate
from liandong.adapters.sql.engine import make_engine
from liandong.adapters.sql.repositories import SqlUnitOfWork
from liandong.config import Settings
from liandong.domain.errors import DomainError
from liandong.ledger.receipt import check_receipt
from liandong.ledger.suite import SHA256_ED25519
from liandong.services.cases import MessageBus
from liandong.services.clock import ManualClock
from liandong.services.keystore import SealedKeyStore
from liandong.services.ledger import Ledger
from liandong.services.ports.keystore import HELD_IN_TOKEN
from tests.factories.record_journey import NOW, RULES, journey

MODULE = Path("/usr/lib/softhsm/libsofthsm2.so")
SOFTHSM_UTIL = shutil.which("softhsm2-util")
REQUIRED = bool(os.environ.get("LIANDONG_REQUIRE_HSM"))
LABEL, OTHER, PIN, SO_PIN = "liandong-test", "liandong-other", "246810", "13579135"

_missing = [what for what, present in (
    (f"SoftHSM2's module {MODULE}", MODULE.is_file()), ("softhsm2-util", SOFTHSM_UTIL is not None),
    ("python-pkcs11", importlib.util.find_spec("pkcs11") is not None)) if not present]
if _missing:
    if REQUIRED:
        raise RuntimeError(f"SoftHSM2 and python-pkcs11 are required in CI; missing: {', '.join(_missing)} "
                           "(make softhsm installs Debian's softhsm2; make install python-pkcs11)")
    pytest.skip(f"missing {', '.join(_missing)} (make softhsm installs Debian's softhsm2)",
                allow_module_level=True)

from liandong.adapters.pkcs11_keys import Pkcs11KeyStore, key_store  # noqa: E402  (needs pkcs11)

runner = CliRunner()


@pytest.fixture(scope="module")
def token(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A fresh SoftHSM2 token in a temporary SOFTHSM2_CONF directory, for this module's tests (the
    PKCS#11 module reads the configuration once per process: one token serves them all)."""
    home = tmp_path_factory.mktemp("softhsm")
    (home / "tokens").mkdir()
    conf = home / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {home / 'tokens'}\nobjectstore.backend = file\n"
                    "log.level = ERROR\nslots.removable = false\n")
    before = os.environ.get("SOFTHSM2_CONF")
    os.environ["SOFTHSM2_CONF"] = str(conf)
    assert SOFTHSM_UTIL is not None
    for label in (LABEL, OTHER):  # the other one, never logged in here, for a wrong PIN
        made = subprocess.run([SOFTHSM_UTIL, "--init-token", "--free", "--label", label, "--so-pin",
                               SO_PIN, "--pin", PIN], capture_output=True, text=True, timeout=60)
        assert made.returncode == 0, made.stderr
    yield home
    if before is None:
        os.environ.pop("SOFTHSM2_CONF", None)
    else:
        os.environ["SOFTHSM2_CONF"] = before


def store(secret: bytes = b"a platform secret of 32 bytes..!") -> Pkcs11KeyStore:
    return Pkcs11KeyStore(str(MODULE), LABEL, PIN, SealedKeyStore(secret))


def private_object(store: Pkcs11KeyStore, public: bytes) -> object:
    from pkcs11 import ObjectClass

    return store._open().get_key(object_class=ObjectClass.PRIVATE_KEY, id=public)


def test_entries_and_checkpoints_signed_in_the_token_verify(token: Path, tmp_path: Path) -> None:
    """A case journey on SQLite signed through the port: the departments' keys are made in the token
    on first use, their rows hold only the public key, and ``verify`` and the receipt hold."""
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'liandong.sqlite3'}")
    migrate.upgrade(engine)
    keys = store()
    ledger = Ledger(b"a platform secret of 32 bytes..!", witnesses=("100000",), keys=keys)
    bus = MessageBus(uow=lambda: SqlUnitOfWork(engine), rules=RULES, clock=ManualClock(NOW),
                     recorder=ledger.record)
    cid = journey(bus)
    with SqlUnitOfWork(engine) as uow:
        signers = [json.loads(leaf)["signer"] for _, leaf in uow.ledger.entries_of_case(cid)]
        assert signers == ["platform", "320200-gov", "320200-gov", "320213001-urban_management"]
        for name in ("platform", "320200-gov", "320213001-urban_management"):
            kind, public, sealed = uow.ledger.key(name) or ("", b"", b"")
            assert sealed == HELD_IN_TOKEN and len(public) == 32, name
            assert keys.key(uow, name, kind, NOW).public == public
        assert ledger.checkpoint(uow, NOW) is not None
        uow.commit()
    with SqlUnitOfWork(engine) as uow:
        report = ledger.verify(uow)
        assert report.ok, report
        checked = check_receipt(ledger.receipt(uow, cid))
    assert checked.ok and checked.size == 4
    # a second process's ledger (a fresh store) finds the same keys in the token and signs on
    again = Ledger(b"a platform secret of 32 bytes..!", witnesses=("100000",), keys=store())
    bus = MessageBus(uow=lambda: SqlUnitOfWork(engine), rules=RULES, clock=ManualClock(NOW),
                     recorder=again.record)
    journey(bus)
    with SqlUnitOfWork(engine) as uow:
        assert uow.ledger.size() == 8 and again.verify(uow).ok
    engine.dispose()


def test_the_private_key_never_leaves_the_token(token: Path) -> None:
    from pkcs11 import Attribute
    from pkcs11.exceptions import AttributeSensitive

    keys = store()
    uow = MemoryUnitOfWork()
    key = keys.key(uow, "320213-public_security", "department", NOW)
    handle = private_object(keys, key.public)
    assert handle[Attribute.SENSITIVE] is True  # type: ignore[index]
    assert handle[Attribute.EXTRACTABLE] is False  # type: ignore[index]
    assert handle[Attribute.NEVER_EXTRACTABLE] is True  # type: ignore[index]
    with pytest.raises(AttributeSensitive):
        handle[Attribute.VALUE]  # type: ignore[index]
    message = b"an envelope"
    assert SHA256_ED25519.verify(key.public, message, key.sign(message))
    assert not SHA256_ED25519.verify(key.public, b"another envelope", key.sign(message))
    assert uow.ledger.key("320213-public_security") == ("department", key.public, HELD_IN_TOKEN)


def test_an_imported_key_signs_in_the_token(token: Path) -> None:
    """A key made elsewhere (its seed) is put into the token, then signs there like one made in it."""
    from pkcs11 import Attribute
    from pkcs11.exceptions import AttributeSensitive

    keys = store()
    seed = SHA256_ED25519.generate_private_key()
    public = SHA256_ED25519.public_key(seed)
    keys.import_key("320213001-gov", seed, public)
    uow = MemoryUnitOfWork()
    uow.ledger.add_key("320213001-gov", "department", public, HELD_IN_TOKEN, NOW)
    key = keys.key(uow, "320213001-gov", "department", NOW)
    assert SHA256_ED25519.verify(public, b"x", key.sign(b"x"))
    assert key.sign(b"x") == SHA256_ED25519.sign(seed, b"x")  # Ed25519 is deterministic
    with pytest.raises(AttributeSensitive):
        private_object(keys, public)[Attribute.VALUE]  # type: ignore[index]


def test_two_processes_making_one_key_keep_the_stored_one(token: Path) -> None:
    """Two stores make a key for one name at once: the row stored first wins, the other's token
    objects are destroyed, and both then sign with the stored key."""
    first, second = store(), store()
    uow = MemoryUnitOfWork()
    made = second.generate("320213-emergency")  # the other process got there first
    uow.ledger.add_key("320213-emergency", "department", made, HELD_IN_TOKEN, NOW)
    mine = first.generate("320213-emergency")
    first.destroy(mine)
    assert first.key(uow, "320213-emergency", "department", NOW).public == made
    from pkcs11 import Attribute

    assert list(first._open().get_objects({Attribute.ID: mine})) == []


def test_keys_where_the_settings_say(token: Path, tmp_path: Path) -> None:
    """``LIANDONG_KEY_STORE=pkcs11``: ``liandong init`` makes every department's key in the token;
    the CLI reports, dispatches, checkpoints and verifies with them; a sealed-store installation on
    the same data says the key is in a token; an unknown key or token is refused in words."""
    from liandong.cli import app as cli

    d = ["--data-dir", str(tmp_path)]
    env = {"LIANDONG_KEY_STORE": "pkcs11", "LIANDONG_PKCS11_MODULE": str(MODULE),
           "LIANDONG_PKCS11_TOKEN": LABEL, "LIANDONG_PKCS11_PIN": PIN}
    assert runner.invoke(cli, ["init", "--scope", "320213", *d], env=env).exit_code == 0
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'liandong.sqlite3'}")
    with SqlUnitOfWork(engine) as uow:
        row = uow.ledger.key("320213-urban_management")
        assert row is not None and row[2] == HELD_IN_TOKEN
    engine.dispose()
    result = runner.invoke(cli, ["case", "report", "--matter", "social_life_noise", "--place",
                                 "320213001", "--text", "噪声", *d], env=env)
    assert result.exit_code == 0, result.output
    cid = result.output.split()[0]
    result = runner.invoke(cli, ["case", "dispatch", cid, "--by", "320200-gov", *d], env=env)
    assert result.exit_code == 0, result.output
    assert runner.invoke(cli, ["ledger", "checkpoint", *d], env=env).exit_code == 0
    result = runner.invoke(cli, ["ledger", "verify", *d, "--lang", "en"], env=env)
    assert result.exit_code == 0 and "verified: 3 entries" in result.output, result.output
    # the sealed store, given these data, refuses to sign for a department whose key is in a token
    from liandong.bootstrap import bootstrap

    sealed = bootstrap(Settings(data_dir=tmp_path))
    with sealed.uow() as uow, pytest.raises(DomainError) as refused:
        sealed.ledger.entry_key(uow, "320213-urban_management", datetime.now(UTC))
    assert refused.value.code == "ledger.key_in_token"
    with pytest.raises(DomainError) as unset:
        key_store(Settings(data_dir=tmp_path, key_store="pkcs11", pkcs11_module=str(MODULE),
                           pkcs11_token=LABEL), SealedKeyStore(b"a platform secret of 32 bytes..!"))
    assert unset.value.code == "ledger.token_unavailable"
    assert "LIANDONG_PKCS11_PIN" in unset.value.params["problem"]
    absent = Pkcs11KeyStore(str(MODULE), "no-such-token", PIN, SealedKeyStore(b"x" * 32))
    with pytest.raises(DomainError) as missing:
        absent.generate("320213-gov")
    assert missing.value.code == "ledger.token_unavailable"
    assert missing.value.params["token"] == "no-such-token"
    wrong = Pkcs11KeyStore(str(MODULE), OTHER, "000000", SealedKeyStore(b"x" * 32))
    with pytest.raises(DomainError) as refused_pin:
        wrong.generate("320213-gov")
    assert refused_pin.value.code == "ledger.token_unavailable"
    assert "PinIncorrect" in refused_pin.value.params["problem"]
    uow_mem = MemoryUnitOfWork()
    uow_mem.ledger.add_key("320213-gov", "department", bytes(32), HELD_IN_TOKEN, NOW)
    with pytest.raises(DomainError) as gone:
        store().key(uow_mem, "320213-gov", "department", NOW)
    assert gone.value.code == "ledger.key_not_in_token"


def test_a_key_sealed_before_the_switch_stays_sealed(token: Path) -> None:
    """A department whose key was sealed in the database before the token was configured goes on
    signing with it (the token makes no second key for it); a new department's key is the token's."""
    secret = b"a platform secret of 32 bytes..!"
    uow = MemoryUnitOfWork()
    sealed = SealedKeyStore(secret)
    sealed.create(uow, ["320213-education"], NOW)
    before = uow.ledger.key("320213-education")
    assert before is not None and before[2] != HELD_IN_TOKEN
    keys = store(secret)
    key = keys.key(uow, "320213-education", "department", NOW)
    assert key.public == before[1] and keys.key(uow, "320213-education", "department", NOW) is key
    assert SHA256_ED25519.verify(key.public, b"m", key.sign(b"m"))
    assert uow.ledger.key("320213-education") == before
    made = keys.key(uow, "320213-water", "department", NOW)
    assert uow.ledger.key("320213-water") == ("department", made.public, HELD_IN_TOKEN)


def test_each_thread_signs_in_its_own_session(token: Path) -> None:
    """Several threads sign at once: each opens its own session (sharing the login) and finds its own
    handle of the key; the calls into the module are serialised by the module's lock (without it
    SoftHSM2, initialised for one thread, crashed); the signatures are the key's."""
    from concurrent.futures import ThreadPoolExecutor
    from threading import Barrier

    keys = store()
    uow = MemoryUnitOfWork()
    key = keys.key(uow, "320213-transport", "department", NOW)
    together = Barrier(4)

    def sign(n: int) -> tuple[int, bool]:
        together.wait(timeout=30)  # four threads at once, none reusing another's session
        messages = [f"envelope {n}.{i}".encode() for i in range(20)]
        ok = all(SHA256_ED25519.verify(key.public, m, key.sign(m)) for m in messages)
        return id(keys._open()), ok

    with ThreadPoolExecutor(max_workers=4) as pool:
        results = list(pool.map(sign, range(4)))
    assert all(ok for _, ok in results)
    assert len({session for session, _ in results}) == 4
    assert len(keys._sessions) >= 4
    keys.close()
    assert keys._sessions == []
    assert SHA256_ED25519.verify(key.public, b"after", key.sign(b"after"))  # a new session on demand
    keys.close()


def test_sealed_keys_move_into_the_token(token: Path, tmp_path: Path) -> None:
    """``liandong ledger keys-to-token``: the departments' and the platform's keys sealed before the
    switch go into the token (the same keys: what they signed before still verifies, and they sign
    alike), their rows keep no secret; the log's and the witnesses' keys stay sealed; a second run
    has nothing to move; without a token configured, or for a name with no sealed key, it refuses."""
    from liandong.cli import app as cli

    d = ["--data-dir", str(tmp_path)]
    env = {"LIANDONG_KEY_STORE": "pkcs11", "LIANDONG_PKCS11_MODULE": str(MODULE),
           "LIANDONG_PKCS11_TOKEN": LABEL, "LIANDONG_PKCS11_PIN": PIN}
    assert runner.invoke(cli, ["init", "--scope", "320213", *d]).exit_code == 0  # sealed keys
    result = runner.invoke(cli, ["case", "report", "--matter", "social_life_noise", "--place",
                                 "320213001", "--text", "噪声", *d])
    cid = result.output.split()[0]
    assert runner.invoke(cli, ["case", "dispatch", cid, "--by", "320200-gov", *d]).exit_code == 0
    assert runner.invoke(cli, ["ledger", "checkpoint", *d]).exit_code == 0
    engine = make_engine(f"sqlite+pysqlite:///{tmp_path / 'liandong.sqlite3'}")
    with SqlUnitOfWork(engine) as uow:
        before = {name: (kind, public) for name, kind, public, _ in uow.ledger.sealed_keys()}
    assert before["320200-gov"][0] == "department" and before["liandong-log"][0] == "log"

    refused = runner.invoke(cli, ["ledger", "keys-to-token", *d, "--lang", "en"])
    assert refused.exit_code == 2 and "no token configured" in refused.output
    unknown = runner.invoke(cli, ["ledger", "keys-to-token", "--name", "no-such-dept", *d, "--lang", "en"],
                            env=env)
    assert unknown.exit_code == 2 and "no-such-dept" in unknown.output, unknown.output

    moved = runner.invoke(cli, ["ledger", "keys-to-token", *d], env=env)
    assert moved.exit_code == 0, moved.output
    assert "移入密码设备令牌" in moved.output and "已移入 320200-gov" in moved.output
    with SqlUnitOfWork(engine) as uow:
        left = {name: kind for name, kind, _, _ in uow.ledger.sealed_keys()}
        assert set(left.values()) <= {"log", "witness"} and "liandong-log" in left
        for name, (kind, public) in before.items():
            if kind not in ("log", "witness"):
                assert uow.ledger.key(name) == (kind, public, HELD_IN_TOKEN), name
    again = runner.invoke(cli, ["ledger", "keys-to-token", *d, "--lang", "en"], env=env)
    assert again.exit_code == 0 and "no department key sealed in the database" in again.output

    # the moved keys sign on in the token; everything signed before still verifies
    result = runner.invoke(cli, ["case", "report", "--matter", "social_life_noise", "--place",
                                 "320213001", "--text", "又一起噪声", *d], env=env)
    assert result.exit_code == 0, result.output
    other = result.output.split()[0]
    assert runner.invoke(cli, ["case", "dispatch", other, "--by", "320200-gov", *d], env=env).exit_code == 0
    result = runner.invoke(cli, ["ledger", "verify", *d, "--lang", "en"], env=env)
    assert result.exit_code == 0 and "verified: 6 entries" in result.output, result.output
    with SqlUnitOfWork(engine) as uow:
        signers = [json.loads(leaf)["signer"] for _, leaf in uow.ledger.entries_of_case(other)]
    assert signers == ["platform", "320200-gov", "320200-gov"]
    from liandong.bootstrap import bootstrap

    sealed = bootstrap(Settings(data_dir=tmp_path))  # the sealed store no longer has those keys
    with sealed.uow() as uow, pytest.raises(DomainError) as held:
        sealed.ledger.entry_key(uow, "320200-gov", datetime.now(UTC))
    assert held.value.code == "ledger.key_in_token"
    engine.dispose()
