from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from seminar.app import create_app
from seminar.config import Settings
from tests.conftest import Client


@pytest.fixture
async def smtp_client(smtp_settings: Settings) -> AsyncIterator[Client]:
    """A browser on a site whose SMTP settings point at the test SMTP server."""
    transport = httpx.ASGITransport(app=create_app(smtp_settings))
    async with Client(transport=transport, base_url="http://testserver") as client:
        yield client
