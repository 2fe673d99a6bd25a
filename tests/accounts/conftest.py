from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.conftest import Client


@pytest.fixture
async def second_client(app) -> AsyncIterator[Client]:  # type: ignore[no-untyped-def]
    """Another browser: the same person elsewhere, or someone else at the same time."""
    async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as browser:
        yield browser
