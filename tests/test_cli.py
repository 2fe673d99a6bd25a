"""The `seminar` command, run as an operator runs it: a separate process on a fresh SQLite file."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from openpyxl import load_workbook

from seminar.accounts.passwords import verify_password
from seminar.accounts.units import people_unit_order
from seminar.config import PROJECT_ROOT

from tests.patience import patience


def run_seminar(data_dir: Path, *args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite://{data_dir / 'site.sqlite3'}",
        "DATA_DIR": str(data_dir),
    }
    return subprocess.run(
        [sys.executable, "-m", "seminar.cli", *args],
        cwd=PROJECT_ROOT,
        env=environment,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=patience(120),
    )


def query(data_dir: Path, sql: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(data_dir / "site.sqlite3") as connection:
        return connection.execute(sql).fetchall()


def test_migrate_creates_every_table_on_an_empty_database_and_can_run_again(tmp_path: Path) -> None:
    first = run_seminar(tmp_path, "migrate")
    second = run_seminar(tmp_path, "migrate")

    assert first.returncode == 0, first.stderr
    assert second.returncode == 0, second.stderr
    assert "Migrations applied" in first.stdout
    tables = {name for (name,) in query(tmp_path, "SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"unit", "user", "role", "seminar", "topic", "outbox_mail", "tortoise_migrations"} <= tables
    assert query(tmp_path, "SELECT count(*) FROM seminar") == [(0,)]


def test_createadmin_creates_an_administrator_who_can_log_in(tmp_path: Path) -> None:
    run_seminar(tmp_path, "migrate")

    result = run_seminar(tmp_path, "createadmin", "--email", "Admin@Example.org", "--name", "系统管理员", "--password", "a-long-password")

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "Administrator admin@example.org created."
    [(name, is_admin, password_hash)] = query(tmp_path, "SELECT name, is_admin, password_hash FROM user")
    assert (name, is_admin) == ("系统管理员", 1)
    assert verify_password(str(password_hash), "a-long-password")


def test_createadmin_again_updates_the_same_account(tmp_path: Path) -> None:
    run_seminar(tmp_path, "migrate")
    run_seminar(tmp_path, "createadmin", "--email", "admin@example.org", "--name", "甲", "--password", "first-password")

    result = run_seminar(tmp_path, "createadmin", "--email", "admin@example.org", "--name", "乙", "--password", "second-password")

    assert result.stdout.strip() == "Administrator admin@example.org updated."
    [(name, password_hash)] = query(tmp_path, "SELECT name, password_hash FROM user")
    assert name == "乙"
    assert verify_password(str(password_hash), "second-password")


def test_createadmin_asks_for_the_password_and_refuses_a_short_or_easy_one(tmp_path: Path) -> None:
    run_seminar(tmp_path, "migrate")

    short = run_seminar(tmp_path, "createadmin", "--email", "a@example.org", "--name", "甲", "--password", "short")
    easy = run_seminar(tmp_path, "createadmin", "--email", "a@example.org", "--name", "系统管理员", "--password", "xitongguanliyuan1")
    prompted = run_seminar(
        tmp_path, "createadmin", "--email", "b@example.org", "--name", "王芳",
        stdin="wangfang1990\nwangfang1990\ntyped-password\ntyped-password\n",
    )

    assert short.returncode == 2
    assert "at least 10 characters" in short.stderr
    assert easy.returncode == 2
    assert "This password is too easy to guess. It contains your name" in easy.stderr
    assert prompted.returncode == 0, prompted.stderr
    assert "This password is too easy to guess." in prompted.stdout  # asked again after the first
    [(email, password_hash)] = query(tmp_path, "SELECT email, password_hash FROM user")
    assert email == "b@example.org"
    assert verify_password(str(password_hash), "typed-password")


def test_demo_on_an_empty_database_migrates_and_builds_the_demo_seminar(tmp_path: Path) -> None:
    result = run_seminar(tmp_path, "demo", "--password", "another-password")

    assert result.returncode == 0, result.stderr
    assert "Demo seminar 'gd-2021' ready: 6 topics, 34 accounts, 46 papers." in result.stdout
    assert "Check people in (签到) as staff@example.org (工作人员)" in result.stdout
    # A seminar that ended in 2021 leaves nothing queued in the outbox.
    assert query(tmp_path, "SELECT COUNT(*) FROM outbox_mail m JOIN seminar s ON s.id = m.seminar_id "
                           "WHERE s.slug = 'gd-2021' AND m.status != 'sent'") == [(0,)]
    assert "Agenda published as v1." in result.stdout
    [(password_hash,)] = query(tmp_path, "SELECT password_hash FROM user WHERE email = 'shenzhen@example.org'")
    assert verify_password(str(password_hash), "another-password")
    assert re.search(r"Proceedings published: \d{3,} pages\.", result.stdout)
    [(published,)] = query(tmp_path, "SELECT COUNT(*) FROM proceedings_build WHERE published")
    assert published == 1

    # Nothing changed since the demo's build: the command finds it and writes it out at once.
    book = tmp_path / "book.pdf"
    rebuilt = run_seminar(tmp_path, "proceedings", "build", "gd-2021", "--out", str(book))

    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "Nothing changed since the last build" in rebuilt.stdout
    assert book.read_bytes().startswith(b"%PDF-")
    assert query(tmp_path, "SELECT COUNT(*) FROM proceedings_build") == [(1,)]

    # The 会议手册 of the demo: built from the command line, a recorded build of its own kind, not published.
    handbook_path = tmp_path / "handbook.pdf"
    handbook = run_seminar(tmp_path, "handbook", "build", "--seminar", "gd-2021", "--out", str(handbook_path))

    assert handbook.returncode == 0, handbook.stderr
    assert handbook_path.read_bytes().startswith(b"%PDF-")
    assert query(tmp_path, "SELECT published FROM proceedings_build WHERE kind = 'handbook'") == [(0,)]

    # The demo issued the certificates of its awards and of those who checked in: the command issues none
    # again and writes them all as one zip of PDFs.
    archive_path = tmp_path / "certificates.zip"
    certificates = run_seminar(tmp_path, "certificates", "build", "--seminar", "gd-2021", "--out", str(archive_path))
    again = run_seminar(tmp_path, "certificates", "build", "--seminar", "gd-2021", "--out", str(archive_path))

    assert certificates.returncode == 0, certificates.stderr
    [(awarded,)] = query(tmp_path, "SELECT COUNT(*) FROM review_decision WHERE award IS NOT NULL")
    [(issued,)] = query(tmp_path, "SELECT COUNT(*) FROM certificate WHERE kind = 'award'")
    assert issued == awarded > 0
    [(valid,)] = query(tmp_path, "SELECT COUNT(*) FROM certificate")
    [(checked_in,)] = query(tmp_path, "SELECT COUNT(DISTINCT user_id) FROM checkin")
    assert valid == awarded + checked_in
    assert certificates.stdout.startswith(f"0 certificates issued; {valid} valid in all.")
    assert again.stdout.startswith("0 certificates issued;")
    names = zipfile.ZipFile(archive_path).namelist()
    assert len(names) == valid and all(name.startswith(("荣誉证书-", "参会证明-")) and name.endswith(".pdf") for name in names)

    # The 参会回执 of everyone registered, as the organizers' download has it: by unit in the official order.
    workbook_path = tmp_path / "participants.xlsx"
    export = run_seminar(tmp_path, "registration", "export", "--seminar", "gd-2021", "--out", str(workbook_path))

    assert export.returncode == 0, export.stderr
    [(registered,)] = query(tmp_path, "SELECT COUNT(*) FROM registration r JOIN seminar s ON s.id = r.seminar_id "
                                      "WHERE s.slug = 'gd-2021'")
    assert export.stdout.strip() == f"{registered} registrations written to {workbook_path}"
    rows = [[cell.value for cell in row] for row in load_workbook(workbook_path).active.iter_rows()]
    assert rows[1][:3] == ["序号", "单位", "姓名"] and rows[1][12] == "住宿"
    assert [row[0] for row in rows[2:]] == list(range(1, registered + 1))
    units = [row[1] for row in rows[2:]]
    order = {name: people_unit_order(kind, sort_order) for name, kind, sort_order in query(tmp_path, "SELECT name, kind, sort_order FROM unit")}
    assert [order[unit] for unit in units] == sorted(order[unit] for unit in units)  # 省直单位, then cities in official order

    badges = run_seminar(tmp_path, "certificates", "badges", "--seminar", "gd-2021", "--out-dir", str(tmp_path / "print"))

    assert badges.returncode == 0, badges.stderr
    assert (tmp_path / "print" / "badges.pdf").read_bytes().startswith(b"%PDF-")
    assert (tmp_path / "print" / "table-cards.pdf").read_bytes().startswith(b"%PDF-")


def test_proceedings_build_of_an_unknown_seminar_says_so(tmp_path: Path) -> None:
    run_seminar(tmp_path, "migrate")

    result = run_seminar(tmp_path, "proceedings", "build", "no-such-seminar")

    assert result.returncode == 2
    assert "no-such-seminar" in result.stderr + result.stdout


def test_handbook_build_of_an_unknown_seminar_says_so(tmp_path: Path) -> None:
    run_seminar(tmp_path, "migrate")

    result = run_seminar(tmp_path, "handbook", "build", "--seminar", "no-such-seminar")

    assert result.returncode == 2
    assert "no-such-seminar" in result.stderr


def test_registration_export_of_an_unknown_seminar_says_so_and_writes_nothing(tmp_path: Path) -> None:
    run_seminar(tmp_path, "migrate")

    result = run_seminar(tmp_path, "registration", "export", "--seminar", "no-such-seminar", "--out", str(tmp_path / "a.xlsx"))

    assert result.returncode == 2
    assert "No seminar 'no-such-seminar'." in result.stderr
    assert not (tmp_path / "a.xlsx").exists()


def test_seats_of_an_unknown_seminar_says_so_and_writes_nothing(tmp_path: Path) -> None:
    run_seminar(tmp_path, "migrate")

    result = run_seminar(tmp_path, "seats", "--seminar", "no-such-seminar", "--out-dir", str(tmp_path / "out"))

    assert result.returncode == 2
    assert "No seminar 'no-such-seminar'." in result.stderr
    assert not (tmp_path / "out").exists()


def test_units_creates_the_cities_and_zones(tmp_path: Path) -> None:
    run_seminar(tmp_path, "migrate")

    result = run_seminar(tmp_path, "units")

    assert result.returncode == 0, result.stderr
    assert query(tmp_path, "SELECT count(*) FROM unit WHERE kind = 'city'") == [(21,)]
    assert query(tmp_path, "SELECT count(*) FROM unit WHERE name = '横琴粤澳深度合作区'") == [(1,)]
