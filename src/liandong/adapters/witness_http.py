"""The node's side of c2sp.org/tlog-witness (decision 0035): witnesses configured by
``LIANDONG_WITNESSES`` (``<URL> <witness verifier key>`` items, separated by newlines or commas, or
the path of a file of such lines), asked over HTTP; their refusals kept in
``<data_dir>/witness.refused`` for the ledger alarm of every process (the checkpoints are made in
the writer's process, the alarm is read in the web workers')."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Mapping, Sequence
from pathlib import Path

from liandong.ledger.errors import LedgerError
from liandong.ledger.note import Verifier
from liandong.ledger.witness_protocol import render_add_checkpoint
from liandong.services.ports.witness import WitnessRefusal

REFUSED_FILE = "witness.refused"
TIMEOUT, CONNECT_TIMEOUT = 3.0, 1.0
QUIET_SECONDS = 30.0
"""After a witness could not be reached it is not asked again for this long: checkpoints are made on
the writer's thread, which must not wait on a dead witness every second."""


class HttpCosigner:
    def __init__(self, url: str, vkey: str, *, timeout: float = TIMEOUT,
                 quiet: float = QUIET_SECONDS) -> None:
        import httpx  # here: a command that configures no witness never imports it

        verifier = Verifier.from_vkey(vkey)
        self.url, self.vkey, self.name = url.rstrip("/"), verifier.vkey, verifier.name
        self._client = httpx.Client(timeout=httpx.Timeout(timeout, connect=min(timeout, CONNECT_TIMEOUT)))
        self._quiet, self._quiet_until, self._unreachable = quiet, 0.0, ""

    def add_checkpoint(self, old_size: int, proof: Sequence[bytes], note: str) -> str:
        import httpx

        left = self._quiet_until - time.monotonic()
        if left > 0:
            raise WitnessRefusal(0, f"{self._unreachable}; not asked again for {left:.0f} s")
        try:
            answer = self._client.post(f"{self.url}/add-checkpoint",
                                       content=render_add_checkpoint(old_size, proof, note))
        except httpx.HTTPError as exc:
            self._unreachable = f"unreachable: {type(exc).__name__}: {exc}"
            self._quiet_until = time.monotonic() + self._quiet
            raise WitnessRefusal(0, self._unreachable) from None
        if answer.status_code == 200:
            return answer.text
        size = None
        if answer.status_code == 409 and answer.text.strip().isdigit():
            size = int(answer.text.strip())
            reason = f"it holds size {size}, the log sent old size {old_size}"
        else:
            reason = " / ".join(line for line in answer.text.splitlines() if line.strip())[:500]
        raise WitnessRefusal(answer.status_code, reason, size)


def parse_witnesses(value: str) -> list[HttpCosigner]:
    """The witnesses configured; ``ledger.bad_witness_config`` names the item that is wrong."""
    value = value.strip()
    if value and "\n" not in value and " " not in value and Path(value).is_file():
        value = Path(value).read_text(encoding="utf-8")
    items = [item.strip() for line in value.splitlines() for item in line.split(",")]
    cosigners = []
    for number, item in enumerate((i for i in items if i and not i.startswith("#")), start=1):
        parts = item.split()
        if len(parts) != 2 or not parts[0].startswith(("http://", "https://")):
            raise LedgerError("ledger.bad_witness_config", line=number, problem=f"'{item[:80]}'")
        try:
            cosigner = HttpCosigner(parts[0], parts[1])
        except LedgerError as exc:
            raise LedgerError("ledger.bad_witness_config", line=number,
                              problem=str(exc.params.get("problem", exc.code))) from None
        if not Verifier.from_vkey(parts[1]).is_cosigner:
            raise LedgerError("ledger.bad_witness_config", line=number,
                              problem="the key is not a witness cosignature key")
        cosigners.append(cosigner)
    return cosigners


def remote_witnesses(value: str, data_dir: Path) -> tuple[tuple[HttpCosigner, ...], FileRefusals]:
    """The witnesses ``value`` configures (a bad item stops here) and where their refusals go."""
    return tuple(parse_witnesses(value)), FileRefusals(data_dir / REFUSED_FILE)


class FileRefusals:
    """The latest refusal, in a file replaced atomically; removed by whoever has cleared it up."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def refused(self, params: Mapping[str, str]) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(f".{self.path.name}.{os.getpid()}")
        temporary.write_text(json.dumps(dict(params), ensure_ascii=False), encoding="utf-8")
        os.replace(temporary, self.path)

    def latest(self) -> dict[str, str] | None:
        try:
            found = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return None
        return {str(k): str(v) for k, v in found.items()} if isinstance(found, dict) else None


class MemoryRefusals:
    def __init__(self) -> None:
        self._latest: dict[str, str] | None = None

    def refused(self, params: Mapping[str, str]) -> None:
        self._latest = dict(params)

    def latest(self) -> dict[str, str] | None:
        return self._latest
