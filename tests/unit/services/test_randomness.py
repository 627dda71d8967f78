"""Random bytes in blocks: never the same bytes twice, the right sizes, uniform codes."""

from __future__ import annotations

import os
import re
from collections import Counter

from liandong.services import randomness
from liandong.services.intake import TRACKING_ALPHABET, new_tracking_code
from liandong.services.randomness import BLOCK, random_bits, random_bytes, random_hex


def test_sizes_and_no_repeats_across_blocks() -> None:
    draws = [random_bytes(16) for _ in range(3 * BLOCK // 16)]  # spans several blocks
    assert all(len(d) == 16 for d in draws)
    assert len(set(draws)) == len(draws)
    assert len(random_bytes(BLOCK)) == BLOCK  # large draws go straight to the system


def test_bits_and_hex_are_in_range() -> None:
    assert all(0 <= random_bits(60) < 2**60 for _ in range(1000))
    assert max(random_bits(60) for _ in range(1000)) >= 2**59  # the top bit is used
    assert all(re.fullmatch(r"[0-9a-f]{20}", random_hex(20)) for _ in range(100))
    assert re.fullmatch(r"[0-9a-f]{7}", random_hex(7))


def test_tracking_codes_use_every_character_evenly() -> None:
    codes = [new_tracking_code() for _ in range(4000)]
    assert all(re.fullmatch(r"[A-Z2-9]{4}-[A-Z2-9]{4}-[A-Z2-9]{4}", c) for c in codes)
    counts = Counter(ch for c in codes for ch in c.replace("-", ""))
    assert set(counts) == set(TRACKING_ALPHABET)
    expected = 4000 * 12 / len(TRACKING_ALPHABET)  # 1,500 a character
    assert all(abs(n - expected) < 0.2 * expected for n in counts.values())


def test_a_forked_child_draws_its_own_bytes() -> None:
    random_bytes(8)  # the parent holds a block
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # pragma: no cover - the child
        os.write(write, random_bytes(32))
        os._exit(0)
    os.waitpid(pid, 0)
    child = os.read(read, 32)
    assert child != random_bytes(32)
    assert randomness._block  # the parent's block is untouched
