"""The site's metrics, in the Prometheus text format at /metrics.

Counters and histograms are counted where things happen (a request, a login, a refused upload, a
mail handed to the SMTP server, a finished build). Under `seminar serve`, every uvicorn worker
process writes them to files in one directory (see `multiprocess`), and the process that answers a
scrape adds up all the files. What the database knows (the outbox, the builds, the workers'
heartbeats) is read when the scrape asks, by whichever process answers it: it is the same for all
of them. docs/operations.md lists the metrics and the alerts they serve.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from prometheus_client import (
    REGISTRY, CollectorRegistry, Counter, Gauge, Histogram, disable_created_metrics, generate_latest,
)
from prometheus_client.metrics_core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector, mark_process_dead
from tortoise import connections

from seminar.operations.multiprocess import directory_in_use

disable_created_metrics()  # the `_created` series double every counter, and no alert needs them

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
UNMATCHED = "unmatched"  # the route label of a request no route answered (404, 405)

REQUESTS = Counter(
    "seminar_http_requests", "Requests answered, by route name, method and status code", ["route", "method", "status"]
)
REQUEST_SECONDS = Histogram(
    "seminar_http_request_duration_seconds", "Time from the request's arrival to the end of its answer, by route",
    ["route", "method"], buckets=(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30),
)
# Sampled as each request arrives, per process; "livesum" adds up the processes that are running.
DB_POOL = Gauge(
    "seminar_db_pool_connections", "PostgreSQL connections of the app processes' pools: in use, idle, and the pools' limit",
    ["state"], multiprocess_mode="livesum",
)
LOGINS = Counter(
    "seminar_logins", "Login steps by outcome: success (signed in), failure (wrong password or code)", ["outcome"]
)
LOCKOUTS = Counter("seminar_login_lockouts", "Login attempts refused unread: too many recent failures for the account or address")
UPLOADS_REFUSED = Counter("seminar_uploads_refused", "Manuscript uploads refused, by reason", ["reason"])
MAIL_DELIVERIES = Counter(
    "seminar_mail_deliveries", "Tries at sending a mail: sent, retry (tried again later) or failed (given up)", ["outcome"]
)
BUILD_SECONDS = Histogram(
    "seminar_proceedings_build_duration_seconds", "Time a 论文集 build took, from its claim to its end, by outcome",
    ["outcome"], buckets=(5, 10, 30, 60, 120, 300, 600, 1200),
)


# Each (route, method, status)'s two series, found once: `labels()` takes a lock and builds keys
# every time, a third of what counting a request cost.
_request_series: dict[tuple[str | None, str, int], tuple[Any, Any]] = {}


def observe_request(route: str | None, method: str, status: int, seconds: float) -> None:
    series = _request_series.get((route, method, status))
    if series is None:
        label = route or UNMATCHED
        series = REQUESTS.labels(label, method, str(status)), REQUEST_SECONDS.labels(label, method)
        _request_series[(route, method, status)] = series
    series[0].inc()
    series[1].observe(seconds)


# The pool gauges' three series, found once, and the reading they were last set to: a request finds the
# pool as the one before left it far more often than not, and setting a gauge takes a lock and a write.
_pool_series: tuple[Any, Any, Any] | None = None
_pool_reading: tuple[int, int, int] | None = None


def sample_pool() -> None:
    """This process's PostgreSQL pool as it is now (SQLite has none)."""
    global _pool_series, _pool_reading
    try:
        client = connections.get("default")
    except Exception:  # noqa: BLE001  # before the ORM starts or after it stopped: nothing to sample
        return
    # Tortoise keeps asyncpg's pool private; asyncpg's own methods say how it is used.
    pool = getattr(client, "_pool", None)
    if pool is None or not hasattr(pool, "get_idle_size"):
        return
    size, idle = pool.get_size(), pool.get_idle_size()
    reading = (size - idle, idle, pool.get_max_size())
    if reading == _pool_reading:
        return
    if _pool_series is None:
        _pool_series = (DB_POOL.labels("in_use"), DB_POOL.labels("idle"), DB_POOL.labels("max"))
    for series, value in zip(_pool_series, reading, strict=True):
        series.set(value)
    _pool_reading = reading


# ---------- Processes ----------


def process_stopping() -> None:
    """A process that stops takes its gauges with it (its counters stay counted)."""
    global _pool_reading
    _pool_reading = None  # an app started again in this process (tests) sets its gauges anew
    if directory := directory_in_use():
        mark_process_dead(os.getpid(), directory)


# ---------- A scrape ----------


@dataclass(frozen=True)
class DatabaseReading:
    """What the database says when the scrape asks."""

    mails: dict[str, int] = field(default_factory=dict)  # by status
    oldest_unsent_mail_seconds: float = 0.0
    builds: dict[str, int] = field(default_factory=dict)  # by status
    last_build_failure: float | None = None  # Unix time
    last_heartbeat_seconds: float | None = None  # age of the freshest worker heartbeat


class _Reading:
    def __init__(self, reading: DatabaseReading) -> None:
        self.reading = reading

    def collect(self) -> Iterator[Metric]:
        reading = self.reading
        mails = GaugeMetricFamily("seminar_outbox_mails", "Mail in the outbox, by status", labels=["status"])
        for status, count in sorted(reading.mails.items()):
            mails.add_metric([status], count)
        yield mails
        yield GaugeMetricFamily(
            "seminar_outbox_oldest_unsent_seconds", "Age of the oldest mail waiting to be sent (pending or sending); 0 when none",
            value=reading.oldest_unsent_mail_seconds,
        )
        builds = GaugeMetricFamily("seminar_proceedings_builds", "论文集 builds, by status", labels=["status"])
        for status, count in sorted(reading.builds.items()):
            builds.add_metric([status], count)
        yield builds
        if reading.last_build_failure is not None:
            yield GaugeMetricFamily(
                "seminar_proceedings_last_failure_timestamp_seconds", "When the last 论文集 build failed (Unix time)",
                value=reading.last_build_failure,
            )
        if reading.last_heartbeat_seconds is not None:
            yield GaugeMetricFamily(
                "seminar_worker_last_heartbeat_seconds", "Age of the freshest heartbeat of any worker",
                value=reading.last_heartbeat_seconds,
            )


class _ThisProcess:
    """Without the multiprocess directory (one process: tests, a worker alone): the default registry."""

    def collect(self) -> Iterable[Metric]:
        return REGISTRY.collect()


def exposition(reading: DatabaseReading) -> bytes:
    """The scrape's answer: every process's counts and the database's reading."""
    registry = CollectorRegistry()
    if directory := directory_in_use():
        MultiProcessCollector(registry, path=directory)
    else:
        registry.register(_ThisProcess())
    registry.register(_Reading(reading))
    return generate_latest(registry)


# ---------- Who may scrape ----------

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def allowed_networks(addresses: Iterable[str]) -> tuple[Network, ...]:
    """METRICS_ALLOWED_IPS parsed once, at start-up: a typo stops the site instead of opening /metrics."""
    return tuple(ipaddress.ip_network(address, strict=False) for address in addresses)


def may_scrape(client_host: str | None, authorization: str, networks: tuple[Network, ...], token: str) -> bool:
    """From an allowed address, or with `Authorization: Bearer <METRICS_TOKEN>`."""
    scheme, _space, offered = authorization.partition(" ")
    if token and scheme.lower() == "bearer" and hmac.compare_digest(offered.strip().encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(client_host or "")
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in networks)
