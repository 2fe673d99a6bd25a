"""The 会议手册 of a seminar as plain data (`HandbookSpec`), its builds, and what the organizers' page shows."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from seminar.accounts.models import Unit
from seminar.config import PROJECT_ROOT
from seminar.handbook.booklet import STYLESHEET, STYLESHEETS, TEMPLATE, HandbookSpec
from seminar.handbook.models import HandbookSettings
from seminar.handbook.typeset import AGENDA_STYLESHEET, DRAWING_STYLESHEET
from seminar.i18n import DEFAULT_LOCALE
from seminar.proceedings.book import TEMPLATE_DIR
from seminar.proceedings.inputs import files_digest, plain_data, font_files_digest
from seminar.proceedings.models import BuildKind, BuildStatus, ProceedingsBuild
from seminar.proceedings.queries import agenda_rows, participants, progress_of, settings_of as book_settings_of
from seminar.proceedings.styles import FACES, HouseStyle
from seminar.proceedings.typeset import check_fonts, missing_fonts_message
from seminar.seating.models import SeatPlan
from seminar.seating.plan import Drawing
from seminar.seating.printing import drawing_of
from seminar.seating.queries import plan_view
from seminar.seminars.models import Seminar

CODE_FILES = (
    *(PROJECT_ROOT / "seminar" / "handbook" / name for name in ("booklet.py", "typeset.py")),
    PROJECT_ROOT / "seminar" / "titlelines.py",
    PROJECT_ROOT / "seminar" / "proceedings" / "numerals.py",
    PROJECT_ROOT / "seminar" / "seating" / "plan.py",
)


async def settings_of(seminar: Seminar) -> HandbookSettings:
    found = await HandbookSettings.get_or_none(seminar_id=seminar.id)
    return found or HandbookSettings(seminar_id=seminar.id)


async def handbook_spec(seminar: Seminar) -> HandbookSpec:
    """Everything the booklet prints, read from the database: the latest published agenda, the approved
    registrations (if the settings list them), the organizer's 全称, the 须知 and contacts, and the book's
    house style."""
    options = await settings_of(seminar)
    organizer = await Unit.get_or_none(id=seminar.organizer_unit_id) if seminar.organizer_unit_id else None
    return HandbookSpec(
        title=seminar.title,
        organizer=(organizer.full_name or organizer.name) if organizer else "",
        starts_on=seminar.starts_on,
        ends_on=seminar.ends_on,
        venue=seminar.venue,
        notice=options.notice,
        contacts=options.contacts,
        agenda=await agenda_rows(seminar),
        participants=(await participants(seminar) or None) if options.include_participants else None,
        locale=DEFAULT_LOCALE,
        house_style=HouseStyle((await book_settings_of(seminar)).house_style),
        seat_plan=await seat_drawing(seminar),
    )


async def seat_drawing(seminar: Seminar) -> Drawing | None:
    """The seminar's seat plan as drawn, when one is saved with anyone in a seat; None otherwise."""
    if not await SeatPlan.exists(seminar_id=seminar.id):
        return None
    drawing = drawing_of(seminar, await plan_view(seminar))
    return drawing if drawing.seated else None


def input_hash(spec: HandbookSpec) -> str:
    """The hash of everything the booklet is made of: its data, stylesheets, templates, code and fonts."""
    data = json.dumps(plain_data(spec), ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    templates = [TEMPLATE_DIR / TEMPLATE, TEMPLATE_DIR / "agenda" / "_program.html", TEMPLATE_DIR / "seating" / "_drawing.html"]
    sheets = [STYLESHEET, AGENDA_STYLESHEET, DRAWING_STYLESHEET, *FACES.values(), *STYLESHEETS.values()]
    layout = files_digest([*sheets, *templates, *CODE_FILES])
    parts = [hashlib.sha256(data.encode()).hexdigest(), layout, font_files_digest()]
    return hashlib.sha256("/".join(parts).encode()).hexdigest()


async def current_hash(seminar: Seminar) -> str:
    return input_hash(await handbook_spec(seminar))


async def builds_of(seminar: Seminar, limit: int = 20) -> list[ProceedingsBuild]:
    return await ProceedingsBuild.filter(seminar_id=seminar.id, kind=BuildKind.HANDBOOK).order_by(
        "-requested_at", "-id"
    ).limit(limit)


async def published_handbook(seminar: Seminar) -> ProceedingsBuild | None:
    return await ProceedingsBuild.filter(
        seminar_id=seminar.id, kind=BuildKind.HANDBOOK, published=True, status=BuildStatus.DONE
    ).order_by("-published_at", "-id").first()


def is_stale(build: ProceedingsBuild, digest: str) -> bool:
    """Whether a finished build prints other inputs than today's (an agenda published, a registration approved)."""
    return build.status == BuildStatus.DONE and build.input_hash != digest


async def manage_page(seminar: Seminar) -> dict[str, Any]:
    """The organizers' page besides its form: the builds with their progress, which of them are out of date,
    the published one, and what the booklet cannot print yet."""
    builds = await builds_of(seminar)
    spec = await handbook_spec(seminar)
    digest = input_hash(spec)
    missing = check_fonts()
    return {
        "seminar": seminar,
        "builds": builds,
        "progress": await progress_of(seminar, builds),
        "stale": {build.id for build in builds if is_stale(build, digest)},
        "published": next((build for build in builds if build.published and build.is_done), None),
        "fonts_message": missing_fonts_message(missing) if missing else "",
        "no_agenda": spec.agenda is None,
        "BuildStatus": BuildStatus,
    }
