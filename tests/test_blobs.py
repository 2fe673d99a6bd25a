"""Content-addressed storage: the same bytes are stored once, even when sent twice at the same moment."""

from __future__ import annotations

import asyncio
import hashlib

from seminar.blobs import store_blob
from seminar.submissions.models import Blob


async def test_the_same_content_is_stored_once() -> None:
    first = await store_blob("研讨班论文".encode())
    second = await store_blob("研讨班论文".encode())

    assert first == second == hashlib.sha256("研讨班论文".encode()).hexdigest()
    assert await Blob.all().count() == 1


async def test_two_simultaneous_stores_of_new_content_both_succeed() -> None:
    data = b"%PDF-1.7 the same manuscript uploaded twice at once"

    digests = await asyncio.gather(store_blob(data), store_blob(data))

    assert digests[0] == digests[1]
    assert await Blob.filter(sha256=digests[0]).count() == 1
