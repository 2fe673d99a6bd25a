"""The `seminar` command: setup, serve, migrate, worker, createadmin, units, proceedings, handbook, certificates,
registration, seats, demo, docs-images, backup, restore, doctor.

Output is for operators and stays in plain English. Settings come from the environment
(or `.env`) through `Settings.from_environment()`, as for the web app.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import getpass
import os
import signal
import sys
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from tortoise import Tortoise

from seminar.config import Settings
from seminar.db import tortoise_config
from seminar.operations import logs, multiprocess

if TYPE_CHECKING:  # imported where used, so a command loads only what it needs
    from seminar.accounts.password_rules import PasswordOwner
    from seminar.proceedings.models import ProceedingsBuild
    from seminar.seminars.models import Seminar

# Idle keep-alive connections stay open this long, longer than a reverse proxy keeps its own
# (nginx: 60 s). With uvicorn's 5 s, a worker that stalls under load closes a connection the
# next request has already arrived on: the client gets a reset (bench/load.py saw it at sign-in).
KEEP_ALIVE_SECONDS = 75
# How long uvicorn waits for a worker process to answer its health check before it kills the
# worker and starts another. uvicorn's 5 s is shorter than a new process takes to import the app
# on a busy machine (load 10 on two cores): every worker was killed before it started, forever.
WORKER_HEALTHCHECK_SECONDS = 60


async def _with_database(settings: Settings, work: Callable[[], Awaitable[None]]) -> None:
    """Open the ORM on the configured database for `work`, and close it whatever happens."""
    await Tortoise.init(config=tortoise_config(settings.database_url))
    gc.freeze()  # the modules and models live as long as the command: no collection walks them again
    try:
        await work()
    finally:
        await Tortoise.close_connections()


def _on_seminar(settings: Settings, slug: str, work: Callable[[Seminar], Awaitable[int]]) -> int:
    """Run `work` on the seminar `slug` with the ORM open: its exit code, or 2 when there is no such seminar."""
    from seminar.seminars.models import Seminar

    outcome: list[int] = []

    async def run() -> None:
        seminar = await Seminar.get_or_none(slug=slug)
        if seminar is None:
            print(f"No seminar '{slug}'.", file=sys.stderr)
            outcome.append(2)
        else:
            outcome.append(await work(seminar))

    asyncio.run(_with_database(settings, run))
    return outcome[0]


async def apply_migrations(database_url: str) -> None:
    from tortoise.migrations.api import migrate

    try:
        await migrate(config=tortoise_config(database_url))
    finally:
        await Tortoise.close_connections()


def cmd_setup(args: argparse.Namespace, settings: Settings) -> int:
    from seminar.system import compile_bytecode, ensure_system_packages

    if not ensure_system_packages():
        return 1
    print("System packages: all present.")
    compile_bytecode()
    print("Python bytecode: compiled (each command and server process starts without compiling).")
    from seminar.i18n import compile_catalogs

    compile_catalogs()
    print("Translations: compiled (each process reads them without parsing the .po files).")
    return 0


def cmd_migrate(args: argparse.Namespace, settings: Settings) -> int:
    asyncio.run(apply_migrations(settings.database_url))
    print(f"Migrations applied to {_safe_url(settings.database_url)}")
    return 0


def _base_url_configured(env_file: str = ".env") -> bool:
    if "BASE_URL" in os.environ:
        return True
    path = Path(env_file)
    return path.exists() and any(
        line.strip().startswith("BASE_URL=") for line in path.read_text(encoding="utf-8").splitlines()
    )


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE

    from seminar.operations import server

    # First: nothing may count a metric before every process knows where to write it.
    multiprocess.use_directory(multiprocess.metrics_directory(settings.data_dir))
    if not args.no_migrate:
        cmd_migrate(args, settings)
    host_in_url = "127.0.0.1" if args.host in ("0.0.0.0", "::") else args.host
    address = f"http://{host_in_url}:{args.port}"
    if not _base_url_configured():
        # Links in mail should open the site just served; uvicorn's workers read the environment.
        os.environ["BASE_URL"] = address
    print(f"Serving on {address}/ (Ctrl+C to stop)", flush=True)
    # An import string, not an app object: each worker process imports the app itself.
    config = uvicorn.Config(
        "seminar.asgi:app", host=args.host, port=args.port, workers=args.workers, proxy_headers=True,
        timeout_keep_alive=KEEP_ALIVE_SECONDS, timeout_worker_healthcheck=WORKER_HEALTHCHECK_SECONDS,
        log_config=logs.logging_config(settings.log_format), access_log=False,
    )
    if config.workers > 1:
        server.Supervisor(config).run()
        return 0
    single = server.Server(config)
    single.run()
    return 0 if single.started else STARTUP_FAILURE


def cmd_worker(args: argparse.Namespace, settings: Settings) -> int:
    from seminar.operations.background import run_workers

    async def work() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for signum in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(signum, stop.set)
        mode = "sending via " + settings.smtp_host if settings.smtp_configured else "no SMTP_HOST: mail stays in the outbox"
        print(f"Worker running: mail ({mode}) and proceedings builds; Ctrl+C to stop.", flush=True)
        await run_workers(settings, stop)

    asyncio.run(_with_database(settings, work))
    print("Worker stopped.")
    return 0


def cmd_proceedings_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build the book now, in this process, as a recorded build; stages are printed as they begin."""
    from seminar.proceedings.actions import build_now

    return _build_command(
        settings, args.slug, args.out,
        lambda seminar, worker, progress: build_now(seminar, args.topic, worker, progress=progress),
    )


def cmd_handbook_build(args: argparse.Namespace, settings: Settings) -> int:
    """Build the 会议手册 now, in this process, as a recorded build (publish it on the organizers' page)."""
    from seminar.handbook.actions import build_now

    return _build_command(
        settings, args.seminar, args.out,
        lambda seminar, worker, progress: build_now(seminar, worker, progress=progress),
    )


def _build_command(
    settings: Settings, slug: str, out: str | None,
    build: Callable[[Seminar, str, Callable[[str], None]], Awaitable[ProceedingsBuild]],
) -> int:
    """Run one book or 会议手册 build in this process, printing its stages; the exit code (2: no such seminar)."""
    import time

    from seminar.errors import UserError
    from seminar.proceedings.models import BuildStatus
    from seminar.proceedings.parts import use_data_dir
    from seminar.submissions.models import Blob
    from seminar.workers import default_worker_name

    started = time.perf_counter()
    use_data_dir(settings.data_dir)  # the book keeps its parts there: the next build lays out only what changed

    def progress(stage: str) -> None:
        print(f"[{time.perf_counter() - started:6.1f} s] {stage}", flush=True)

    async def work(seminar: Seminar) -> int:
        try:
            done = await build(seminar, "cli:" + default_worker_name(), progress)
        except UserError as error:
            print(error.message, file=sys.stderr)
            return 1
        if done.status != BuildStatus.DONE:
            print(f"Build #{done.id} failed: {done.error}", file=sys.stderr)
            return 1
        for number, reason in done.failed_papers.items():
            print(f"Paper #{number} replaced by a notice: {reason}")
        print(f"Build #{done.id}: {done.pages} pages, {done.size} bytes.")
        if out:
            blob = await Blob.get(sha256=done.blob_id)
            Path(out).write_bytes(bytes(blob.content))
            print(f"Written to {out}")
        return 0

    return _on_seminar(settings, slug, work)


def cmd_certificates_build(args: argparse.Namespace, settings: Settings) -> int:
    """Issue the certificates due (awarded papers, approved attendees) and write them all as one zip."""
    from seminar.certificates import actions, queries
    from seminar.certificates.document import render_pdfs, zip_of

    async def work(seminar: Seminar) -> int:
        issued = await actions.issue_certificates(seminar, None)
        valid = [c for c in await queries.certificates_of(seminar) if c.is_valid]
        print(f"{issued} certificates issued; {len(valid)} valid in all.")
        specs = await queries.specs_for(seminar, valid, settings.base_url)
        out = Path(args.out or f"{seminar.slug}-certificates.zip")
        pdfs = render_pdfs(specs)
        out.write_bytes(zip_of([(queries.file_name(c), pdf) for c, pdf in zip(valid, pdfs, strict=True)]))
        print(f"Written to {out}")
        return 0

    return _on_seminar(settings, args.seminar, work)


def cmd_registration_export(args: argparse.Namespace, settings: Settings) -> int:
    """Write a seminar's 参会人员名单 with the 回执, in the official unit order: the organizers' download."""
    from seminar.registration import queries
    from seminar.registration.export import participants_xlsx

    async def work(seminar: Seminar) -> int:
        rows, modes = await queries.participant_rows(seminar)
        out = Path(args.out or f"{seminar.slug}-participants.xlsx")
        out.write_bytes(participants_xlsx(seminar.title, rows, modes))
        print(f"{len(rows)} registrations written to {out}")
        return 0

    return _on_seminar(settings, args.seminar, work)


def cmd_certificates_badges(args: argparse.Namespace, settings: Settings) -> int:
    """Write the 参会证 and 桌签 PDFs of a seminar into a folder."""
    from seminar.certificates import badges, queries
    from seminar.certificates.document import render_sheets
    from seminar.checkin import queries as checkin_queries

    async def work(seminar: Seminar) -> int:
        people = await queries.badge_people(seminar, settings.secret_key, settings.base_url)
        folder = Path(args.out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        context = badges.title_context(seminar.title)
        (folder / "badges.pdf").write_bytes(
            render_sheets("badges.html", "badges.css", {**context, "sheets": badges.sheets(people)})
        )
        (folder / "table-cards.pdf").write_bytes(
            render_sheets("table_cards.html", "table_cards.css", {**context, "cards": badges.table_cards(people)})
        )
        days = await checkin_queries.days_of(seminar)
        for day in days:  # 签到表, one a day, for those who prefer paper
            (folder / f"signin-sheet-{day.isoformat()}.pdf").write_bytes(
                render_sheets("signin_sheet.html", "signin_sheet.css", await checkin_queries.sheet_context(seminar, day))
            )
        print(f"{len(people)} people: badges.pdf, table-cards.pdf and {len(days)} sign-in sheets written to {folder}")
        return 0

    return _on_seminar(settings, args.seminar, work)


def _password_problem(password: str, confirmation: str, owner: PasswordOwner) -> str | None:
    """The site's password rules, in the operators' English."""
    from seminar.accounts.password_rules import password_problem
    from seminar.i18n import use_locale

    with use_locale("en"):
        return password_problem(password, confirmation, owner)


def _ask_password(owner: PasswordOwner) -> str:
    while True:
        first = getpass.getpass("Password: ")
        if problem := _password_problem(first, getpass.getpass("Password again: "), owner):
            print(problem)
            continue
        return first


def cmd_createadmin(args: argparse.Namespace, settings: Settings) -> int:
    from seminar.accounts.models import User
    from seminar.accounts.password_rules import PasswordOwner
    from seminar.accounts.passwords import hash_password
    from seminar.accounts.people import AddressError, canonical_email

    try:
        email = canonical_email(args.email)
    except AddressError as error:
        print(error.message, file=sys.stderr)
        return 2
    owner = PasswordOwner(name=args.name, email=email)
    if args.password is None:
        password = _ask_password(owner)
    elif problem := _password_problem(args.password, args.password, owner):
        print(problem, file=sys.stderr)
        return 2
    else:
        password = args.password
    outcome: list[str] = []

    async def work() -> None:
        user, created = await User.get_or_create(
            email=email, defaults={"name": args.name, "is_admin": True, "password_hash": hash_password(password)}
        )
        if not created:
            user.name = args.name
            user.is_admin = True
            user.is_active = True
            user.password_hash = hash_password(password)
            user.session_epoch += 1  # sessions opened with the old password end
            await user.save(update_fields=["name", "is_admin", "is_active", "password_hash", "session_epoch"])
        outcome.append("created" if created else "updated")

    asyncio.run(_with_database(settings, work))
    print(f"Administrator {email} {outcome[0]}.")
    return 0


def cmd_units(args: argparse.Namespace, settings: Settings) -> int:
    from seminar.accounts.actions import ensure_units
    from seminar.accounts.models import Unit

    counts: list[int] = []

    async def work() -> None:
        await ensure_units()
        counts.append(await Unit.all().count())

    asyncio.run(_with_database(settings, work))
    print(f"Units in place: {counts[0]}.")
    return 0


def cmd_seats(args: argparse.Namespace, settings: Settings) -> int:
    """Write a seminar's 座次表 (plan PDF) and 座次名单 (PDF and .xlsx); --generate seats everyone first."""
    from seminar.certificates.document import render_sheets
    from seminar.seating import actions, printing, queries
    from seminar.seating.export import seat_list_xlsx

    async def work(seminar: Seminar) -> int:
        if args.generate:
            plan = await queries.plan_of(seminar)
            unseated = await actions.generate_plan(seminar, plan.version, overwrite_moves=True)
            if unseated:
                print(f"{len(unseated)} people have no seat: the hall is full.", file=sys.stderr)
        view = await queries.plan_view(seminar)
        folder = Path(args.out_dir)
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "seat-plan.pdf").write_bytes(
            render_sheets("plan.html", "plan.css", printing.plan_context(seminar, view), area="seating")
        )
        (folder / "seat-list.pdf").write_bytes(
            render_sheets("list.html", "list.css", printing.list_context(seminar, view), area="seating")
        )
        (folder / "seat-list.xlsx").write_bytes(seat_list_xlsx(printing.title_of(seminar, view), queries.seat_list(view)))
        print(f"{len(view.seat_of)} seated, {len(view.unseated)} without a seat: "
              f"seat-plan.pdf, seat-list.pdf and seat-list.xlsx written to {folder}")
        return 0

    return _on_seminar(settings, args.seminar, work)


def cmd_demo(args: argparse.Namespace, settings: Settings) -> int:
    from seminar.demo import build_demo

    if not args.no_migrate:
        asyncio.run(apply_migrations(settings.database_url))
    lines: list[str] = []

    async def work() -> None:
        summary = await build_demo(args.password, base_url=settings.base_url, proceedings=not args.no_proceedings)
        lines.append(
            f"Demo seminar '{summary.seminar.slug}' ready: {summary.topics} topics, {summary.people} accounts, "
            f"{summary.papers} papers."
        )
        if summary.overlap_checks:
            lines.append(f"Overlap check (查重): {summary.overlap_checks} papers checked.")
        if summary.agenda_release:
            lines.append(f"Agenda published as v{summary.agenda_release}.")
        if summary.proceedings_pages:
            lines.append(f"Proceedings published: {summary.proceedings_pages} pages.")
        if summary.live is not None:
            lines.append(f"Demo seminar '{summary.live.slug}' open for submissions until "
                         f"{summary.live.submission_deadline:%Y-%m-%d}.")

    asyncio.run(_with_database(settings, work))
    print("\n".join(lines))
    print(f"Log in as organizer@example.org with the password '{args.password}'.")
    print("Check people in (签到) as staff@example.org (工作人员), with the same password, at /gd-2021/checkin.")
    return 0


def cmd_docs_images(args: argparse.Namespace, settings: Settings) -> int:
    """The pictures of the printed book and agenda in docs/images, from the demo (see seminar.docs_images)."""
    import dataclasses
    import tempfile

    from seminar.docs_images import write_docs_images

    written: list[Path] = []

    def run(chosen: Settings) -> None:
        asyncio.run(apply_migrations(chosen.database_url))

        async def work() -> None:
            written.extend(await write_docs_images(chosen, Path(args.out)))

        asyncio.run(_with_database(chosen, work))

    if args.here:
        run(settings)
    else:
        # A fresh database: the pictures show the demo as built, never what someone changed in it.
        with tempfile.TemporaryDirectory(prefix="seminar-docs-images-") as folder:
            run(dataclasses.replace(settings, database_url=f"sqlite://{Path(folder) / 'demo.sqlite3'}", data_dir=Path(folder)))
    for path in written:
        print(f"Written {path}")
    return 0


def cmd_doctor(args: argparse.Namespace, settings: Settings) -> int:
    """Versions of what the site runs on, read from this machine alone; 1 when something is missing."""
    from seminar.operations import doctor, queries

    sections = doctor.local_sections()

    async def work() -> None:
        sections.append(doctor.database_section(*await queries.database_server()))

    asyncio.run(_with_database(settings, work))
    print(doctor.as_text(sections))
    missing = [item.name for section in sections for item in section.items if item.missing]
    if missing:
        print(f"Missing: {', '.join(missing)}.", file=sys.stderr)
    return 1 if missing else 0


def cmd_backup(args: argparse.Namespace, settings: Settings) -> int:
    from seminar.backup import write_backup

    counts = []

    async def work() -> None:
        counts.extend(await write_backup(Path(args.file), settings.database_url))

    asyncio.run(_with_database(settings, work))
    rows = sum(count.rows for count in counts)
    print(f"Backup of {_safe_url(settings.database_url)} written to {args.file}: {len(counts)} tables, {rows} rows.")
    return 0


def cmd_restore(args: argparse.Namespace, settings: Settings) -> int:
    from seminar.backup import BackupError, restore_backup

    if not args.no_migrate:
        asyncio.run(apply_migrations(settings.database_url))
    counts = []

    async def work() -> None:
        counts.extend(await restore_backup(Path(args.file), settings.database_url))

    try:
        asyncio.run(_with_database(settings, work))
    except BackupError as error:
        print(f"Not restored: {error}. Nothing was written.", file=sys.stderr)
        return 1
    rows = sum(count.rows for count in counts)
    print(f"Restored {args.file} into {_safe_url(settings.database_url)}: {len(counts)} tables, {rows} rows.")
    return 0


def cmd_archive_export(args: argparse.Namespace, settings: Settings) -> int:
    from seminar.archive.export import ArchiveError, write_archive

    summaries = []

    async def work() -> None:
        summaries.append(await write_archive(args.slug, Path(args.file), settings.database_url))

    try:
        asyncio.run(_with_database(settings, work))
    except ArchiveError as error:
        Path(args.file).unlink(missing_ok=True)
        print(f"Not exported: {error}.", file=sys.stderr)
        return 1
    [summary] = summaries
    rows = sum(summary.rows.values())
    print(
        f"Seminar '{args.slug}' written to {args.file}: {rows} rows, {summary.people} people, {summary.units} units, "
        f"{summary.files} files ({summary.file_bytes} bytes)."
    )
    if summary.left_out:
        print("Left out: " + ", ".join(f"{name} {count}" for name, count in summary.left_out.items()) + ".")
    return 0


def cmd_archive_import(args: argparse.Namespace, settings: Settings) -> int:
    from seminar.archive.export import ArchiveError
    from seminar.archive.importing import import_archive

    if not args.no_migrate:
        asyncio.run(apply_migrations(settings.database_url))
    reports = []

    async def work() -> None:
        reports.append(await import_archive(Path(args.file), args.slug))

    try:
        asyncio.run(_with_database(settings, work))
    except ArchiveError as error:
        print(f"Not imported: {error}. Nothing was written.", file=sys.stderr)
        return 1
    print("\n".join(reports[0].lines()))
    return 0


def _safe_url(url: str) -> str:
    """The database URL without its password, for printing."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not at:
        return url
    user = credentials.split(":", 1)[0]
    return f"{scheme}{sep}{user}@{host}"


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="seminar", description="研讨班 — seminar administration")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    commands.add_parser("setup", help="install (Debian, root) or name the system packages needed").set_defaults(
        handler=cmd_setup
    )

    serve = commands.add_parser("serve", help="apply migrations, then serve the site with uvicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=1, help="number of uvicorn worker processes")
    serve.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    serve.set_defaults(handler=cmd_serve)

    commands.add_parser("migrate", help="apply pending database migrations").set_defaults(handler=cmd_migrate)
    commands.add_parser("worker", help="run the mail worker until SIGINT/SIGTERM").set_defaults(handler=cmd_worker)

    admin = commands.add_parser("createadmin", help="create or update a site administrator")
    admin.add_argument("--email", required=True)
    admin.add_argument("--name", required=True)
    admin.add_argument("--password", help="asked for when absent")
    admin.set_defaults(handler=cmd_createadmin)

    commands.add_parser("units", help="create the cities, special zones, departments and institutions").set_defaults(
        handler=cmd_units
    )

    proceedings = commands.add_parser("proceedings", help="the 论文集 of a seminar")
    proceedings_commands = proceedings.add_subparsers(dest="proceedings_command", required=True, metavar="ACTION")
    build = proceedings_commands.add_parser("build", help="build the book now (recorded; unchanged inputs reuse the last build)")
    build.add_argument("slug")
    build.add_argument("--out", help="also write the PDF to this file")
    build.add_argument("--topic", type=int, help="build only the volume of this topic (its position)")
    build.set_defaults(handler=cmd_proceedings_build)

    handbook = commands.add_parser("handbook", help="the 会议手册 (programme booklet) of a seminar")
    handbook_commands = handbook.add_subparsers(dest="handbook_command", required=True, metavar="ACTION")
    handbook_build = handbook_commands.add_parser(
        "build", help="build the 会议手册 now (recorded; unchanged inputs reuse the last build)"
    )
    handbook_build.add_argument("--seminar", required=True, help="the seminar's slug")
    handbook_build.add_argument("--out", help="also write the PDF to this file")
    handbook_build.set_defaults(handler=cmd_handbook_build)

    certificates = commands.add_parser("certificates", help="获奖证书 and 参会证明 of a seminar")
    certificate_commands = certificates.add_subparsers(dest="certificates_command", required=True, metavar="ACTION")
    certificates_build = certificate_commands.add_parser(
        "build", help="issue the certificates due and write every valid one as PDFs in a zip"
    )
    certificates_build.add_argument("--seminar", required=True, help="the seminar's slug")
    certificates_build.add_argument("--out", help="the zip file (default: <slug>-certificates.zip)")
    certificates_build.set_defaults(handler=cmd_certificates_build)
    certificates_badges = certificate_commands.add_parser(
        "badges", help="write the 参会证 (badges with check-in QR codes), 桌签 (table cards) and each day's 签到表 as PDFs"
    )
    certificates_badges.add_argument("--seminar", required=True, help="the seminar's slug")
    certificates_badges.add_argument("--out-dir", default=".", help="the folder for badges.pdf and table-cards.pdf")
    certificates_badges.set_defaults(handler=cmd_certificates_badges)

    registration = commands.add_parser("registration", help="the registrations (参会回执) of a seminar")
    registration_commands = registration.add_subparsers(dest="registration_command", required=True, metavar="ACTION")
    registration_export = registration_commands.add_parser(
        "export", help="write the participants with their registration details to .xlsx, in the official unit order"
    )
    registration_export.add_argument("--seminar", required=True, help="the seminar's slug")
    registration_export.add_argument("--out", help="the .xlsx file (default: <slug>-participants.xlsx)")
    registration_export.set_defaults(handler=cmd_registration_export)

    seats = commands.add_parser("seats", help="write the 座次表 (seat plan) and 座次名单 (seat list) of a seminar")
    seats.add_argument("--seminar", required=True, help="the seminar's slug")
    seats.add_argument("--out-dir", default=".", help="the folder for seat-plan.pdf, seat-list.pdf and seat-list.xlsx")
    seats.add_argument("--generate", action="store_true",
                       help="seat everyone by precedence first (undoes seats moved by hand)")
    seats.set_defaults(handler=cmd_seats)

    demo = commands.add_parser("demo", help="create or refresh the demo seminars gd-2021 (finished) and gd-next (open)")
    demo.add_argument("--password", default="demo-password", help="password of every demo account")
    demo.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    demo.add_argument("--no-proceedings", action="store_true", help="skip typesetting the 论文集 (about 20 s)")
    demo.set_defaults(handler=cmd_demo)

    images = commands.add_parser(
        "docs-images", help="build the demo's book and agenda and write pictures of their pages into docs/images"
    )
    images.add_argument("--out", default=str(Path("docs") / "images"), help="the folder for the PNGs")
    images.add_argument("--here", action="store_true",
                        help="use the configured database (the demo is built or refreshed there) instead of a fresh one")
    images.set_defaults(handler=cmd_docs_images)

    backup = commands.add_parser("backup", help="write every table (files included) to one zip, from one snapshot")
    backup.add_argument("file", help="the zip to write, e.g. seminar-2026-12-03.zip")
    backup.set_defaults(handler=cmd_backup)
    restore = commands.add_parser("restore", help="bring a backup back into a new, empty database")
    restore.add_argument("file")
    restore.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    restore.set_defaults(handler=cmd_restore)

    archive = commands.add_parser("archive", help="one seminar as one archive, to move it to another installation")
    archive_commands = archive.add_subparsers(dest="archive_command", required=True, metavar="ACTION")
    archive_export = archive_commands.add_parser("export", help="write one seminar (rows, people, units, files) to a zip")
    archive_export.add_argument("slug", help="the seminar's slug")
    archive_export.add_argument("file", help="the zip to write, e.g. gd-2021.zip")
    archive_export.set_defaults(handler=cmd_archive_export)
    archive_import = archive_commands.add_parser("import", help="import a seminar's archive as a new seminar, with new ids")
    archive_import.add_argument("file")
    archive_import.add_argument("--slug", help="the imported seminar's slug (needed when the archive's is taken here)")
    archive_import.add_argument("--no-migrate", action="store_true", help="do not apply migrations first")
    archive_import.set_defaults(handler=cmd_archive_import)

    commands.add_parser(
        "doctor", help="list the versions of Python, its packages, the system libraries, fonts and the database server"
    ).set_defaults(handler=cmd_doctor)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    settings = Settings.from_environment()
    logs.configure(settings.log_format)
    handler: Callable[[argparse.Namespace, Settings], int] = args.handler
    try:
        return handler(args, settings)
    finally:
        # The process ends: what it holds goes with it. Out of the collector's sight, the
        # interpreter's last collections no longer walk every object on the way out (0.13 s of CPU
        # after `proceedings build` had answered, and the prompt back seconds later on a busy machine).
        gc.freeze()


if __name__ == "__main__":
    sys.exit(main())
