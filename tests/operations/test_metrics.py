"""/metrics through the ASGI app: what it counts moves with real requests, what it reads from the
database is what the database holds, and only allowed addresses or the token may read it.

Several processes adding up into one scrape (prometheus-client's multiprocess mode) is tested
with real processes here, and under `seminar serve --workers 2` in test_live.py."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from seminar.app import create_app
from seminar.config import PROJECT_ROOT, Settings
from seminar.db import is_postgres
from seminar.mail.models import MailStatus, OutboxMail
from seminar.operations.models import WorkerHeartbeat
from seminar.proceedings.models import BuildStatus
from tests.conftest import Client
from tests.factories import make_mail, make_proceedings_build, make_seminar, make_submitter, make_user
from tests.patience import patience
from tests.submissions.test_routes import create_paper, open_seminar, upload

OUTSIDE = ("203.0.113.9", 40000)  # TEST-NET-3: an address no default lets in


def value(exposition: str, name: str, **labels: str) -> float:
    """The sample `name` with these labels (0 when the scrape has none)."""
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(key) == wanted for key, wanted in labels.items()):
                return sample.value
    return 0.0


async def scrape(client: httpx.AsyncClient, **headers: str) -> str:
    response = await client.get("/metrics", headers=headers)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("text/plain; version=0.0.4")
    return response.text


async def test_requests_are_counted_by_route_method_and_status_with_their_latency(client: Client) -> None:
    await make_seminar()
    before = await scrape(client)

    for _ in range(3):
        await client.get("/login")
    await client.get("/gd-2021/")
    await client.get("/no-such-seminar/")

    after = await scrape(client)
    login = {"route": "accounts:login", "method": "GET", "status": "200"}
    assert value(after, "seminar_http_requests_total", **login) - value(before, "seminar_http_requests_total", **login) == 3
    latency = {"route": "accounts:login", "method": "GET"}
    assert (
        value(after, "seminar_http_request_duration_seconds_count", **latency)
        - value(before, "seminar_http_request_duration_seconds_count", **latency)
    ) == 3
    # Every request within the histogram's last bucket, and their time summed.
    assert value(after, "seminar_http_request_duration_seconds_bucket", le="+Inf", **latency) == value(
        after, "seminar_http_request_duration_seconds_count", **latency
    )
    assert value(after, "seminar_http_request_duration_seconds_sum", **latency) > value(
        before, "seminar_http_request_duration_seconds_sum", **latency
    )
    landing = {"route": "seminars:landing", "method": "GET"}
    assert value(after, "seminar_http_requests_total", status="200", **landing) - value(
        before, "seminar_http_requests_total", status="200", **landing
    ) == 1
    assert value(after, "seminar_http_requests_total", status="404", **landing) - value(
        before, "seminar_http_requests_total", status="404", **landing
    ) == 1


async def test_logins_failures_and_lockouts_are_counted(client: Client) -> None:
    await make_user(email="wangfang@example.org")
    await make_user(email="lijun@example.org")
    before = await scrape(client)

    await client.login("lijun@example.org")
    for _ in range(5):  # the account's limit
        await client.post_form("/login", {"email": "wangfang@example.org", "password": "wrong password!"})
    refused = await client.post_form("/login", {"email": "wangfang@example.org", "password": "demo-password"})

    after = await scrape(client)
    assert refused.status_code == 400 and "失败次数过多" in refused.text
    assert value(after, "seminar_logins_total", outcome="success") - value(before, "seminar_logins_total", outcome="success") == 1
    assert value(after, "seminar_logins_total", outcome="failure") - value(before, "seminar_logins_total", outcome="failure") == 5
    assert value(after, "seminar_login_lockouts_total") - value(before, "seminar_login_lockouts_total") == 1


async def test_refused_uploads_are_counted_by_reason(settings: Settings) -> None:
    app = create_app(replace(settings, upload_max_bytes=1024))
    seminar = await open_seminar()
    await make_submitter(seminar, "广州市", email="guangzhou@example.org")
    async with Client(transport=httpx.ASGITransport(app=app), base_url="http://testserver") as client:
        await client.login("guangzhou@example.org")
        paper = await create_paper(client, seminar)
        before = await scrape(client)

        empty = await upload(client, seminar, paper, "论文.docx", b"")
        old_word = await upload(client, seminar, paper, "论文.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
        disguised = await upload(client, seminar, paper, "论文.docx", b"MZ\x90\x00" + b"\0" * 100)
        over_limit = await upload(client, seminar, paper, "论文.pdf", b"%PDF-" + b"0" * 4096)
        # Past the limit and the form's envelope: refused before the body is read.
        far_over = await upload(client, seminar, paper, "论文.pdf", b"%PDF-" + b"0" * (3 * 1024 * 1024))

        after = await scrape(client)

    statuses = [response.status_code for response in (empty, old_word, disguised, over_limit, far_over)]
    assert statuses == [400, 400, 400, 400, 413]

    def refused(reason: str) -> float:
        return value(after, "seminar_uploads_refused_total", reason=reason) - value(
            before, "seminar_uploads_refused_total", reason=reason
        )

    assert [refused("empty"), refused("old_word"), refused("mismatch"), refused("too_large")] == [1, 1, 1, 2]


async def test_the_outbox_the_builds_and_the_heartbeat_are_read_from_the_database(client: Client) -> None:
    seminar = await make_seminar()
    now = dt.datetime.now(dt.UTC)
    waiting = [await make_mail(to_address=f"person{n}@example.org") for n in range(3)]
    await OutboxMail.filter(id=waiting[0].id).update(created_at=now - dt.timedelta(minutes=45))
    await OutboxMail.filter(id=waiting[1].id).update(status=MailStatus.SENT, created_at=now - dt.timedelta(hours=5))
    failed_at = now - dt.timedelta(minutes=10)
    await make_proceedings_build(seminar, status=BuildStatus.FAILED, finished_at=failed_at, published=False)
    await make_proceedings_build(seminar, status=BuildStatus.FAILED, finished_at=now - dt.timedelta(days=2), published=False)
    await make_proceedings_build(seminar, status=BuildStatus.QUEUED, finished_at=None, published=False)
    await WorkerHeartbeat.create(name="host:1", started_at=now, beat_at=now - dt.timedelta(seconds=20))

    exposition = await scrape(client)

    assert value(exposition, "seminar_outbox_mails", status="pending") == 2
    assert value(exposition, "seminar_outbox_mails", status="sent") == 1
    # The oldest mail still waiting, not the older one already sent.
    assert 45 * 60 <= value(exposition, "seminar_outbox_oldest_unsent_seconds") < 46 * 60
    assert value(exposition, "seminar_proceedings_builds", status="failed") == 2
    assert value(exposition, "seminar_proceedings_builds", status="queued") == 1
    assert value(exposition, "seminar_proceedings_builds", status="running") == 0
    assert value(exposition, "seminar_proceedings_last_failure_timestamp_seconds") == pytest.approx(failed_at.timestamp(), abs=1)
    assert 20 <= value(exposition, "seminar_worker_last_heartbeat_seconds") < 30


async def test_nothing_waiting_reads_as_zero(client: Client) -> None:
    exposition = await scrape(client)

    assert value(exposition, "seminar_outbox_oldest_unsent_seconds") == 0
    assert "seminar_proceedings_last_failure_timestamp_seconds" not in exposition
    assert "seminar_worker_last_heartbeat_seconds" not in exposition


async def test_the_postgresql_pool_is_sampled_as_requests_arrive(client: Client, database: str) -> None:
    await client.get("/login")

    exposition = await scrape(client)

    if is_postgres(database):
        assert value(exposition, "seminar_db_pool_connections", state="max") == 5  # Tortoise's default pool
        assert value(exposition, "seminar_db_pool_connections", state="in_use") >= 0
        assert 'state="idle"' in exposition
    else:  # SQLite has no pool
        assert "seminar_db_pool_connections{" not in exposition


# ---------- Who may read it ----------


async def get_metrics(settings: Settings, client_address: tuple[str, int], **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=create_app(settings), client=client_address)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        return await client.get("/metrics", headers=headers)


async def test_metrics_answer_the_local_host_only_by_default(settings: Settings) -> None:
    local = await get_metrics(settings, ("127.0.0.1", 40000))
    local_v6 = await get_metrics(settings, ("::1", 40000))
    outside = await get_metrics(settings, OUTSIDE)

    assert local.status_code == 200 and local_v6.status_code == 200
    assert outside.status_code == 403
    assert "seminar_" not in outside.text and "METRICS_ALLOWED_IPS" in outside.text


async def test_configured_networks_may_read_them_and_the_local_host_then_not(settings: Settings) -> None:
    configured = replace(settings, metrics_allowed_ips=("203.0.113.0/24", "2001:db8::/32"))

    assert (await get_metrics(configured, OUTSIDE)).status_code == 200
    assert (await get_metrics(configured, ("2001:db8::7", 40000))).status_code == 200
    assert (await get_metrics(configured, ("198.51.100.1", 40000))).status_code == 403
    assert (await get_metrics(configured, ("127.0.0.1", 40000))).status_code == 403


async def test_the_token_opens_them_from_anywhere_and_nothing_else_does(settings: Settings) -> None:
    with_token = replace(settings, metrics_token="s3cret-scraper-token-0123456789")

    allowed = await get_metrics(with_token, OUTSIDE, authorization="Bearer s3cret-scraper-token-0123456789")
    wrong = await get_metrics(with_token, OUTSIDE, authorization="Bearer s3cret-scraper-token-0123456788")
    basic = await get_metrics(with_token, OUTSIDE, authorization="Basic s3cret-scraper-token-0123456789")
    # Without a token configured, an empty bearer opens nothing.
    empty = await get_metrics(settings, OUTSIDE, authorization="Bearer ")

    assert allowed.status_code == 200 and "seminar_http_requests_total" in allowed.text
    assert [wrong.status_code, basic.status_code, empty.status_code] == [403, 403, 403]


def test_a_mistyped_allowed_address_stops_the_site_instead_of_opening_metrics(settings: Settings) -> None:
    with pytest.raises(ValueError):
        create_app(replace(settings, metrics_allowed_ips=("10.0.0.300",)))


# ---------- Several processes, one scrape ----------

COUNT_REQUESTS = textwrap.dedent("""
    import sys
    from seminar.operations.metrics import LOGINS, observe_request
    for _ in range(int(sys.argv[1])):
        observe_request("accounts:login", "GET", 200, 0.02)
    LOGINS.labels("failure").inc()
""")
USE_DIRECTORY = textwrap.dedent("""
    import os
    from pathlib import Path
    from seminar.operations.multiprocess import use_directory
    use_directory(Path(os.environ.pop("PROMETHEUS_MULTIPROC_DIR")))
""")
SCRAPE = textwrap.dedent("""
    import sys
    from seminar.operations.metrics import DatabaseReading, exposition
    sys.stdout.write(exposition(DatabaseReading()).decode())
""")


def run_python(code: str, directory: Path, *arguments: str) -> str:
    environment = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(directory)}
    result = subprocess.run(
        [sys.executable, "-c", code, *arguments], cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True,
        timeout=patience(60), check=True,
    )
    return result.stdout


def test_processes_writing_to_one_directory_add_up_in_a_scrape_by_a_third(tmp_path: Path) -> None:
    run_python(COUNT_REQUESTS, tmp_path, "3")
    run_python(COUNT_REQUESTS, tmp_path, "4")

    exposition = run_python(SCRAPE, tmp_path)
    login = {"route": "accounts:login", "method": "GET"}
    assert value(exposition, "seminar_http_requests_total", status="200", **login) == 7
    assert value(exposition, "seminar_http_request_duration_seconds_count", **login) == 7
    assert value(exposition, "seminar_logins_total", outcome="failure") == 2
    assert len(list(tmp_path.glob("counter_*.db"))) >= 2  # one file per process

    # `seminar serve` starts by emptying the directory: a new run counts from zero.
    run_python(USE_DIRECTORY, tmp_path)
    assert value(run_python(SCRAPE, tmp_path), "seminar_http_requests_total", status="200", **login) == 0
