"""The C2SP tlog-witness protocol (https://c2sp.org/tlog-witness): what a log sends to a witness's
``POST /add-checkpoint`` and what the witness answers.

The request body is ``old <size>\\n``, then the consistency proof from that size to the checkpoint's,
one base64 hash a line (at most 63), then a blank line and the signed checkpoint note. The witness
answers 200 with its cosignature lines (c2sp.org/tlog-cosignature), 409 with the size it holds when
the client's ``old`` is not that size (or the checkpoint is smaller: a rollback), 422 when the proof
does not show the new tree extending the one it cosigned (a fork), 403 when the log's signature does
not verify, 404 for an origin it does not witness and 400 for a request it cannot parse.
"""

from __future__ import annotations

import base64
import binascii
import re
from collections.abc import Sequence
from dataclasses import dataclass

from liandong.ledger.errors import LedgerError
from liandong.ledger.note import MAX_NOTE_CHARS, MAX_TREE_SIZE

MAX_PROOF_LINES = 63
SIZE_CONTENT_TYPE = "text/x.tlog.size"
_OLD = re.compile(r"old (0|[1-9][0-9]{0,18})\Z")


@dataclass(frozen=True)
class AddCheckpoint:
    """A parsed ``add-checkpoint`` request: the size the client believes the witness holds, the
    consistency proof from it and the checkpoint note (text, unparsed)."""

    old_size: int
    proof: tuple[bytes, ...]
    note: str


def render_add_checkpoint(old_size: int, proof: Sequence[bytes], note: str) -> bytes:
    """The request body for ``old_size``, ``proof`` and the signed ``note``."""
    lines = [f"old {old_size}", *(base64.b64encode(h).decode("ascii") for h in proof)]
    return ("\n".join(lines) + "\n\n" + note).encode("utf-8")


def parse_add_checkpoint(body: bytes, *, digest_size: int = 32) -> AddCheckpoint:
    """Parse a request body strictly; ``ledger.malformed_witness_request`` says what is wrong and
    what is allowed."""
    if len(body) > MAX_NOTE_CHARS + 4096:
        raise _malformed("body too long", f"at most {MAX_NOTE_CHARS + 4096} bytes")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        raise _malformed("body is not UTF-8", "UTF-8 text") from None
    head, separator, note = text.partition("\n\n")
    if not separator:
        raise _malformed("no blank line before the checkpoint", "old line, proof lines, blank line, note")
    lines = head.split("\n")
    match = _OLD.match(lines[0])
    if match is None or int(match.group(1)) > MAX_TREE_SIZE:
        raise _malformed(f"first line {lines[0][:40]!r}", "'old <size>', a decimal without leading zeros")
    proof_lines = lines[1:]
    if len(proof_lines) > MAX_PROOF_LINES:
        raise _malformed(f"{len(proof_lines)} proof lines", f"at most {MAX_PROOF_LINES}")
    proof = []
    for number, line in enumerate(proof_lines, start=2):
        try:
            raw = base64.b64decode(line, validate=True)
        except (binascii.Error, ValueError):
            raw = b""
        if len(raw) != digest_size or base64.b64encode(raw).decode("ascii") != line:
            raise _malformed(f"line {number} is not a hash", f"canonical base64 of {digest_size} bytes")
        proof.append(raw)
    if not note:
        raise _malformed("no checkpoint after the blank line", "a signed checkpoint note")
    return AddCheckpoint(int(match.group(1)), tuple(proof), note)


def _malformed(problem: str, allowed: str) -> LedgerError:
    return LedgerError("ledger.malformed_witness_request", problem=problem, allowed=allowed)
