"""Content-addressed storage of bytes in the database (the `Blob` table): one row per SHA-256.

Manuscripts and built proceedings share it; storing the same content twice stores it once.
"""

from __future__ import annotations

import hashlib
from typing import Any

from seminar.submissions.models import Blob


async def store_blob(data: bytes, connection: Any = None) -> str:
    """Store `data` unless a blob with its hash exists; returns the hash. Call inside the caller's transaction.

    The insert ignores a conflict on the hash, so two people uploading the same file at the
    same moment both succeed and share one row.
    """
    digest = hashlib.sha256(data).hexdigest()
    if not await Blob.filter(sha256=digest).using_db(connection).exists():
        await Blob.bulk_create(
            [Blob(sha256=digest, size=len(data), content=data)], ignore_conflicts=True, using_db=connection
        )
    return digest
