"""Unpredictable bytes for identifiers, tracking codes and salts, drawn from the operating system's
generator in blocks.

``secrets`` makes one system call per draw, and a thread that makes a system call gives up the
interpreter lock and must queue to get it back: on a busy server, the event loop waits behind the
group-commit thread for every tracking code. One ``os.urandom`` call per 4 KiB serves some 500
reports with bytes of the same quality (the kernel's CSPRNG); each byte is handed out once.
"""

from __future__ import annotations

import os
import threading

BLOCK = 4096

_lock = threading.Lock()
_block = b""
_used = 0


def random_bytes(n: int) -> bytes:
    """``n`` fresh bytes from the system generator (never the same bytes twice)."""
    global _block, _used
    if n > BLOCK // 4:
        return os.urandom(n)
    with _lock:
        if _used + n > len(_block):
            _block, _used = os.urandom(BLOCK), 0
        out = _block[_used:_used + n]
        _used += n
        return out


def random_bits(k: int) -> int:
    """A uniform integer of ``k`` bits."""
    return int.from_bytes(random_bytes((k + 7) // 8), "big") >> (-k % 8)


def random_hex(length: int) -> str:
    """``length`` hexadecimal digits (``length * 4`` bits)."""
    return random_bytes((length + 1) // 2).hex()[:length]


def _reset_after_fork() -> None:
    """A child process must not hand out the bytes its parent still holds."""
    global _lock, _block, _used
    _lock, _block, _used = threading.Lock(), b"", 0


os.register_at_fork(after_in_child=_reset_after_fork)
