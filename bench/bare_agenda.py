"""The floor `bench/agenda.py` measures the published agenda against: a bare Starlette app, no
middleware, returning from memory the same bytes and headers our server sent for each address.

Started by uvicorn with our server's options (`seminar serve`'s); reads what to serve from the JSON
file named by BARE_AGENDA: [{"path": …, "headers": [[name, value], …], "body": file}, …].
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route


def _route(path: str, headers: dict[str, str], body: bytes) -> Route:
    async def endpoint(request: Request) -> Response:
        return Response(body, headers=headers)

    return Route(path, endpoint)


def _routes() -> list[Route]:
    answers = json.loads(Path(os.environ["BARE_AGENDA"]).read_text())
    return [_route(a["path"], dict(a["headers"]), Path(a["body"]).read_bytes()) for a in answers]


app = Starlette(routes=_routes())
