"""The ASGI application for uvicorn by import string (`seminar.asgi:app`), needed for `--workers N`.

Each worker process imports this module and builds its own app from the environment.
"""

from __future__ import annotations

import logging

from seminar.app import create_app
from seminar.operations.logs import lean_records

# uvicorn sets up logging in each worker (`logs.logging_config`), not warnings: they would reach
# standard error as bare text, a line a JSON log collector cannot read.
logging.captureWarnings(True)
lean_records()
app = create_app()
