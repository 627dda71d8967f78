"""The client side of ``bench/load.py``: a lean HTTP/1.1 keep-alive client on asyncio streams, the
scripted journey of a case through the closed loop, and the open-loop driver that issues reports,
commands and reads at target rates and records every answer.

Latency is measured from the moment a request was *due* (its scheduled arrival), not from when it
was sent, so a client or server that falls behind shows as latency instead of hiding it
(no coordinated omission).
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import NamedTuple

# -- a lean HTTP client ---------------------------------------------------------------------------


class Answer(NamedTuple):
    status: int
    body: bytes


class RawClient:
    """Keep-alive HTTP/1.1 connections to one loopback server. httpx's AsyncClient costs about
    ten times the CPU per request here (4 ms against 0.3 ms measured on /healthz), which on two
    shared cores would make the client the bottleneck it is meant to measure."""

    IDLE_SECONDS = 3.0  # uvicorn closes keep-alive connections idle for 5 s; never reuse one near that

    def __init__(self, host: str, port: int, *, connections: int) -> None:
        self.host, self.port = host, port
        self._slots = asyncio.Semaphore(connections)
        self._idle: list[tuple[asyncio.StreamReader, asyncio.StreamWriter, float]] = []
        self.opened = 0

    async def request(self, method: str, path: str, *, body: object = None,
                      headers: dict[str, str] | None = None) -> Answer:
        payload = b"" if body is None else json.dumps(body, ensure_ascii=False).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}",
                 f"Content-Length: {len(payload)}"]
        if body is not None:
            lines.append("Content-Type: application/json")
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        message = ("\r\n".join(lines) + "\r\n\r\n").encode() + payload
        async with self._slots:
            reader, writer = await self._connection()
            try:
                answer, keep = await self._exchange(reader, writer, message)
            except BaseException:  # timeouts (cancellation) included: the connection is in an unknown state
                writer.close()
                raise
            if keep:
                self._idle.append((reader, writer, time.monotonic()))
            else:
                writer.close()
            return answer

    async def _connection(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        now = time.monotonic()
        while self._idle:
            reader, writer, since = self._idle.pop()
            if now - since < self.IDLE_SECONDS and not reader.at_eof():
                return reader, writer
            writer.close()
        self.opened += 1
        return await asyncio.open_connection(self.host, self.port)

    @staticmethod
    async def _exchange(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                        message: bytes) -> tuple[Answer, bool]:
        writer.write(message)
        head = await reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        length, chunked, keep = 0, False, True
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding":
                chunked = b"chunked" in value.lower()
            elif name == b"connection":
                keep = b"close" not in value.lower()
        if not chunked:
            return Answer(status, await reader.readexactly(length) if length else b""), keep
        parts = []
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await reader.readuntil(b"\r\n")  # no trailers from uvicorn
                return Answer(status, b"".join(parts)), keep
            parts.append((await reader.readexactly(size + 2))[:-2])

    def close(self) -> None:
        for _, writer, _ in self._idle:
            writer.close()
        self._idle.clear()


# -- the journey of a case ------------------------------------------------------------------------

# Demo accounts (liandong.services.demo_accounts.DEMO_ACCOUNTS) and their departments.
ACCOUNTS = {
    "centre": "320200-gov",  # the 12345 centre: dispatch, follow-up, close
    "chongansi_zhifa": "320213001-urban_management",  # 崇安寺街道 城管 (township lead)
    "shanbei_zhifa": "320213015-urban_management",  # 山北街道 城管 (township lead)
    "liangxi_chengguan": "320213-urban_management",  # 梁溪区城市管理局 (county lead)
    "liangxi_gongan": "320213-public_security",  # 梁溪公安分局 (county lead)
    "chongansi_street": "320213001-gov",  # 崇安寺街道办事处: blows the whistle (吹哨) and rates
    "liangxi_shichang": "320213-market_regulation",  # summoned (报到)
    "liangxi_huanbao": "320213-eco_environment",  # summoned (报到)
    # Not a demo account: made by the harness (load.py) in its own store, because the district's
    # police cases have 崇安寺派出所 on the team as an assist, which must report before 办结.
    "load_chongansi_police": "320213001-public_security",
}
EXTRA_ACCOUNTS = (("load_chongansi_police", "320213001-public_security", ("handler",)),)


@dataclass(frozen=True)
class Step:
    command: str  # the path after /api/cases/{id}/
    account: str
    body: dict[str, object] | None = None


@dataclass(frozen=True)
class Scenario:
    """A kind of report whose lead has a demo account, and the steps it goes through."""

    name: str
    matter: str
    affected: tuple[str, ...]
    lead: str  # the account of the lead department
    weight: float
    assists: tuple[str, ...] = ()  # accounts of the assisting departments, who report before 办结
    summons: tuple[str, str] | None = None  # (summoned account, summoner account)
    text: str = ""

    def steps(self) -> tuple[Step, ...]:
        head = (Step("dispatch", "centre"), Step("acknowledge", self.lead),
                *(Step("assist-report", a, {"summary": "协办意见：已配合现场核查"}) for a in self.assists))
        middle: tuple[Step, ...] = ()
        if self.summons is not None:
            summoned, summoner = self.summons
            department = ACCOUNTS[summoned]
            middle = (Step("summons", summoner, {"departments": [department], "reason": "请到场协同处置"}),
                      Step("summons-answer", summoned, {"mode": "on_site"}),
                      Step("summons-rating", summoner, {"department": department, "score": 5}))
        tail = (Step("resolve", self.lead, {"summary": "已到现场处置完毕", "public_note": "已处理"}),
                Step("follow-up", "centre", {"contacted": True, "solved": True, "rating": "satisfied"}),
                Step("close", "centre"))
        return head + middle + tail

    def body(self, key: str) -> dict[str, object]:
        return {"matter": self.matter, "affected": list(self.affected), "description": f"{self.text}（{key}）",
                "reporter_name": "张三", "reporter_phone": "13812345678"}


# 梁溪区 (320213): 崇安寺街道 320213001, 山北街道 320213015. Matters without an authority floor go to the
# township's department; those with a county floor to the district's, with assists (the street's
# department on the ground, other systems of the district) and a summons by the street office.
SCENARIOS = (
    Scenario("township street lights", "street_lights", ("320213001",), "chongansi_zhifa", 0.30,
             text="人民中路路灯不亮"),
    Scenario("township garbage", "garbage_collection", ("320213015",), "shanbei_zhifa", 0.30,
             text="小区门口垃圾两天没人清运"),
    Scenario("district advertising + summons", "outdoor_advertising", ("320213001",), "liangxi_chengguan", 0.25,
             assists=("chongansi_zhifa", "liangxi_shichang"), summons=("liangxi_huanbao", "chongansi_street"),
             text="沿街店招破损有坠落危险"),
    Scenario("district fraud", "telecom_fraud", ("320213001",), "liangxi_gongan", 0.15,
             assists=("load_chongansi_police",), text="接到冒充客服的诈骗电话"),
)
STEPS = {s.name: s.steps() for s in SCENARIOS}
OPERATIONS = ("report", "dispatch", "acknowledge", "assist-report", "summons", "summons-answer", "summons-rating", "resolve",
              "follow-up", "close", "inbox", "case", "dashboard")
READS = ("inbox", "case", "dashboard")


@dataclass
class Flow:
    """One reported case walking through its scenario's steps, one at a time."""

    key: str
    case_id: str
    scenario: Scenario
    done: int = 0  # steps answered 2xx


# -- recording ------------------------------------------------------------------------------------

@dataclass
class Recorder:
    latencies: dict[str, list[float]] = field(default_factory=lambda: {op: [] for op in OPERATIONS})
    statuses: dict[str, Counter[str]] = field(default_factory=lambda: {op: Counter() for op in OPERATIONS})
    lag: list[float] = field(default_factory=list)  # how late the client sent each request (s)
    samples: list[str] = field(default_factory=list)  # the first refusals, to say why
    shed: int = 0  # arrivals dropped because max in-flight was reached (client overload: counted as errors)
    idle: int = 0  # command arrivals with no case ready for a next step (nothing sent)
    timeline: list[tuple[float, str, float]] = field(default_factory=list)
    """(when it was due, loop time; operation; seconds) of every 2xx answer: the figures by minute."""

    def record(self, op: str, status: int | str, seconds: float, body: bytes = b"", due: float = 0.0) -> None:
        self.statuses[op][str(status)] += 1
        if isinstance(status, int) and 200 <= status < 300:
            self.latencies[op].append(seconds)
            self.timeline.append((due, op, seconds))
        elif len(self.samples) < 20:
            self.samples.append(f"{op} {status}: {body[:300].decode(errors='replace')}")


# -- the open-loop driver -------------------------------------------------------------------------

@dataclass(frozen=True)
class Rates:
    reports: float
    commands: float
    reads: float  # inbox (3 of 4) and case (1 of 4) reads
    dashboards: float


class Driver:
    """Issues four independent arrival streams (Poisson, seeded) for ``duration`` seconds: reports,
    commands (the next step of the oldest case waiting for one), reads and dashboard pages."""

    def __init__(self, client: RawClient, tokens: dict[str, str], *, rates: Rates, seed: int, run: str,
                 timeout: float, max_inflight: int, max_requests: int) -> None:
        self.client, self.rates, self.run = client, rates, run
        self.auth = {name: {"Authorization": f"Bearer {t}"} for name, t in tokens.items()}
        self.cookie = {"Cookie": f"ld_session={tokens['centre']}"}
        self.rng = random.Random(seed)
        self.timeout, self.max_inflight, self.max_requests = timeout, max_inflight, max_requests
        self.rec = Recorder()
        self.ready: deque[Flow] = deque()
        self.acked: dict[str, tuple[str, str]] = {}  # idempotency key → (case id, scenario name)
        self.cases: list[str] = []
        self.completed = 0  # cases that went through every step
        self.abandoned = 0  # cases left after a refused step
        self.sent = 0
        self.inflight: set[asyncio.Task[None]] = set()
        self._serial = 0

    async def run_for(self, duration: float, drain: float) -> tuple[float, float]:
        """Load for ``duration`` s, then wait up to ``drain`` s for answers. (load s, drain s)."""
        loop = asyncio.get_running_loop()
        start = loop.time()
        end = start + duration
        streams = [(self.rates.reports, self._report), (self.rates.commands, self._command),
                   (self.rates.reads, self._read), (self.rates.dashboards, self._dashboard)]
        await asyncio.gather(*(self._stream(rate, fire, start, end) for rate, fire in streams if rate > 0))
        loaded = loop.time() - start
        if self.inflight:
            await asyncio.wait(self.inflight, timeout=drain)
        for task in list(self.inflight):  # past the drain: their timeout has long passed
            task.cancel()
        return loaded, loop.time() - start - loaded

    async def _stream(self, rate: float, fire: Callable[[float], Awaitable[None] | None],
                      start: float, end: float) -> None:
        loop = asyncio.get_running_loop()
        rng = random.Random(self.rng.random())
        due = start + rng.expovariate(rate)
        while due < end and self.sent < self.max_requests:
            wait = due - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if len(self.inflight) >= self.max_inflight:
                self.rec.shed += 1
            elif (work := fire(due)) is not None:
                self.sent += 1
                task = asyncio.create_task(self._timed(due, work))
                self.inflight.add(task)
                task.add_done_callback(self.inflight.discard)
            due += rng.expovariate(rate)

    async def _timed(self, due: float, work: Awaitable[None]) -> None:
        self.rec.lag.append(asyncio.get_running_loop().time() - due)
        await work

    async def _call(self, op: str, due: float, method: str, path: str, **kwargs: object) -> Answer | None:
        """One request; its status and latency recorded. None on a transport error or timeout."""
        loop = asyncio.get_running_loop()
        try:
            answer = await asyncio.wait_for(self.client.request(method, path, **kwargs),  # type: ignore[arg-type]
                                            self.timeout)
        except TimeoutError:
            self.rec.record(op, "timeout", loop.time() - due)
            return None
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError) as exc:
            self.rec.record(op, f"transport:{type(exc).__name__}", loop.time() - due)
            return None
        self.rec.record(op, answer.status, loop.time() - due, answer.body, due)
        return answer

    def _report(self, due: float) -> Awaitable[None]:
        self._serial += 1
        key = f"{self.run}-{self._serial}"
        scenario = self.rng.choices(SCENARIOS, weights=[s.weight for s in SCENARIOS])[0]
        return self._send_report(due, key, scenario)

    async def _send_report(self, due: float, key: str, scenario: Scenario) -> None:
        answer = await self._call("report", due, "POST", "/api/cases", body=scenario.body(key),
                                  headers={"Idempotency-Key": key})
        if answer is None or answer.status != 201:
            return
        data = json.loads(answer.body)
        if data.get("duplicate"):  # a fresh key can only be new; the check at the end names it
            self.rec.samples.append(f"report {key}: a new key answered as a duplicate")
            return
        self.acked[key] = (data["case_id"], scenario.name)
        self.cases.append(data["case_id"])
        self.ready.append(Flow(key, data["case_id"], scenario))

    def _command(self, due: float) -> Awaitable[None] | None:
        if not self.ready:
            self.rec.idle += 1
            return None
        return self._send_step(due, self.ready.popleft())

    async def _send_step(self, due: float, flow: Flow) -> None:
        step = STEPS[flow.scenario.name][flow.done]
        answer = await self._call(step.command, due, "POST", f"/api/cases/{flow.case_id}/{step.command}",
                                  body=step.body, headers=self.auth[step.account])
        if answer is None or not 200 <= answer.status < 300:
            self.abandoned += 1
            return
        flow.done += 1
        if flow.done < len(STEPS[flow.scenario.name]):
            self.ready.append(flow)
        else:
            self.completed += 1

    def _read(self, due: float) -> Awaitable[None]:
        if self.cases and self.rng.random() < 0.25:
            case_id = self.cases[self.rng.randrange(len(self.cases))]
            return self._get("case", due, f"/api/cases/{case_id}", self.auth["centre"])
        lead = self.rng.choice(SCENARIOS).lead
        return self._get("inbox", due, f"/api/inbox/{ACCOUNTS[lead]}?limit=100", self.auth[lead])

    def _dashboard(self, due: float) -> Awaitable[None]:
        return self._get("dashboard", due, "/work/dashboard", self.cookie)

    async def _get(self, op: str, due: float, path: str, headers: dict[str, str]) -> None:
        await self._call(op, due, "GET", path, headers=headers)
