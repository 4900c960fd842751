"""Opaque, type-prefixed ids that sort by creation time (cursor pagination orders by id)."""

from __future__ import annotations

import secrets
import time

_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz"


def _base36(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        n, r = divmod(n, 36)
        out.append(_ALPHABET[r])
    return "".join(reversed(out))


def new_id(prefix: str) -> str:
    """prefix_ + 9 chars of milliseconds + 2 of a per-process sequence + 12 random chars."""
    global _last_ms, _seq
    ms = time.time_ns() // 1_000_000
    if ms == _last_ms:
        _seq = (_seq + 1) % (36 * 36)
    else:
        _last_ms, _seq = ms, 0
    return f"{prefix}_{_base36(ms, 9)}{_base36(_seq, 2)}{_base36(secrets.randbits(62), 12)}"


_last_ms = 0
_seq = 0
