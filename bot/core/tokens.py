"""Invite and link tokens: only their hashes are stored; shape checks before any lookup."""

from __future__ import annotations

import hashlib
import re

TOKEN_BYTES = 24  # 192 random bits, more than the 128 the design asks for
TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{32}$")


def is_well_formed(token: str) -> bool:
    """Whether ``token`` could be one of ours (32 URL-safe characters)."""
    return bool(TOKEN_SHAPE.match(token))


def hash_token(token: str) -> str:
    """The SHA-256 hex digest under which a token is stored."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()
