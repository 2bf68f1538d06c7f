"""Deterministic idempotency keys.

Keys are derived from source and record identity (never random, never a clock), so the same record
received twice yields the same key and is absorbed, while a changed value yields a new one.
"""

from __future__ import annotations

import hashlib


def stable_key(*parts: object) -> str:
    """A short hex digest of the parts, joined unambiguously (``None`` and ``""`` differ)."""
    text = "\x1f".join("\x00" if part is None else str(part) for part in parts)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:32]
