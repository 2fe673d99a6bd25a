"""Settings come from the environment or a `.env` file, once, into a frozen dataclass.

Nothing else in the code reads `os.environ`: `create_app(settings)` receives a `Settings`
and keeps it on `app.state.settings`; tests build `Settings(...)` directly.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.config import Config

if TYPE_CHECKING:  # imported where used: a command that converts nothing loads no multiprocessing
    from seminar.isolation import Limits

PROJECT_ROOT = Path(__file__).resolve().parent.parent
# What converting one upload may use by default (`isolation.Limits`): far above what a paper needs.
CONVERSION_SECONDS = 20
CONVERSION_MEMORY_MB = 1024
DEFAULT_DATA_DIR = PROJECT_ROOT / "data"

# Every setting with its default and a help line; the configuration table of docs/configuration.md
# is checked against this list by tests/test_project.py.
DOCUMENTED_SETTINGS: dict[str, str] = {
    "DATABASE_URL": "Database URL: sqlite://path or postgres://user@host:port/name",
    "SECRET_KEY": "Signs session cookies and tokens; generated into data/secret_key if absent",
    "BASE_URL": "Public address of the site, used for links in mail",
    "SMTP_HOST": "SMTP server; empty keeps mail in the outbox for organizers to read",
    "SMTP_PORT": "SMTP port",
    "SMTP_USER": "SMTP login, if the server wants one",
    "SMTP_PASSWORD": "SMTP password",
    "SMTP_TLS": "starttls, tls (implicit) or none",
    "MAIL_FROM": "Sender address of every mail",
    "SECURE_COOKIES": "Send the session cookie only over HTTPS (set true in production)",
    "RUN_WORKER": "Run the workers (mail, proceedings builds) inside the web process (false when they run apart)",
    "DATA_DIR": "Where the SQLite file, the generated secret key and the metrics files live",
    "DEFAULT_LOCALE": "Language for visitors with no preference: zh_Hans, zh_Hant or en",
    "TIME_ZONE": "Time zone of dates shown and typed",
    "UPLOAD_MAX_MB": "Largest manuscript upload accepted, in megabytes",
    "CONVERSION_SECONDS": "CPU time one manuscript conversion or spreadsheet import may take, in seconds",
    "CONVERSION_MEMORY_MB": "Memory one manuscript conversion or spreadsheet import may use, in megabytes",
    "SESSION_IDLE_MINUTES": "Sign out after this long without a request",
    "SESSION_MAX_HOURS": "Sign out this long after logging in, however active",
    "AUDIT_RETENTION_DAYS": "How long the audit log keeps its entries",
    "REQUIRE_TOTP_FOR_ORGANIZERS": "Organizers and site administrators must set up two-step verification before going on",
    "LOG_FORMAT": "text (one readable line per event) or json (one JSON object per line)",
    "TRUST_REQUEST_ID": "Take each request's id from the X-Request-ID header the reverse proxy sets",
    "CHANGE_NOTICES": "On PostgreSQL, keep who is asking per process until a change notice (false behind PgBouncer's transaction pooling)",
    "METRICS_ALLOWED_IPS": "Addresses or networks (comma-separated) that may read /metrics without the token",
    "METRICS_TOKEN": "Bearer token that opens /metrics from any address; empty: no token opens it",
}


def _secret_key(data_dir: Path) -> str:
    """Read the stored key, or generate one on first run so sessions survive restarts."""
    path = data_dir / "secret_key"
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key)
    path.chmod(0o600)
    return key


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://:memory:"
    secret_key: str = "insecure-test-key"
    base_url: str = "http://127.0.0.1:8000"
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_user: str = ""
    smtp_password: str = ""
    smtp_tls: str = "none"
    mail_from: str = "研讨班 <noreply@example.org>"
    secure_cookies: bool = False
    run_worker: bool = True
    data_dir: Path = DEFAULT_DATA_DIR
    default_locale: str = "zh_Hans"
    time_zone: str = "Asia/Shanghai"
    # Not from the environment: knobs tests turn.
    login_attempts_per_account: int = 5
    login_attempts_per_ip: int = 20
    login_window_seconds: int = 900
    # Registrations by visitors (each mails someone): per client address and per e-mail.
    registrations_per_ip: int = 10
    registrations_per_email: int = 3
    registration_window_seconds: int = 3600
    token_lifetime_hours: int = 72
    mail_retry_delays: tuple[int, ...] = field(default=(60, 300, 1800, 7200, 21600))
    mail_poll_seconds: float = 5.0
    upload_max_bytes: int = 20 * 1024 * 1024
    conversion_seconds: int = CONVERSION_SECONDS
    conversion_memory_bytes: int = CONVERSION_MEMORY_MB * 1024 * 1024
    session_idle_seconds: int = 2 * 3600
    session_max_seconds: int = 12 * 3600
    audit_retention_days: int = 180
    require_totp_for_organizers: bool = False
    # Between a right password and the code from the authenticator app.
    two_factor_pending_seconds: int = 300
    log_format: str = "text"
    trust_request_id: bool = False
    # On PostgreSQL, who is asking kept per process until a change notice (`seminar.listener`): needs LISTEN,
    # which PgBouncer's transaction pooling does not carry; false reads it anew for every request.
    change_notices: bool = True
    metrics_allowed_ips: tuple[str, ...] = ("127.0.0.1", "::1")
    metrics_token: str = ""

    @property
    def smtp_configured(self) -> bool:
        return bool(self.smtp_host)

    @property
    def conversion_limits(self) -> Limits:
        from seminar.isolation import Limits

        return Limits(cpu_seconds=self.conversion_seconds, memory_bytes=self.conversion_memory_bytes)

    @classmethod
    def from_environment(cls, env_file: str | Path = ".env") -> Settings:
        config = Config(env_file if Path(env_file).exists() else None)
        data_dir = Path(config("DATA_DIR", default=str(DEFAULT_DATA_DIR)))
        return cls(
            database_url=config(
                "DATABASE_URL", default=f"sqlite://{data_dir / 'seminar.sqlite3'}"
            ),
            secret_key=config("SECRET_KEY", default="") or _secret_key(data_dir),
            base_url=config("BASE_URL", default="http://127.0.0.1:8000").rstrip("/"),
            smtp_host=config("SMTP_HOST", default=""),
            smtp_port=config("SMTP_PORT", cast=int, default=25),
            smtp_user=config("SMTP_USER", default=""),
            smtp_password=config("SMTP_PASSWORD", default=""),
            smtp_tls=config("SMTP_TLS", default="none").lower(),
            mail_from=config("MAIL_FROM", default="研讨班 <noreply@example.org>"),
            secure_cookies=config("SECURE_COOKIES", cast=bool, default=False),
            run_worker=config("RUN_WORKER", cast=bool, default=True),
            data_dir=data_dir,
            default_locale=config("DEFAULT_LOCALE", default="zh_Hans"),
            time_zone=config("TIME_ZONE", default="Asia/Shanghai"),
            upload_max_bytes=config("UPLOAD_MAX_MB", cast=int, default=20) * 1024 * 1024,
            conversion_seconds=config("CONVERSION_SECONDS", cast=int, default=CONVERSION_SECONDS),
            conversion_memory_bytes=config("CONVERSION_MEMORY_MB", cast=int, default=CONVERSION_MEMORY_MB) * 1024 * 1024,
            session_idle_seconds=config("SESSION_IDLE_MINUTES", cast=int, default=120) * 60,
            session_max_seconds=config("SESSION_MAX_HOURS", cast=int, default=12) * 3600,
            audit_retention_days=config("AUDIT_RETENTION_DAYS", cast=int, default=180),
            require_totp_for_organizers=config("REQUIRE_TOTP_FOR_ORGANIZERS", cast=bool, default=False),
            log_format=config("LOG_FORMAT", default="text").lower(),
            trust_request_id=config("TRUST_REQUEST_ID", cast=bool, default=False),
            change_notices=config("CHANGE_NOTICES", cast=bool, default=True),
            metrics_allowed_ips=tuple(
                address.strip() for address in config("METRICS_ALLOWED_IPS", default="127.0.0.1,::1").split(",")
                if address.strip()
            ),
            metrics_token=config("METRICS_TOKEN", default=""),
        )
