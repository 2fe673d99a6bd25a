"""The site as an operator runs it — `seminar serve --workers 2` with LOG_FORMAT=json, its workers
mailing a real SMTP server — through a day's flows: logins right and wrong, a city's paper with its
authors' phones and e-mails, an upload refused, a visitor's registration, a password reset.

Then: the metrics of the two worker processes add up in any scrape; every line on standard error
is one JSON object; the worker's lines about the mail a request queued carry that request's id;
and no e-mail address, phone number or name of anyone involved is anywhere in the log.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
from prometheus_client.mmap_dict import MmapedDict

from seminar.accounts.models import User
from seminar.config import PROJECT_ROOT
from seminar.registration.models import Registration
from seminar.submissions.models import Author
from tests.conftest import Client, SmtpServer
from tests.factories import make_organizer, make_submitter
from tests.faults.network import free_port
from tests.faults.processes import wait_until
from tests.operations.test_metrics import value
from tests.patience import patience
from tests.registration.test_routes import DETAILS
from tests.submissions.documents import make_docx
from tests.submissions.test_routes import open_seminar, paper_form

WORKERS = 2


@dataclass
class Site:
    url: str
    metrics_dir: Path
    log: Path  # standard error: the log
    process: subprocess.Popen[bytes]


@contextlib.contextmanager
def served(database: str, smtp: SmtpServer, data_dir: Path) -> Iterator[Site]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    environment = {
        **os.environ, "DATABASE_URL": database, "DATA_DIR": str(data_dir), "SECRET_KEY": "live-test-secret",
        "BASE_URL": url, "SMTP_HOST": smtp.host, "SMTP_PORT": str(smtp.port), "SMTP_TLS": "none",
        "RUN_WORKER": "true", "LOG_FORMAT": "json",
    }
    environment.pop("PROMETHEUS_MULTIPROC_DIR", None)
    log = data_dir / "stderr.log"
    with log.open("wb") as errors, (data_dir / "stdout.log").open("wb") as output:
        # The installed script, as operators start it (`python -m` makes the fork server warn on standard error).
        process = subprocess.Popen(
            [str(Path(sys.executable).with_name("seminar")), "serve", "--no-migrate", "--port", str(port), "--workers", str(WORKERS)],
            cwd=PROJECT_ROOT, env=environment, stdout=output, stderr=errors, start_new_session=True,
        )
    site = Site(url, data_dir / "metrics", log, process)

    def healthy() -> bool:
        assert process.poll() is None, f"seminar serve ended:\n{log.read_text()[-3000:]}"
        try:
            return httpx.get(f"{url}/healthz", timeout=2).status_code == 200
        except httpx.HTTPError:
            return False

    try:
        wait_until(healthy, patience(90), "seminar serve did not answer in time", interval=0.2)
        yield site
    except BaseException as error:
        error.add_note(f"seminar serve's log:\n{log.read_text()[-5000:]}")
        raise
    finally:
        stop(process)


def stop(process: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=patience(30))
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def requests_per_process(metrics_dir: Path, route: str) -> dict[str, float]:
    """How many requests of `route` each process counted, read from its own file."""
    counts: dict[str, float] = {}
    for path in metrics_dir.glob("counter_*.db"):
        for key, count, _timestamp, _position in MmapedDict.read_all_values_from_file(str(path)):
            _metric, sample, labels, _help = json.loads(key)
            if sample == "seminar_http_requests_total" and labels.get("route") == route:
                counts[path.name] = counts.get(path.name, 0) + count
    return counts


async def scrape(url: str) -> str:
    async with httpx.AsyncClient(base_url=url, timeout=patience(30)) as client:
        response = await client.get("/metrics")
    assert response.status_code == 200, response.text
    return response.text


async def fresh_connection_get(url: str) -> None:
    """One request on a connection of its own: the kernel hands each new connection to either process."""
    async with httpx.AsyncClient(base_url=url, timeout=patience(30)) as client:
        assert (await client.get("/healthz")).status_code == 200


def log_lines(site: Site) -> list[dict[str, Any]]:
    lines = site.log.read_text(encoding="utf-8").splitlines()
    parsed = []
    for line in lines:
        entry = json.loads(line)  # every line one JSON object: a line that is not fails here
        assert {"time", "level", "logger", "message"} <= entry.keys(), line
        parsed.append(entry)
    return parsed


async def test_the_served_site_counts_across_its_processes_and_logs_json_without_personal_data(
    database: str, smtp_server: SmtpServer, tmp_path: Path
) -> None:
    seminar = await open_seminar()
    submitter = await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    await make_organizer(seminar, "organizer@example.org")

    with served(database, smtp_server, tmp_path) as site:
        async with Client(base_url=site.url, timeout=patience(30)) as city, Client(base_url=site.url, timeout=patience(30)) as visitor:
            # A wrong password, then the right one.
            await city.post_form("/login", {"email": "guangzhou@example.org", "password": "not the password"})
            await city.login("guangzhou@example.org")
            created = await city.post_form("/gd-2021/papers/new", await paper_form(seminar))
            paper_url = created.headers["location"].removeprefix(site.url)
            empty = await city.post_form(f"{paper_url}/upload", files={"manuscript": ("陈静-论文.docx", b"", "application/octet-stream")})
            await city.post_form(f"{paper_url}/upload", files={"manuscript": ("陈静-论文.docx", make_docx(), "application/octet-stream")})
            submitted = await city.post_form(f"{paper_url}/submit")
            registered = await visitor.post_form("/gd-2021/register", DETAILS)
            reset = await visitor.post_form("/password/forgot", {"email": "organizer@example.org"})
            missing = await visitor.get("/no-such-seminar/")
        assert [empty.status_code, submitted.status_code, registered.status_code, reset.status_code] == [400, 303, 303, 303]
        assert missing.status_code == 404 and missing.headers["x-request-id"] in missing.text

        # Receipts to the city and the paper's author, the visitor's invitation, the reset link.
        wait_until(lambda: len(smtp_server.messages) >= 4, patience(60), "the workers did not send the mail")

        # Requests on new connections until each process has answered some.
        before = value(await scrape(site.url), "seminar_http_requests_total", route="healthz", method="GET", status="200")
        sent = 0
        while len(requests_per_process(site.metrics_dir, "healthz")) < WORKERS and sent < 400:
            await asyncio.gather(*(fresh_connection_get(site.url) for _ in range(20)))
            sent += 20
        per_process = requests_per_process(site.metrics_dir, "healthz")
        scrapes = [await scrape(site.url) for _ in range(4)]  # answered by either process
        # From the local host but for an outside client, as a reverse proxy on this host forwards it.
        forwarded = httpx.get(f"{site.url}/metrics", headers={"X-Forwarded-For": "203.0.113.9"}, timeout=patience(30))

    assert len(per_process) == WORKERS, f"one process answered all {sent} requests: {per_process}"
    for exposition in scrapes:
        assert value(exposition, "seminar_http_requests_total", route="healthz", method="GET", status="200") - before == sent
        assert value(exposition, "seminar_logins_total", outcome="success") == 1
        assert value(exposition, "seminar_logins_total", outcome="failure") == 1
        assert value(exposition, "seminar_uploads_refused_total", reason="empty") == 1
        assert value(exposition, "seminar_mail_deliveries_total", outcome="sent") == 4
        assert value(exposition, "seminar_outbox_mails", status="sent") == 4
        assert value(exposition, "seminar_outbox_oldest_unsent_seconds") == 0
        assert value(exposition, "seminar_worker_last_heartbeat_seconds") < 60
    assert forwarded.status_code == 403

    lines = log_lines(site)
    loggers = {line["logger"] for line in lines}
    assert {"uvicorn.error", "seminar.request", "seminar.mail.actions"} <= loggers
    submit_id = submitted.headers["x-request-id"]
    [submit] = [line for line in lines if line["logger"] == "seminar.request" and line.get("request_id") == submit_id]
    assert (submit["route"], submit["user_id"], submit["seminar"], submit["status"]) == (
        "submissions:submit", submitter.id, "gd-2021", 303,
    )
    receipts = [line for line in lines if line["logger"] == "seminar.mail.actions" and line.get("request_id") == submit_id]
    assert len(receipts) == 2 and all(" sent, attempt 1" in line["message"] for line in receipts)

    everything = "\n".join(line for line in site.log.read_text(encoding="utf-8").splitlines())
    people = await User.all()
    authors = await Author.all()
    registrations = await Registration.all()
    personal = {
        *(user.email for user in people), *(user.name for user in people), *(user.phone for user in people),
        *(author.email for author in authors), *(author.name for author in authors), *(author.phone for author in authors),
        *(registration.phone for registration in registrations),
        DETAILS["email"], DETAILS["phone"], "陈静", "13800138000",
    } - {""}
    assert len(personal) >= 8
    assert sorted(secret for secret in personal if secret.lower() in everything.lower()) == []
    # Nothing had to be masked either: the lines never held any of it.
    assert "[e-mail]" not in everything and "[phone]" not in everything
