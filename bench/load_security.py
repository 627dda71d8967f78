"""The load side of ``tests/e2e/test_security_load.py`` (issue 11, item 5): a real ``liandong serve`` on a
store of its own, with the accounts the security checks sign in as, and the load harness's journey
(``load_mix.Driver``: reports, every step of the closed loop, inboxes, case reads, the dashboard) running
in a thread of its own while the checks are made, until it is stopped or its time is up; and the clients
the checks use (a browser that keeps its own cookies, from a client address of its choice).

The server writes unbuffered into one file (uvicorn's access log included), so that a check can read
everything the server said about the requests made so far without stopping it.

A short run by hand (a server on SQLite, three seconds of load, what it answered):
    .venv/bin/python bench/load_security.py --duration 3
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.cookiejar import CookieJar, DefaultCookiePolicy
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any, TypeVar

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
import load
from load_mix import ACCOUNTS, EXTRA_ACCOUNTS, Driver, Rates, RawClient

Account = tuple[str, str | None, tuple[str, ...]]
T = TypeVar("T")


@dataclass(frozen=True)
class Store(load.Store):
    """The harness's store; its server's output is not held back in a buffer. With ``redis_url``
    the server's rate limits are counted in Redis (under a prefix of this store's own)."""

    redis_url: str | None = None
    prefix: str = field(default_factory=lambda: f"liandong-test-{uuid.uuid4().hex[:12]}")

    def env(self) -> dict[str, str]:
        env = {**super().env(), "PYTHONUNBUFFERED": "1"}
        if self.redis_url:
            env.update(LIANDONG_REDIS_URL=self.redis_url, LIANDONG_REDIS_PREFIX=self.prefix)
        return env


def redis_answers(url: str = "redis://127.0.0.1:6379/0") -> bool:
    """Whether a Redis server answers at ``url``."""
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=1).ping())
    except redis.RedisError:
        return False


ACCOUNTS_ONE_HASH = """
import json
import secrets
import uuid
from datetime import UTC, datetime
from argon2 import PasswordHasher
from liandong.bootstrap import bootstrap
from liandong.services.demo_accounts import DEMO_ACCOUNTS, DEMO_PASSWORD, ensure_demo_accounts
from liandong.services.accounts import TOKEN_LIFETIME, token_digest
from liandong.services.ledger import PLATFORM_SIGNER
from liandong.services.ports import AccountRecord
platform = bootstrap()
hashed = PasswordHasher().hash(DEMO_PASSWORD)  # one hash for all: 0.13 s each otherwise
ledger = platform.ledger  # loaded before the write transaction: it reads with a connection of its own
issued = {}
with platform.uow() as uow:
    now = datetime.now(UTC)
    ids = {}
    for username, department, roles in (*DEMO_ACCOUNTS, *EXTRA):
        ids[username] = uuid.uuid4().hex[:20]
        uow.accounts.add(AccountRecord(ids[username], username, hashed, department, tuple(roles)), now)
    for username in TOKENS:  # as a sign-in would, without verifying the password each time (0.13 s)
        issued[username] = secrets.token_urlsafe(32)
        uow.accounts.add_token(token_digest(issued[username]), ids[username], now, now + TOKEN_LIFETIME)
    ledger.private_key(uow, PLATFORM_SIGNER, "platform", now)  # the keys a server would make on first use
    ledger.log_signer(uow, now)
    for code in ledger.witnesses:
        ledger.witness(uow, code, now)
    uow.commit()
ensure_demo_accounts(uow=platform.uow(), now=datetime.now(UTC))  # the demo Open311 key (the accounts are there)
print(json.dumps(issued))
"""


def initialise(store: Store, extra: tuple[Account, ...], tokens: Iterable[str] = ()) -> dict[str, str]:
    """``liandong init --scope 320200``, the demo accounts, the harness's and ``extra`` accounts (password
    ``liandong-demo``, one Argon2 hash shared by all), the platform's keys, and a bearer token for each
    of ``tokens`` (usernames): ``{username: token}``."""
    script = f"EXTRA = {(*EXTRA_ACCOUNTS, *extra)!r}\nTOKENS = {sorted(set(tokens))!r}\n{ACCOUNTS_ONE_HASH}"
    output = ""
    for args in ([*load.LIANDONG, "init", "--scope", "320200"], [sys.executable, "-c", script]):
        done = subprocess.run(args, env=store.env(), capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"{' '.join(args[-3:])} failed:\n{done.stdout[-2000:]}{done.stderr[-3000:]}")
        output = done.stdout
    issued: dict[str, str] = json.loads(output.strip().splitlines()[-1])
    return issued


@dataclass
class Summary:
    """What the background load sent and what it was answered."""

    seconds: float
    sent: int
    statuses: Counter[str] = field(default_factory=Counter)  # "201", "409", "timeout", "transport:…"
    refusals: list[str] = field(default_factory=list)  # the first answers that were not 2xx
    completed: int = 0  # cases taken through every step

    @property
    def answered(self) -> int:
        return sum(self.statuses.values())

    @property
    def ok(self) -> int:
        return sum(n for status, n in self.statuses.items() if status.startswith("2"))

    @property
    def failed(self) -> dict[str, int]:
        return {status: n for status, n in self.statuses.items() if not status.startswith("2")}


class BackgroundLoad:
    """The journey of ``load_mix`` at ``rates`` in a thread with its own event loop, from ``start``
    until ``stop`` or ``limit`` seconds, whichever comes first; at most about 1.5 × the offered
    requests of ``limit`` seconds."""

    def __init__(self, port: int, tokens: dict[str, str], *, rates: Rates, seed: int = 5,
                 limit: float = 20.0, timeout: float = 15.0) -> None:
        self.port, self.tokens, self.rates, self.seed = port, tokens, rates, seed
        self.limit, self.timeout = limit, timeout
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="security-load", daemon=True)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._stopping: asyncio.Event | None = None
        self._driver: Driver | None = None
        self._failure: BaseException | None = None
        self._began = self._ended = 0.0

    def __enter__(self) -> BackgroundLoad:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def start(self, first_answers: int = 5) -> BackgroundLoad:
        """Start, and return once ``first_answers`` answers came back: the load is running."""
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError(f"the background load did not start: {self._failure!r}")
        deadline = time.monotonic() + 15
        while self.answered() < first_answers:
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the background load is not answered: {self._failure!r}")
            time.sleep(0.05)
        return self

    def answered(self) -> int:
        """Answers (of any status) recorded so far, counted on the load's own loop."""
        if self._loop is None or not self._thread.is_alive():
            return self._count()

        async def count() -> int:
            return self._count()

        with contextlib.suppress(RuntimeError):  # the loop closed meanwhile: count here
            return asyncio.run_coroutine_threadsafe(count(), self._loop).result(10)
        return self._count()

    def running(self) -> bool:
        return self._thread.is_alive() and not self._ended

    def stop(self) -> Summary:
        """Stop issuing, wait for the answers in flight, and say what was sent and answered."""
        if self._loop is not None and self._stopping is not None and self._thread.is_alive():
            with contextlib.suppress(RuntimeError):
                self._loop.call_soon_threadsafe(self._stopping.set)
        self._thread.join(self.timeout + 10)
        if self._thread.is_alive():
            raise RuntimeError("the background load did not stop")
        if self._failure is not None:
            raise RuntimeError("the background load failed") from self._failure
        driver = self._driver
        assert driver is not None
        statuses: Counter[str] = Counter()
        for counts in driver.rec.statuses.values():
            statuses.update(counts)
        return Summary(seconds=self._ended - self._began, sent=driver.sent, statuses=statuses,
                       refusals=list(driver.rec.samples), completed=driver.completed)

    def _count(self) -> int:
        driver = self._driver
        return 0 if driver is None else sum(sum(c.values()) for c in driver.rec.statuses.values())

    def _run(self) -> None:
        try:
            asyncio.run(self._main())
        except BaseException as exc:  # told by stop() or start(), never lost
            self._failure = exc
            self._ready.set()

    async def _main(self) -> None:
        self._loop = asyncio.get_running_loop()
        self._stopping = asyncio.Event()
        client = RawClient("127.0.0.1", self.port, connections=64)
        offered = (self.rates.reports + self.rates.commands + self.rates.reads + self.rates.dashboards)
        driver = Driver(client, self.tokens, rates=self.rates, seed=self.seed, run=f"sec{uuid.uuid4().hex[:8]}",
                        timeout=self.timeout, max_inflight=500, max_requests=int(offered * self.limit * 1.5) + 50)
        self._driver = driver
        self._began = time.monotonic()
        self._ready.set()
        try:
            issuing = asyncio.create_task(driver.run_for(self.limit, self.timeout))
            told = asyncio.create_task(self._stopping.wait())
            await asyncio.wait({issuing, told}, return_when=asyncio.FIRST_COMPLETED)
            for task in (issuing, told):
                task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await issuing
            if driver.inflight:  # stopped early: the answers in flight still count
                await asyncio.wait(set(driver.inflight), timeout=self.timeout)
            for task in list(driver.inflight):
                task.cancel()
        finally:
            client.close()
            self._ended = time.monotonic()


# -- clients for the checks ---------------------------------------------------------------------------

def client_at(base: str, address: str = "127.0.0.1") -> httpx.Client:
    """A client whose connections come from ``address`` (all of 127/8 is loopback), a new connection per
    request (so that any worker may take it), and no cookie jar: each Browser keeps its own cookies."""
    return httpx.Client(base_url=base, timeout=30, limits=httpx.Limits(max_keepalive_connections=0),
                        transport=httpx.HTTPTransport(local_address=address),
                        cookies=CookieJar(DefaultCookiePolicy(allowed_domains=[])))


def concurrently(work: Callable[[T], Any], items: Iterable[T], threads: int = 8) -> list[Any]:
    with ThreadPoolExecutor(threads) as pool:
        return list(pool.map(work, items))


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    if found is None:
        raise ValueError("no CSRF field on the page")
    return found.group(1)


class Browser:
    """A browser: it sends the cookies it was given or was last set, nothing else. Every cookie value it
    is set goes into ``issued`` too (what must never reach the server's log)."""

    def __init__(self, http: httpx.Client, issued: set[str], **cookies: str) -> None:
        self.http, self.issued, self.cookies = http, issued, dict(cookies)

    def send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        jar = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        answer = self.http.request(method, path, headers={"Cookie": jar} if jar else {}, **kwargs)
        for header in answer.headers.get_list("set-cookie"):
            for name, morsel in SimpleCookie(header).items():
                if morsel["max-age"] == "0":
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
                    self.issued.add(morsel.value)
        return answer

    def sign_in(self, username: str, password: str = "liandong-demo") -> httpx.Response:
        page = self.send("GET", "/login")
        return self.send("POST", "/login", data={"username": username, "password": password,
                                                 "csrf": csrf_of(page.text), "next": "/work"})


def until_refused(send: Callable[[int], int], *, most: int, cap: int, calm: int = 60) -> list[int]:
    """Sign-in attempts, ten side by side, until ``most`` were let through (401: checked, wrong) or the
    last ``calm`` were all throttled (429), then ten more. With ``most`` = the limit × the workers, each
    keeping its own count, every worker has then reached its limit, however unevenly they take the
    connections. The statuses of all attempts."""
    statuses: list[int] = []
    while statuses.count(401) < most and not (len(statuses) >= calm and set(statuses[-calm:]) == {429}):
        if len(statuses) >= cap:
            raise AssertionError(f"not throttled in {cap} attempts: {statuses}")
        statuses += concurrently(send, range(10))
    return statuses + concurrently(send, range(10))  # and ten more, to be refused


class Hammer:
    """Requests with one session token (the workbench with it as a cookie, ``/api/auth/me`` with it as a
    bearer token), back to back in a thread, each noted with when it was sent."""

    def __init__(self, http: httpx.Client, token: str) -> None:
        self.http, self.token = http, token
        self.seen: list[tuple[float, str, int]] = []  # (sent at, kind, status)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> Hammer:
        self._thread.start()
        deadline = time.monotonic() + 10
        while sum(1 for _, _, status in self.seen if status == 200) < 2:  # the session works, to begin with
            if time.monotonic() > deadline or not self._thread.is_alive():
                raise RuntimeError(f"the session does not work: {self.seen}")
            time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        ended, deadline = time.monotonic(), time.monotonic() + 10
        while sum(1 for sent, _, _ in self.seen if sent > ended) < 4 and time.monotonic() < deadline:
            time.sleep(0.01)  # a few sent after whatever the block did
        self._stop.set()
        self._thread.join(10)

    def _run(self) -> None:
        kinds = {"page": ("/work", {"Cookie": f"ld_session={self.token}"}),
                 "api": ("/api/auth/me", {"Authorization": f"Bearer {self.token}"})}
        while not self._stop.is_set():
            for kind, (path, headers) in kinds.items():
                sent = time.monotonic()
                self.seen.append((sent, kind, self.http.get(path, headers=headers).status_code))


def read_log(http: httpx.Client, log: Path) -> str:
    """The server's output so far: a marked request shows in it once what came before is written."""
    marker = uuid.uuid4().hex
    http.get("/healthz", params={"probe": marker}).raise_for_status()
    deadline = time.monotonic() + 10
    while marker not in (text := log.read_text(errors="replace")):
        if time.monotonic() > deadline:
            raise RuntimeError(f"the access log in {log} is not written")
        time.sleep(0.05)
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=3.0)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="liandong-security-"))
    store = Store(work / "data")
    try:
        tokens = initialise(store, (), ACCOUNTS)
        server = load.Server(store, 1, work / "server.log")
        try:
            server.wait()
            background = BackgroundLoad(server.port, tokens, rates=Rates(4, 30, 8, 0.3),
                                        limit=args.duration).start()
            time.sleep(args.duration)
            summary = background.stop()
        finally:
            server.stop()
        print(f"{summary.sent} sent in {summary.seconds:.1f} s, {summary.ok} answered 2xx, other: "
              f"{summary.failed or 'none'}; {summary.completed} cases completed")
        return 0 if not summary.failed else 1
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
