"""The browser journey's plumbing: Debian's Chromium driven by Playwright (a dev dependency), axe-core
from npm, and the real site served by `seminar serve` in a subprocess against the test database,
mailing a real SMTP server.

Without Chromium or without `npm ci` in tests/browser the journey skips and says why; with
REQUIRE_BROWSER=1 (as .ci/run sets it) a missing piece fails it instead.

With DOCS_SCREENSHOTS=1 the journey also refreshes the pictures of the guides in docs/images
(see docs/development.md).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from PIL import Image

from seminar.config import DOCUMENTED_SETTINGS, PROJECT_ROOT
from tests.conftest import SmtpServer, _free_port
from tests.patience import patience

BROWSER_DIR = Path(__file__).resolve().parent
AXE_SCRIPT = BROWSER_DIR / "node_modules" / "axe-core" / "axe.min.js"
ORGANIZER = ("organizer@example.org", "组织者", "Organizer-Pass-2026")
SCREENSHOTS = pytest.StashKey[Path]()
DOCS_IMAGES = PROJECT_ROOT / "docs" / "images"


def chromium_executable() -> str | None:
    """Debian's Chromium (Playwright's own browser download is not used)."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _missing_piece() -> str | None:
    if chromium_executable() is None:
        return "Chromium is not installed (Debian: apt-get install chromium)"
    if not AXE_SCRIPT.exists():
        return "axe-core is missing (run npm ci in tests/browser)"
    return None


@pytest.fixture(scope="session")
def browser_tools() -> tuple[str, str]:
    """Chromium's path and axe-core's source, or a skip (a failure under REQUIRE_BROWSER=1)."""
    if missing := _missing_piece():
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(f"REQUIRE_BROWSER=1 but {missing}")
        pytest.skip(f"browser journey skipped: {missing}")
    return str(chromium_executable()), AXE_SCRIPT.read_text(encoding="utf-8")


@pytest.fixture
def screenshot_dir(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SCREENSHOT_DIR if set, else a folder in pytest's temporary directory; named at the end of the run."""
    configured = os.environ.get("SCREENSHOT_DIR")
    folder = Path(configured) if configured else tmp_path_factory.mktemp("browser-journey", numbered=True)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    request.config.stash[SCREENSHOTS] = folder
    return folder


@pytest.fixture
def docs_images() -> Path | None:
    """docs/images when DOCS_SCREENSHOTS=1 asks the journey to refresh the guides' pictures, else None."""
    return DOCS_IMAGES if os.environ.get("DOCS_SCREENSHOTS") == "1" else None


def shrink_png(path: Path) -> None:
    """Rewrite a screenshot with a 256-colour palette and no dithering: a third of the size, text as sharp."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:  # type: ignore[no-untyped-def]
    if (folder := config.stash.get(SCREENSHOTS, None)) is not None:
        terminalreporter.write_line(f"Browser journey screenshots and axe report: {folder}")


@dataclass
class Site:
    url: str
    smtp: SmtpServer
    log: Path


def _seminar_command() -> list[str]:
    """The installed `seminar` script next to this interpreter (the README's command), else the module."""
    script = Path(sys.executable).with_name("seminar")
    return [str(script)] if script.exists() else [sys.executable, "-m", "seminar.cli"]


def _wait_until_serving(url: str, process: subprocess.Popen[bytes], log: Path, timeout: float = patience(90)) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"seminar serve exited with {process.returncode}:\n{log.read_text()[-3000:]}")
        with contextlib.suppress(OSError):
            with urllib.request.urlopen(url + "/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        time.sleep(0.3)
    raise AssertionError(f"seminar serve did not answer within {timeout} s:\n{log.read_text()[-3000:]}")


@pytest.fixture
def live_site(database: str, smtp_server: SmtpServer, screenshot_dir: Path, tmp_path: Path) -> Iterator[Site]:
    """`seminar units`, `seminar createadmin` for the first organizer, then `seminar serve` on a free
    loopback port with its in-process workers (mail and proceedings builds), as an operator starts it."""
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    data_dir = tmp_path / "data"
    environment = {name: value for name, value in os.environ.items() if name not in DOCUMENTED_SETTINGS}
    environment |= {
        "DATABASE_URL": database,
        "DATA_DIR": str(data_dir),
        "SECRET_KEY": "browser-journey-secret",
        "BASE_URL": url,
        "SMTP_HOST": smtp_server.host,
        "SMTP_PORT": str(smtp_server.port),
        "SMTP_TLS": "none",
        "RUN_WORKER": "true",
    }
    command = _seminar_command()
    # The working directory holds no .env, so nothing but this environment configures the site.
    run = dict(cwd=tmp_path, env=environment, capture_output=True, text=True, timeout=patience(120))
    for arguments in (["units"], ["createadmin", "--email", ORGANIZER[0], "--name", ORGANIZER[1], "--password", ORGANIZER[2]]):
        result = subprocess.run([*command, *arguments], **run)  # type: ignore[call-overload]
        assert result.returncode == 0, result.stderr
    log = screenshot_dir / "server.log"
    with log.open("wb") as output:
        process = subprocess.Popen(
            [*command, "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=tmp_path, env=environment, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )
    try:
        _wait_until_serving(url, process, log)
        yield Site(url=url, smtp=smtp_server, log=log)
    finally:
        # Its own process group: the typesetting child of a book build stops with it.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=patience(30))
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
