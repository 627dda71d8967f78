"""A verifier written by others audits the log (issue 22 point 5, decision 0031): a small Go program
on ``golang.org/x/mod/sumdb/tlog`` and ``…/note`` (Debian's golang-golang-x-mod-dev), built offline
here, reads a running server's checkpoint and tiles over HTTP, checks inclusion of leaves and the
consistency of an older checkpoint, and refuses a tile or an entry bundle with one byte changed.

Go and the module come from Debian (``make go-verifier`` installs them). Without them the tests
skip, saying so; in CI (``LIANDONG_REQUIRE_GO=1``) they must run."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx
import pytest
from typer.testing import CliRunner

from liandong.bootstrap import bootstrap
from liandong.cli import app as cli
from liandong.config import Settings
from liandong.domain.cases import commands as c
from liandong.ledger.note import Checkpoint, Signer, parse_note
from tests.support.processes import free_port, serving

GO = shutil.which("go") or "/usr/bin/go"
GOPATH = Path("/usr/share/gocode")
TLOG = GOPATH / "src/golang.org/x/mod/sumdb/tlog"
SOURCE = Path(__file__).resolve().parents[1] / "support" / "tlogverify" / "main.go"
REQUIRED = bool(os.environ.get("LIANDONG_REQUIRE_GO"))

if not (Path(GO).exists() and TLOG.is_dir()):
    if REQUIRED:
        raise RuntimeError("Go and golang.org/x/mod are required in CI (make go-verifier installs "
                           "Debian's golang-go and golang-golang-x-mod-dev)")
    pytest.skip(f"no Go toolchain at {GO} or no golang.org/x/mod under {GOPATH} "
                "(make go-verifier installs Debian's golang-go and golang-golang-x-mod-dev)",
                allow_module_level=True)

runner = CliRunner()


@pytest.fixture(scope="module")
def verifier(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The Go program, built with no network: GOPATH mode on Debian's sources, no module proxy."""
    out = tmp_path_factory.mktemp("go")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(out), "GO111MODULE": "off",
           "GOPATH": str(GOPATH), "GOFLAGS": "", "GOPROXY": "off", "GOTOOLCHAIN": "local",
           "CGO_ENABLED": "0", "GOCACHE": str(out / "cache")}
    built = subprocess.run([GO, "build", "-o", str(out / "tlogverify"), str(SOURCE)], env=env,
                           capture_output=True, text=True, timeout=300, cwd=out)
    assert built.returncode == 0, built.stderr
    return out / "tlogverify"


@pytest.fixture(scope="module")
def log(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, str, Path, int]]:
    """A server over a log of 300 entries checkpointed twice: (its /log URL, the log's vkey, the
    file of the older checkpoint, the current size)."""
    data = tmp_path_factory.mktemp("log")
    assert runner.invoke(cli, ["init", "--scope", "320213", "--data-dir", str(data)]).exit_code == 0
    platform = bootstrap(Settings(data_dir=data))
    bus = platform.bus()
    old = data / "old.checkpoint"
    for n in range(300):
        bus.handle(c.ReportCase(by="reporter", matter="social_life_noise", affected=("320213001",),
                                description=f"广场舞噪声 {n}", reporter_name="欧阳娜娜",
                                reporter_phone="13912345678"))
        if n == 99:
            note = platform.record().checkpoint()
            assert note is not None
            old.write_text(note)
    note = platform.record().checkpoint()
    assert note is not None
    size = Checkpoint.parse(parse_note(note).text).size
    with platform.uow() as uow:
        vkey = platform.ledger.log_signer(uow, datetime.now(UTC)).vkey
    if platform.engine is not None:
        platform.engine.dispose()
    env = {**os.environ, "LIANDONG_DATA_DIR": str(data)}
    env.pop("LIANDONG_DATABASE_URL", None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with serving([sys.executable, "-m", "liandong.cli", "serve", "--port", str(port)], url=f"{base}/healthz",
                 env=env, log=tmp_path_factory.mktemp("server-log") / "server.log"):
        yield f"{base}/log", vkey, old, size


def run(verifier: Path, url: str, vkey: str, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(verifier), "-url", url, "-vkey", vkey, "-origin", "liandong.gov.cn/log",
                           *args], capture_output=True, text=True, timeout=120)


def test_the_go_verifier_audits_the_honest_log(verifier: Path, log: tuple[str, str, Path, int]) -> None:
    url, vkey, old, size = log
    assert size >= 300
    done = run(verifier, url, vkey, "-index", f"0,7,255,256,{size - 1}", "-old", str(old))
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].startswith(f"ok checkpoint liandong.gov.cn/log size {size} ")
    assert [line.split(" (")[0] for line in lines[1:]] == [
        "ok inclusion 0", "ok inclusion 7", "ok inclusion 255", "ok inclusion 256",
        f"ok inclusion {size - 1}", f"ok consistency 100 -> {size}"]


def test_the_go_verifier_refuses_another_logs_key(verifier: Path, log: tuple[str, str, Path, int]) -> None:
    url, vkey, _, _ = log
    other = Signer("liandong-log", bytes(range(32))).vkey  # the log's name, another key
    done = run(verifier, url, other)
    assert done.returncode == 1 and "checkpoint signature" in done.stderr, done.stderr
    assert run(verifier, url, vkey).returncode == 0


class Tampering(BaseHTTPRequestHandler):
    """A man in the middle on loopback: forwards to the server and changes the byte at ``offset``
    of every answer whose path starts with ``prefix``."""

    upstream = ""
    prefix = ""
    offset = 0

    def do_GET(self) -> None:  # the name http.server calls
        answer = httpx.get(self.upstream + self.path, timeout=10)
        body = bytearray(answer.content)
        if self.path.startswith(self.prefix) and answer.status_code == 200:
            body[self.offset] ^= 0x01
        self.send_response(answer.status_code)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(bytes(body))

    def log_message(self, format: str, *args: object) -> None:  # quiet
        return


@pytest.mark.parametrize(("prefix", "offset", "reason"), [
    # a leaf hash in the full level 0 tile: the proofs through it fail (x/mod 0.7's TileHashReader
    # does not itself authenticate this tile here: see decision 0031)
    ("/log/tile/0/000", 100, "inclusion of 0: invalid transparency proof"),
    ("/log/tile/0/001.p/", 100, "downloaded inconsistent tile"),  # a leaf hash in the partial tile
    ("/log/tile/1/", 16, "downloaded inconsistent tile"),  # the 256-leaf subtree's hash
    ("/log/tile/entries/000", 100, "inclusion of 0: invalid transparency proof"),  # a leaf's byte
])
def test_the_go_verifier_refuses_a_tile_with_one_byte_changed(verifier: Path, log: tuple[str, str, Path, int],
                                                              prefix: str, offset: int, reason: str) -> None:
    url, vkey, old, _ = log
    upstream = url.removesuffix("/log")
    handler = type("Handler", (Tampering,), {"upstream": upstream, "prefix": prefix, "offset": offset})
    proxy = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=proxy.serve_forever, daemon=True)
    thread.start()
    try:
        tampered = f"http://127.0.0.1:{proxy.server_address[1]}/log"
        done = run(verifier, tampered, vkey, "-index", "0,7", "-old", str(old))
        assert done.returncode == 1, (tampered, done.args, done.stdout, done.stderr)
        assert reason in done.stderr, (tampered, done.stdout, done.stderr)
        assert "ok inclusion" not in done.stdout
        assert run(verifier, url, vkey, "-index", "7").returncode == 0  # the server itself is honest
    finally:
        proxy.shutdown()
        proxy.server_close()
