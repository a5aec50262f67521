"""Petitioner keys: who petitions, as a keyed hash, so matters link without exposing identity."""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Any

FALLBACK_SECRET = b"xinfang-intake-petitioner-key"


def petitioner_secret(cipher_key: str) -> bytes:
    """The HMAC key for petitioner keys, derived from the store's cipher key (a fixed string without one)."""
    if not cipher_key:
        return FALLBACK_SECRET
    return hashlib.sha256(b"xinfang-petitioner-key:" + cipher_key.encode()).digest()


def normalised(text: str) -> str:
    return re.sub(r"[\s\-]", "", text).upper()


def petitioner_key(secret: bytes, petitioners: list[dict[str, Any]]) -> str:
    """同一信访人: the first petitioner's ID number if given, else name and phone, under HMAC-SHA256."""
    first = petitioners[0]
    id_number = normalised(first.get("id_number") or "")
    basis = f"id:{id_number}" if id_number else f"np:{normalised(first['name'])}|{normalised(first.get('phone') or '')}"
    return hmac.new(secret, basis.encode(), hashlib.sha256).hexdigest()
