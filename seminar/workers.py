"""The name a process claims work under (an outbox mail, a book build): light to import, so the
command line can name itself without loading the mail worker."""

from __future__ import annotations

import os
import secrets
import socket


def default_worker_name() -> str:
    """host:pid:random, unique among live workers, so a claim names exactly one of them."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(3)}"
