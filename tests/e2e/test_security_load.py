"""Security under load (issue 11, item 5): a real server, on SQLite with one worker and on PostgreSQL with
two (a database of its own, dropped afterwards), while the load harness's journey runs in the background
(``bench/load_security.py``): the authorisation matrix answers as on an idle server, sign-in is throttled,
sessions cannot be fixed and are revoked at sign-out, cookie writes need their CSRF value, and the server's
log holds no secret and no personal data.

Both stacks are built side by side when the module starts (a store each, accounts sharing one Argon2 hash,
bearer tokens issued at set-up), and every check signs in from a loopback address of its own, so that
no check spends another's sign-in budget. About a minute on two cores for both backends.

Defects found here are strict xfails that name them: they fail loudly once fixed.
"""

from __future__ import annotations

import asyncio
import importlib.util
import random
import re
import sys
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, text

from liandong.domain.access import StaffRole
from liandong.web import session
from tests.support.databases import PG_SERVER

BENCH = Path(__file__).resolve().parents[2] / "bench"
PASSWORD = "liandong-demo"
USER_LIMIT, ADDRESS_LIMIT = 5, 30  # sign-in attempts a minute, per username and per client address
# Each check signs in from a client address of its own (all of 127/8 is loopback), so that no check's
# attempts count against another's address budget.
REDIS = "redis://127.0.0.1:6379/0"
ADDRESS = {"throttle": "127.0.0.31", "flood": "127.0.0.32", "fresh": "127.0.0.33", "workers": "127.0.0.34",
           "sessions": "127.0.0.41", "csrf": "127.0.0.51", "bound": "127.0.0.52", "logs": "127.0.0.61"}
REPORTERS = {"A": ("欧阳娜娜", "13955550123"), "A2": ("上官婉儿", "13955550456"),
             "B": ("诸葛明", "13955550789")}
LOAD_REPORTER = ("张三", "13812345678")  # every report of bench/load_mix.py

# One account per role, and none: 梁溪区's government for the oversight roles, so that 梁溪's cases are
# inside and 滨湖's outside their jurisdiction.
ROLES = {"handler": "chongansi_zhifa", "dispatcher": "sec_dispatcher", "leader": "liangxi_leader",
         "inspector": "sec_inspector", "assessor": "sec_assessor", "analyst": "sec_analyst",
         "administrator": "sec_admin", "citizen": "citizen", "anonymous": None}
ACCOUNTS = (
    *((f"sec_{role}", "320213-gov", (role,)) for role in ("dispatcher", "inspector", "assessor", "analyst")),
    ("sec_admin", "320213-gov", ("administrator",)),
    ("sec_outsider", "320211-gov", ("dispatcher",)),  # 滨湖区's 12345 centre
    ("sec_web_dispatcher", "320213-gov", ("dispatcher",)), ("sec_web_leader", "320213-gov", ("leader",)),
    *((f"sec_{name}", "320213001-urban_management", ("handler",))
      for name in ("victim", "victim2", "other", "fresh", "api_victim", "web_1", "web_2")),
)
TOKENS = ("centre", "liangxi_huanbao", "sec_outsider", *(u for u in ROLES.values() if u))
# A at 崇安寺街道 (its lead is the handler's department; the citizen reported it), A2 at 山北街道 (梁溪 too,
# another street's lead), B at 滨湖区's 河埒街道; N is no case at all.
PLACES = {"A": "320213001", "A2": "320213015", "B": "320211001"}
VISIBLE = {role: {"A", "A2"} for role in ROLES} | {"handler": {"A"}, "citizen": {"A"}, "anonymous": set()}
INBOXES = VISIBLE | {"citizen": set()}  # the cases whose lead's inbox the role may read
# Commands with a stale expected_version: let through the door, they answer 409 and change nothing.
# One command for each set of roles that may issue commands (administrators may issue all).
COMMANDS: dict[str, dict[str, object] | None] = {
    "dispatch": None, "acknowledge": None, "resolve": {"summary": "已处置", "expected_version": 0}}
MAY = {"dispatch": {"dispatcher"}, "acknowledge": {"handler"}, "resolve": {"handler", "leader"}}
READS = {"case": "", "timeline": "/timeline", "receipt": "/receipt"}
PAGES = {"page": "", "web-receipt": "/receipt"}


def bench() -> ModuleType:
    """``bench/load_security.py`` (bench is not a package); registered before it runs, for its dataclasses."""
    found = sys.modules.get("liandong_bench_load_security")
    if found is not None:
        return found
    spec = importlib.util.spec_from_file_location("liandong_bench_load_security", BENCH / "load_security.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


sec = bench()


@dataclass
class Stack:
    """A server on a store of its own, what the checks need of it, and what must never reach its log."""

    backend: str
    workers: int
    base: str
    port: int
    log: Path
    platform_secret: str
    tokens: dict[str, str]
    load_tokens: dict[str, str]
    server: Any  # bench/load.py's Server
    cases: dict[str, str] = field(default_factory=dict)
    leads: dict[str, str] = field(default_factory=dict)
    secrets: set[str] = field(default_factory=set)  # tokens, session and CSRF cookies, wrong passwords
    tracking: list[str] = field(default_factory=list)
    clients: dict[str, httpx.Client] = field(default_factory=dict)
    forms: dict[str, tuple[str, str]] = field(default_factory=dict)
    shared_limits: bool = False  # rate limits counted in Redis for every worker

    def client(self, address: str = "127.0.0.1") -> httpx.Client:
        if address not in self.clients:
            self.clients[address] = sec.client_at(self.base, address)
        return self.clients[address]

    def browser(self, address: str, **cookies: str) -> Any:
        """A browser at ``address``; the cookies it is set are kept out of the log."""
        return sec.Browser(self.client(address), self.secrets, **cookies)

    def token(self, username: str) -> str:
        if username not in self.tokens:
            raise KeyError(f"{username}: add it to TOKENS")
        return self.tokens[username]

    def bearer(self, username: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token(username)}"}

    def report(self, place: str, *, by: str | None = None, reporter: tuple[str, str] = ("", "")) -> str:
        answer = self.client().post("/api/cases", headers=self.bearer(by) if by else {}, json={
            "matter": "garbage_collection", "affected": [place], "description": "小区门口垃圾无人清运",
            "reporter_name": reporter[0], "reporter_phone": reporter[1]})
        assert answer.status_code == 201, answer.text
        self.tracking.append(answer.json()["tracking_code"])
        case_id: str = answer.json()["case_id"]
        return case_id

    def case(self, case_id: str) -> dict[str, Any]:
        answer = self.client().get(f"/api/cases/{case_id}", headers=self.bearer("centre"))
        assert answer.status_code == 200, answer.text
        found: dict[str, Any] = answer.json()
        return found

    def me(self, token: str) -> httpx.Response:
        return self.client().get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})

    def close(self) -> None:
        self.server.stop()
        for client in self.clients.values():
            client.close()


def build(backend: str, data_dir: Path, database_url: str | None) -> Stack:
    """A new store, its server (two workers on PostgreSQL) and the matrix's cases."""
    # two workers share their rate limits through Redis (LIANDONG_REDIS_URL), as deployed
    store = sec.Store(data_dir, database_url,
                      redis_url=REDIS if database_url and sec.redis_answers(REDIS) else None)
    tokens = sec.initialise(store, ACCOUNTS, (*TOKENS, *sec.ACCOUNTS))
    workers = 2 if database_url else 1
    server = sec.load.Server(store, workers, data_dir.parent / "server.log")
    try:
        server.wait()
        found = Stack(backend, workers, server.base, server.port, server.log,
                      (store.data_dir / "secret.key").read_text().strip(), tokens,
                      {name: tokens[name] for name in sec.ACCOUNTS}, server)
        found.shared_limits = store.redis_url is not None
        found.secrets |= set(tokens.values())
        prepare_cases(found)
    except BaseException:
        server.stop()
        raise
    return found


@pytest.fixture(scope="module")
def stacks(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
           ) -> Iterator[dict[str, Future[Stack]]]:
    """The stacks of the backends this run selected, built side by side from the start: PostgreSQL's is
    ready by the time SQLite's checks are done. Both servers stop at the end of the module."""
    wanted = {item.callspec.params.get("stack") for item in request.session.items
              if item.module is request.module and hasattr(item, "callspec")}
    admin: Engine | None = None
    if "postgres" in wanted:
        try:
            admin = request.getfixturevalue("pg_admin")
        except (pytest.skip.Exception, RuntimeError):  # the PostgreSQL tests skip or fail with its reason
            admin = None
    database = f"liandong_security_{uuid.uuid4().hex[:10]}"
    building: dict[str, Future[Stack]] = {}
    with ThreadPoolExecutor(2) as pool:
        try:
            if "sqlite" in wanted:
                folder = tmp_path_factory.mktemp("security-sqlite")
                building["sqlite"] = pool.submit(build, "sqlite", folder / "data", None)
            if admin is not None:
                with admin.connect() as conn:
                    conn.execute(text(f'CREATE DATABASE "{database}"'))
                folder, url = tmp_path_factory.mktemp("security-postgres"), f"{PG_SERVER}/{database}"
                building["postgres"] = pool.submit(build, "postgres", folder / "data", url)
            yield building
        finally:
            for future in building.values():  # never drop a database still being filled
                if not future.cancel() and future.exception() is None:
                    future.result().close()
            if admin is not None:
                with admin.connect() as conn:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stack(request: pytest.FixtureRequest, stacks: dict[str, Future[Stack]]) -> Stack:
    if request.param == "postgres":
        request.getfixturevalue("pg_admin")  # skips (or fails, if required) with its reason: no PostgreSQL
    return stacks[request.param].result()


def prepare_cases(stack: Stack) -> None:
    """A, A2 and B dispatched by the city's 12345 centre, with a receipt each; the accounts hold the
    roles the matrix expects; N an id no case has."""
    for role, username in ROLES.items():
        if username is not None:
            assert stack.me(stack.token(username)).json()["roles"] == [role], username
    stack.cases = {name: stack.report(place, by="citizen" if name == "A" else None, reporter=REPORTERS[name])
                   for name, place in PLACES.items()}
    for case_id in stack.cases.values():
        answer = stack.client().post(f"/api/cases/{case_id}/dispatch", headers=stack.bearer("centre"))
        assert answer.status_code == 200, answer.text
    read = {name: stack.case(case_id) for name, case_id in stack.cases.items()}
    stack.leads = {name: r["lead"] for name, r in read.items()}
    assert stack.leads["A"] == "320213001-urban_management"  # the handler's department
    assert stack.leads["A2"] == "320213015-urban_management" and stack.leads["B"].startswith("320211")
    for name in ("A2", "B"):
        assert "320213001-urban_management" not in {m["department"] for m in read[name]["team"]}
    stack.cases["N"] = uuid.uuid4().hex[:20]
    deadline = time.monotonic() + 20  # the server checkpoints every second
    for name in PLACES:
        while stack.client().get(f"/api/cases/{stack.cases[name]}/receipt",
                                 headers=stack.bearer("centre")).status_code != 200:
            assert time.monotonic() < deadline, f"no receipt for {name}"
            time.sleep(0.2)


@contextmanager
def under_load(stack: Stack, seed: int, least: int = 5) -> Iterator[Any]:
    """The journey of bench/load_mix.py in the background: it runs before the block starts and after it
    ends, at least ``least`` of its requests are answered meanwhile, and every one of them 2xx."""
    background = sec.BackgroundLoad(stack.port, stack.load_tokens, rates=sec.Rates(4, 30, 8, 0.2), seed=seed,
                                    limit=45)  # stopped when the block ends: this is only a bound
    background.start()
    before = background.answered()
    try:
        yield background
        during, running = background.answered() - before, background.running()
    finally:
        summary = background.stop()
    assert running, "the background load ended before the checks did"
    assert during >= least, f"only {during} load answers while the checks ran"
    assert not summary.failed, summary.refusals


# -- 1. the authorisation matrix ------------------------------------------------------------------

Key = tuple[str, str, str]  # role, case (A, A2, B, N), endpoint


@dataclass(frozen=True)
class Seen:
    status: int
    code: str | None
    body: str  # refusals only, with the case id and CSRF values taken out


def matrix(stack: Stack) -> dict[Key, tuple[str, str, object, dict[str, str]]]:
    out: dict[Key, tuple[str, str, object, dict[str, str]]] = {}
    for role, username in ROLES.items():
        bearer = stack.bearer(username) if username else {}
        cookie = {"Cookie": f"ld_session={stack.token(username)}"} if username else {}
        for name, case_id in stack.cases.items():
            for endpoint, tail in READS.items():
                out[role, name, endpoint] = ("GET", f"/api/cases/{case_id}{tail}", None, bearer)
            for command, body in COMMANDS.items():
                query = "" if body else "?expected_version=0"
                out[role, name, command] = ("POST", f"/api/cases/{case_id}/{command}{query}", body, bearer)
            for endpoint, tail in PAGES.items():
                out[role, name, endpoint] = ("GET", f"/work/cases/{case_id}{tail}", None, cookie)
            if name in stack.leads:
                out[role, name, "inbox"] = ("GET", f"/api/inbox/{stack.leads[name]}", None, bearer)
    return out


def expected(role: str, name: str, endpoint: str) -> tuple[int, str | None]:
    if endpoint in PAGES:  # the workbench: staff only; a case out of sight is not found
        if role in ("anonymous", "citizen"):
            return 303, None
        return (200, None) if name in VISIBLE[role] else (404, None)
    if role == "anonymous":
        return 401, "account.sign_in_required"
    if endpoint == "inbox":
        return (200, None) if name in INBOXES[role] else (403, "access.not_your_department")
    if endpoint in COMMANDS and role not in MAY[endpoint] | {"administrator"}:
        return 403, "access.role_required"
    if name not in VISIBLE[role]:
        return 404, "case.unknown"
    return (409, "case.conflict") if endpoint in COMMANDS else (200, None)


async def ask_all(stack: Stack, requests: dict[Key, Any], *, seed: int, connections: int) -> dict[Key, Seen]:
    client = sec.RawClient("127.0.0.1", stack.port, connections=connections)
    ids = {case_id: "{case}" for case_id in stack.cases.values()}

    async def ask(key: Key) -> tuple[Key, Seen]:
        method, path, body, headers = requests[key]
        answer = await asyncio.wait_for(client.request(method, path, body=body, headers=headers), 30)
        raw = answer.body.decode(errors="replace")
        code = re.match(r'\{"code":"([^"]+)"', raw)
        shown = "" if 200 <= answer.status < 300 else re.sub(r'name="csrf" value="[^"]*"', "", raw)
        for case_id, placeholder in ids.items():
            shown = shown.replace(case_id, placeholder)
        return key, Seen(answer.status, code.group(1) if code else None, shown)

    keys = list(requests)
    random.Random(seed).shuffle(keys)
    try:
        return dict(await asyncio.gather(*(ask(key) for key in keys)))
    finally:
        client.close()


def unlike_no_case(seen: dict[Key, Seen]) -> list[str]:
    """Answers about a case out of the caller's sight that differ from the same about no case at all."""
    return [f"{role} {endpoint} {name}: {seen[role, name, endpoint]} ≠ {seen[role, 'N', endpoint]}"
            for role, name, endpoint in seen
            if name in PLACES and name not in VISIBLE[role] and endpoint != "inbox"
            and seen[role, name, endpoint] != seen[role, "N", endpoint]]


def test_every_role_is_in_the_matrix() -> None:
    assert set(ROLES) == {r.value for r in StaffRole} | {"anonymous"}


def test_the_authorisation_matrix_answers_under_load_as_on_an_idle_server(stack: Stack) -> None:
    requests = matrix(stack)
    idle = asyncio.run(ask_all(stack, requests, seed=1, connections=8))
    wrong = sorted((k, (s.status, s.code)) for k, s in idle.items() if (s.status, s.code) != expected(*k))
    assert not wrong, f"{len(wrong)} of {len(idle)} answers are not the matrix's: {wrong[:10]}"
    assert not unlike_no_case(idle)
    with under_load(stack, seed=11):
        loaded = asyncio.run(ask_all(stack, requests, seed=2, connections=24))
    changed = sorted((k, (idle[k].status, idle[k].code), (s.status, s.code)) for k, s in loaded.items()
                     if (s.status, s.code) != (idle[k].status, idle[k].code))
    assert not changed, f"{len(changed)} answers changed under load: {changed[:10]}"
    assert not unlike_no_case(loaded)


# -- 2. sign-in throttling ------------------------------------------------------------------------

def test_the_limits_are_the_documented_ones() -> None:
    assert (session.PER_USERNAME.amount, session.PER_USERNAME.GRANULARITY.name) == (USER_LIMIT, "minute")
    assert (session.PER_ADDRESS.amount, session.PER_ADDRESS.GRANULARITY.name) == (ADDRESS_LIMIT, "minute")


def attempt(stack: Stack, address: str, username: str, password: str) -> httpx.Response:
    """One sign-in through the form from ``address``, on a new connection, with a CSRF pair minted once."""
    if address not in stack.forms:
        browser = stack.browser(address)
        stack.forms[address] = (sec.csrf_of(browser.send("GET", "/login").text), browser.cookies["ld_csrf"])
    value, seed = stack.forms[address]
    return stack.client(address).post("/login", headers={"Cookie": f"ld_csrf={seed}"}, data={
        "username": username, "password": password, "csrf": value})


def test_sign_in_is_throttled_per_user_and_per_address_under_load(stack: Stack) -> None:
    """Each worker counts on its own (an in-memory limiter): with ``w`` workers a username or an address
    gets between the limit and ``w`` × the limit attempts a minute."""
    w = stack.workers
    wrong = f"wrong-{uuid.uuid4().hex[:12]}"
    stack.secrets.add(wrong)

    def victim(password: str) -> httpx.Response:
        return attempt(stack, ADDRESS["throttle"], "sec_victim", password)

    def nobody(_: int) -> int:  # a new username each time: only the address is counted out
        return attempt(stack, ADDRESS["flood"], f"nobody{uuid.uuid4().hex[:8]}", wrong).status_code

    with under_load(stack, seed=12):
        hammered = sec.until_refused(lambda _: victim(wrong).status_code, most=USER_LIMIT * w, cap=200)
        right = sec.concurrently(lambda _: victim(PASSWORD), range(4))
        other = attempt(stack, ADDRESS["throttle"], "sec_other", PASSWORD)
        flooded = sec.until_refused(nobody, most=ADDRESS_LIMIT * w, cap=400)
        late = attempt(stack, ADDRESS["flood"], "sec_fresh", PASSWORD)
        elsewhere = attempt(stack, ADDRESS["fresh"], "sec_fresh", PASSWORD)
    for statuses, limit in ((hammered, USER_LIMIT), (flooded, ADDRESS_LIMIT)):
        checked = statuses.count(401)
        assert checked + statuses.count(429) == len(statuses) and set(statuses[-10:]) == {429}, statuses
        assert checked == limit if w == 1 else limit <= checked <= limit * w, statuses
    for answer in right:  # the right password inside the window: refused, no session
        assert answer.status_code == 429 and 'id="login-error"' in answer.text
        assert "ld_session" not in answer.cookies
    assert other.status_code == 303  # another user from the same address
    assert stack.me(other.cookies["ld_session"]).json()["username"] == "sec_other"
    assert late.status_code == 429 and "ld_session" not in late.cookies  # the right password, that address
    assert elsewhere.status_code == 303 and elsewhere.cookies.get("ld_session")
    stack.secrets |= {other.cookies["ld_session"], elsewhere.cookies["ld_session"]}


def test_a_username_gets_the_limit_whatever_the_number_of_workers(stack: Stack, request: pytest.FixtureRequest
                                                                  ) -> None:
    if stack.workers == 1:
        pytest.skip("one worker: the throttling test above asserts the limit exactly")
    if not stack.shared_limits:
        pytest.skip(f"no Redis answers at {REDIS}: each worker counts on its own")
    wrong = f"wrong-{uuid.uuid4().hex[:12]}"
    stack.secrets.add(wrong)
    statuses = sec.until_refused(lambda _: attempt(stack, ADDRESS["workers"], "sec_victim2", wrong)
                                 .status_code, most=USER_LIMIT * stack.workers, cap=200)
    assert statuses.count(401) == USER_LIMIT, statuses


def test_the_api_sign_in_is_throttled_like_the_form(stack: Stack) -> None:
    for _ in range(USER_LIMIT * stack.workers + 1):
        wrong = f"wrong-{uuid.uuid4().hex[:12]}"
        stack.secrets.add(wrong)
        answer = stack.client().post("/api/auth/token",
                                     json={"username": "sec_api_victim", "password": wrong})
        assert answer.status_code in (401, 429), answer.text
    answer = stack.client().post("/api/auth/token", json={"username": "sec_api_victim", "password": PASSWORD})
    if answer.status_code == 200:
        stack.secrets.add(answer.json()["access_token"])
    assert answer.status_code == 429, "the right password after a burst of wrong ones signs in"


# -- 3. sessions: no fixation, revoked at sign-out ------------------------------------------------

def session_journey(stack: Stack, username: str, planted: str) -> None:
    """Sign in over a planted session and CSRF cookie, then sign out while the session is in use."""
    planted_seed = f"planted-{uuid.uuid4().hex[:16]}"
    browser = stack.browser(ADDRESS["sessions"], ld_session=planted, ld_csrf=planted_seed)
    answer = browser.sign_in(username)
    assert answer.status_code == 303, answer.text[:300]
    issued, seed = browser.cookies["ld_session"], browser.cookies["ld_csrf"]
    assert issued != planted and seed != planted_seed
    flags = next(h for h in answer.headers.get_list("set-cookie") if h.startswith("ld_session=")).lower()
    assert "httponly" in flags and "samesite=lax" in flags
    assert stack.me(issued).json()["username"] == username
    page = browser.send("GET", "/work")
    assert page.status_code == 200 and f"<strong>{username}</strong>" in page.text
    with sec.Hammer(stack.client(), issued) as hammer:
        out = browser.send("POST", "/logout", data={"csrf": sec.csrf_of(page.text)})
        signed_out = time.monotonic()
    assert out.status_code == 303 and "ld_session" not in browser.cookies
    after = [(kind, status) for sent, kind, status in hammer.seen if sent > signed_out]
    assert after and all(status == (303 if kind == "page" else 401) for kind, status in after), after
    replay = stack.client().get("/work", headers={"Cookie": f"ld_session={issued}"})
    assert replay.status_code == 303 and replay.headers["location"].startswith("/login")
    refused = stack.me(issued)
    assert refused.status_code == 401 and refused.json()["code"] == "account.bad_token"


def test_sign_in_replaces_a_planted_session_and_sign_out_revokes_it_under_load(stack: Stack) -> None:
    attacker = stack.token("liangxi_huanbao")  # someone else's valid session, planted in the browser
    planted = [attacker if n % 2 else f"planted-{uuid.uuid4().hex}" for n in range(8)]
    # each account signed in twice at once (sign-out ends one session), twice over: a block long enough
    # (~0.6 s) for the background load to be answered meanwhile, not just the sign-ins
    with under_load(stack, seed=13):
        sec.concurrently(lambda n: session_journey(stack, f"sec_web_{n % 2 + 1}", planted[n]), range(8),
                         threads=4)
    assert stack.me(attacker).json()["username"] == "liangxi_huanbao"  # still the attacker's own, no more


# -- 4. CSRF --------------------------------------------------------------------------------------

def test_cookie_writes_need_their_own_csrf_value_and_bearer_writes_none_under_load(stack: Stack) -> None:
    first, second = stack.report(PLACES["A"]), stack.report(PLACES["A"])
    with under_load(stack, seed=14):
        mine, theirs = stack.browser(ADDRESS["csrf"]), stack.browser(ADDRESS["csrf"])
        assert mine.sign_in("sec_web_dispatcher").status_code == 303
        assert theirs.sign_in("sec_web_leader").status_code == 303
        page = mine.send("GET", f"/work/cases/{first}")
        version = re.search(r'name="version" value="(\d+)"', page.text)
        assert page.status_code == 200 and 'id="do-dispatch"' in page.text and version
        pool = theirs.send("GET", "/work/pool")
        value, their_value = sec.csrf_of(page.text), sec.csrf_of(pool.text)
        own = {"ld_session": mine.cookies["ld_session"], "ld_csrf": mine.cookies["ld_csrf"]}
        forged = {"no value": (own, {}), "an empty value": (own, {"csrf": ""}),
                  "a made-up value": (own, {"csrf": "0" * 40}),
                  "another session's value": (own, {"csrf": their_value}),
                  "no CSRF cookie": ({"ld_session": own["ld_session"]}, {"csrf": value}),
                  "another session's CSRF cookie": ({**own, "ld_csrf": theirs.cookies["ld_csrf"]},
                                                    {"csrf": value})}

        def post(how: str) -> tuple[str, int, bool]:
            cookies, extra = forged[how]
            form = {"action": "dispatch", "version": version.group(1), **extra}
            browser = stack.browser(ADDRESS["csrf"], **cookies)
            answer = browser.send("POST", f"/work/cases/{first}/act", data=form)
            return how, answer.status_code, 'id="action-error"' in answer.text

        refused = sec.concurrently(post, [how for how in forged for _ in range(3)])
        assert all(status == 422 and shown for _, status, shown in refused), refused
        assert stack.case(first)["state"] == "received"  # nothing was done
        assert mine.send("POST", "/logout", data={}).status_code == 303
        assert mine.send("GET", "/work").status_code == 200  # still signed in
        stock = {"item": "编织袋", "unit": "个", "quantity": "5"}
        assert theirs.send("POST", "/work/pool", data=stock).status_code == 422
        assert theirs.send("POST", "/work/pool", data={**stock, "csrf": "0" * 40}).status_code == 422
        assert theirs.send("POST", "/work/pool", data={**stock, "csrf": their_value}).status_code == 200
        cookie_only = stack.client().post(f"/api/cases/{first}/dispatch",
                                          headers={"Cookie": f"ld_session={own['ld_session']}"})
        assert cookie_only.status_code == 401 and cookie_only.json()["code"] == "account.sign_in_required"
        done = mine.send("POST", f"/work/cases/{first}/act",
                         data={"action": "dispatch", "version": version.group(1), "csrf": value})
        assert done.status_code == 303 and stack.case(first)["state"] == "dispatched"
        bearer = stack.client().post(f"/api/cases/{second}/dispatch", headers=stack.bearer("sec_dispatcher"))
        assert bearer.status_code == 200 and stack.case(second)["state"] == "dispatched"


def test_a_csrf_value_minted_for_another_browser_is_refused(stack: Stack) -> None:
    case_id = stack.report(PLACES["A"])
    victim, attacker = stack.browser(ADDRESS["bound"]), stack.browser(ADDRESS["bound"])
    assert victim.sign_in("sec_web_dispatcher").status_code == 303
    minted = sec.csrf_of(attacker.send("GET", "/login").text)  # no session at all
    tossed = stack.browser(ADDRESS["bound"], ld_session=victim.cookies["ld_session"],
                           ld_csrf=attacker.cookies["ld_csrf"])
    answer = tossed.send("POST", f"/work/cases/{case_id}/act",
                         data={"action": "dispatch", "version": "1", "csrf": minted})
    assert answer.status_code == 422 and stack.case(case_id)["state"] == "received"


def test_a_workbench_action_on_a_case_out_of_sight_changes_nothing(stack: Stack) -> None:
    case_id = stack.report(PLACES["A"])
    api = stack.client().post(f"/api/cases/{case_id}/dispatch", headers=stack.bearer("sec_outsider"))
    assert api.status_code == 404 and api.json()["code"] == "case.unknown"
    browser = stack.browser(ADDRESS["bound"], ld_session=stack.token("sec_outsider"))
    page = browser.send("GET", f"/work/cases/{case_id}")
    assert page.status_code == 404
    answer = browser.send("POST", f"/work/cases/{case_id}/act",
                          data={"action": "dispatch", "version": "1", "csrf": sec.csrf_of(page.text)})
    assert stack.case(case_id)["state"] == "received", "dispatched by a department that cannot see the case"
    assert answer.status_code == 404


# -- 5. the log -----------------------------------------------------------------------------------

def test_the_log_holds_no_secret_and_no_personal_data_under_load(stack: Stack) -> None:
    def sign_in_and_out(n: int) -> None:
        browser = stack.browser(ADDRESS["logs"])
        answer = browser.sign_in("sec_web_leader", PASSWORD if n else "wrong-in-the-log")
        assert answer.status_code == (303 if n else 401)
        if n:
            page = browser.send("GET", "/work")
            assert browser.send("POST", "/logout", data={"csrf": sec.csrf_of(page.text)}).status_code == 303

    stack.secrets.add("wrong-in-the-log")
    with under_load(stack, seed=15):
        sec.concurrently(sign_in_and_out, range(3), threads=3)
        signed = stack.client().post("/api/auth/token", json={"username": "sec_web_2", "password": PASSWORD})
        assert signed.status_code == 200
        stack.secrets.add(signed.json()["access_token"])
        reported = stack.report(PLACES["A"], by="citizen", reporter=REPORTERS["A"])
        mine = stack.client().get(f"/api/cases/{reported}", headers=stack.bearer("citizen"))
        assert mine.status_code == 200 and mine.json()["reporter_name"] == REPORTERS["A"][0]
    log = sec.read_log(stack.client(), stack.log)
    for line in ('"POST /api/auth/token HTTP/1.1" 200', '"POST /login HTTP/1.1" 303',
                 '"POST /logout HTTP/1.1" 303', '"POST /api/cases HTTP/1.1" 201', '"GET /api/inbox/'):
        assert line in log, f"the log does not show the traffic ({line})"  # what is read is what was written
    kept = {"password": {PASSWORD}, "platform secret": {stack.platform_secret, stack.platform_secret[:16]},
            "reporter": {*LOAD_REPORTER, *(v for pair in REPORTERS.values() for v in pair)},
            "token, cookie or wrong password": {s for s in stack.secrets if len(s) >= 8}}
    leaked = {kind: sorted(v[:6] + "…" for v in values if v in log) for kind, values in kept.items()}
    assert not any(leaked.values()), f"in the server's log: {leaked}"
    assert '" 500 ' not in log, "a request failed on the server"


def test_tracking_codes_stay_out_of_the_log(stack: Stack) -> None:
    code = stack.tracking[0]
    assert stack.client().get("/portal/track", params={"code": code}).status_code == 200
    assert stack.client().get(f"/api/track/{code}").status_code == 200
    assert code not in sec.read_log(stack.client(), stack.log)
