"""`seminar doctor` as an operator runs it, and the same report on the site administrators' system page."""

from __future__ import annotations

import importlib.metadata
import os
import re
import subprocess
import sys
from pathlib import Path

from tortoise import connections

from seminar.config import PROJECT_ROOT
from seminar.db import is_postgres
from tests.conftest import Client
from tests.factories import make_organizer, make_seminar, make_user
from tests.patience import patience
from tests.proceedings.test_actions import _no_fonts


def doctor(database: str, tmp_path: Path, **environment: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "seminar.cli", "doctor"],
        cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=patience(120),
        env={**os.environ, "DATABASE_URL": database, "DATA_DIR": str(tmp_path), **environment},
    )


async def server_version(database: str) -> str:
    connection = connections.get("default")
    query = "SHOW server_version" if is_postgres(database) else "SELECT sqlite_version() AS version"
    [row] = await connection.execute_query_dict(query)
    return str(next(iter(row.values())))


def line_of(output: str, name: str) -> str:
    [line] = [line for line in output.splitlines() if re.match(rf"\s+{re.escape(name)}\s{{2,}}", line)]
    return line


async def test_doctor_lists_the_versions_that_matter_and_the_database_servers(database: str, tmp_path: Path) -> None:
    result = doctor(database, tmp_path)

    assert result.returncode == 0, result.stderr
    output = result.stdout
    assert line_of(output, "weasyprint").split()[-1] == importlib.metadata.version("weasyprint")
    assert line_of(output, "pydyf").split()[-1] == importlib.metadata.version("pydyf")
    assert line_of(output, "Python (CPython)").split()[-1] == ".".join(map(str, sys.version_info[:3]))
    for library in ("Pango", "HarfBuzz", "Fontconfig"):
        assert re.search(r"\s\d+\.\d+\.\d+$", line_of(output, library)), library
    assert "NotoSerifCJK" in line_of(output, "Noto Serif CJK SC")
    assert "libharfbuzz-subset0" in output or not Path("/usr/bin/dpkg-query").exists()
    database_line = line_of(output, "PostgreSQL server" if is_postgres(database) else "SQLite")
    assert database_line.split(maxsplit=2 if is_postgres(database) else 1)[-1].strip() == await server_version(database)


def test_doctor_names_what_is_missing_and_fails(database: str, tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    _no_fonts(monkeypatch, tmp_path)

    result = doctor(database, tmp_path, FONTCONFIG_FILE=os.environ["FONTCONFIG_FILE"])

    assert result.returncode == 1
    assert line_of(result.stdout, "Noto Sans CJK TC").split()[-1] == "missing"
    assert "Missing: Noto Serif CJK SC, Noto Sans CJK SC, Noto Serif CJK TC, Noto Sans CJK TC." in result.stderr


async def test_site_administrators_read_readiness_and_versions_on_the_system_page(client: Client) -> None:
    await make_user(email="admin@example.org", is_admin=True)
    await client.login("admin@example.org")

    home = await client.get("/")
    page = await client.get("/manage/system")

    assert '/manage/system">系统</a>' in home.text
    assert page.status_code == 200
    assert "就绪检查" in page.text and "论文集字体" in page.text
    assert "no worker has reported" in page.text  # no worker runs in the tests: the check says so
    assert importlib.metadata.version("weasyprint") in page.text and "HarfBuzz" in page.text
    assert "Noto Serif CJK SC" in page.text and "数据库服务器" in page.text


async def test_nobody_else_sees_the_system_page_or_its_link(client: Client) -> None:
    seminar = await make_seminar()
    organizer = await make_organizer(seminar)
    anonymous = await client.get("/manage/system")
    await client.login(organizer.email)

    home = await client.get("/")
    refused = await client.get("/manage/system")

    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("http://testserver/login")
    assert refused.status_code == 403 and "HarfBuzz" not in refused.text
    assert "/manage/system" not in home.text
