"""The secret of a personal access token, and what is stored for it.

The secret is 32 random bytes (256 bits) from `secrets`: nobody guesses or brute-forces it, so a
plain SHA-256 of it is as safe to store as a slow hash would be. Argon2 or bcrypt are for
passwords, which people choose and which are short enough to guess from a stolen hash; spending
their deliberate ~50 ms on every API request would only slow each call down (and need a lookup
by some other key first), for no gain against a secret that has no dictionary to try.
"""

from __future__ import annotations

import hashlib
import secrets

# Marks the secret as this site's API token (secret scanners and people recognise it).
SCHEME_PREFIX = "smn_"
# How much of the secret the token list shows, to tell tokens apart: the prefix and 4 random characters.
SHOWN = len(SCHEME_PREFIX) + 4


def new_secret() -> tuple[str, str, str]:
    """A fresh secret, the hash to store for it, and the part of it the list shows."""
    secret = SCHEME_PREFIX + secrets.token_urlsafe(32)
    return secret, secret_hash(secret), secret[:SHOWN]


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()
