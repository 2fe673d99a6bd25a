"""签到 with the phone's camera, in Chromium against `seminar serve`: the camera is Chromium's fake capture
device playing a video made here from a badge's QR code (drawn by segno, as the badges are), so the scanner
page's own getUserMedia, canvas and vendored jsQR decode it. A badge of the seminar checks its person in
(the staff's page says so and the organizer's open check-in page counts one more); a QR code that is not
one of our badges is refused in words and checks nobody in.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import segno
from playwright.sync_api import Browser, Page, expect, sync_playwright

from seminar.accounts.models import RoleName, User
from seminar.certificates.queries import badge_people
from seminar.seminars.models import Seminar
from tests.browser.conftest import ORGANIZER, Site
from tests.browser.test_journey import PHONE, SERIOUS, Journey, button, labelled, main, t
from tests.factories import grant, make_attendee, make_seminar, make_user
from tests.patience import patience

SECRET_KEY = "browser-journey-secret"  # what live_site gives the server
STAFF = ("scan-staff@example.org", "周工", "Huiwu-Zhou-2026")
WIDTH, HEIGHT = 640, 480


def qr_video(data: str, path: Path, frames: int = 15) -> Path:
    """A Y4M video (YUV 4:2:0) of a QR code on white paper held before a grey wall, for Chromium's fake camera.

    Y4M is a text header and raw frames: Y at full size, then U and V at half size (128: no colour).
    """
    code = segno.make(data, error="m")  # as seminar.accounts.qr draws the badges' codes
    modules = np.array(list(code.matrix_iter(scale=1, border=4)), dtype=bool)
    scale = min(WIDTH, HEIGHT) * 9 // 10 // len(modules)
    paper = np.where(np.kron(modules, np.ones((scale, scale), dtype=bool)), 16, 235).astype(np.uint8)
    frame = np.full((HEIGHT, WIDTH), 110, dtype=np.uint8)
    top, left = (HEIGHT - paper.shape[0]) // 2, (WIDTH - paper.shape[1]) // 2
    frame[top:top + paper.shape[0], left:left + paper.shape[1]] = paper
    chroma = np.full((HEIGHT // 2, WIDTH // 2), 128, dtype=np.uint8).tobytes()
    with path.open("wb") as video:
        video.write(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode())
        for _number in range(frames):
            video.write(b"FRAME\n" + frame.tobytes() + chroma + chroma)
    return path


@dataclass
class Scene:
    seminar: Seminar
    badge_url: str  # what the attendee's badge's QR code carries


@pytest.fixture
async def scene(live_site: Site) -> AsyncIterator[Scene]:
    """A seminar held today (so its badges check people in on the server's real clock) with one attendee,
    a 工作人员 and, as its organizer, the administrator `live_site` made."""
    today = dt.datetime.now(ZoneInfo("Asia/Shanghai")).date()
    seminar = await make_seminar(slug="gd-2026", topics=1, starts_on=today, ends_on=today)
    attendee = await make_attendee(seminar, "a1@example.org", name="黄颖")
    await grant(await make_user(email=STAFF[0], name=STAFF[1], password=STAFF[2]), seminar, RoleName.STAFF)
    await grant(await User.get(email=ORGANIZER[0]), seminar, RoleName.ORGANIZER)
    badges = await badge_people(seminar, SECRET_KEY, live_site.url)  # what the badge PDF prints, in its order
    yield Scene(seminar, next(badge.qr_url for badge in badges if badge.name == attendee.name))


@contextlib.contextmanager
def chromium_with_a_camera(video: Path, browser_tools: tuple[str, str]) -> Iterator[Browser]:
    """Chromium whose camera is the video file, allowed without asking."""
    chromium, _axe = browser_tools
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=[
            "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
            f"--use-file-for-fake-video-capture={video}",
        ])
        try:
            yield browser
        finally:
            browser.close()


def signed_in(journey: Journey, browser: Browser, person: tuple[str, str, str], phone: bool) -> Page:
    """A person's own browser window (a phone for staff: narrow, touch), signed in. Script errors and server
    errors are collected; a refused check-in's 400 is the page's answer, not an error."""
    address, _name, password = person
    context = browser.new_context(
        base_url=journey.site.url, locale="zh-CN", timezone_id="Asia/Shanghai",
        **({"viewport": PHONE, "has_touch": True, "is_mobile": True} if phone else {}),
    )
    context.grant_permissions(["camera"])
    page = context.new_page()
    page.on("pageerror", lambda error: journey.page_errors.append(f"{address} on {page.url}: {error}"))
    page.on("response", lambda response: response.status >= 500 and journey.page_errors.append(
        f"{address}: {response.status} from {response.url}"))
    page.goto("/login")
    labelled(page, "E-mail").fill(address)
    labelled(page, "Password").fill(password)
    button(main(page), "Log in").click()
    expect(page.get_by_role("navigation", name=t("Main"))).to_be_visible()
    return page


def scan_with_the_camera(journey: Journey, staff: Page, slug: str) -> None:
    staff.goto(f"/{slug}/checkin")
    journey.look(staff, "scanner")
    button(main(staff), "Scan badges with the camera").click()
    expect(staff.locator("[data-video]")).to_be_visible()
    staff.wait_for_function("() => document.querySelector('[data-video]').videoWidth > 0", timeout=patience(10) * 1000)
    # The camera's 640 px picture fits the phone: nothing to scroll sideways.
    assert staff.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_a_badge_held_before_the_phone_camera_checks_its_person_in(
    live_site: Site, scene: Scene, browser_tools: tuple[str, str], screenshot_dir: Path, tmp_path: Path
) -> None:
    video = qr_video(scene.badge_url, tmp_path / "badge.y4m")
    journey = Journey(live_site, screenshot_dir, browser_tools[1])
    with chromium_with_a_camera(video, browser_tools) as browser:
        organizer = signed_in(journey, browser, ORGANIZER, phone=False)
        organizer.goto(f"/{scene.seminar.slug}/manage/checkin")
        count = main(organizer).locator("[data-checked-in]")
        expect(count).to_have_text("0")
        staff = signed_in(journey, browser, STAFF, phone=True)

        scan_with_the_camera(journey, staff, scene.seminar.slug)

        result = main(staff).locator("[data-result]")
        expect(result).to_contain_text(t("%(name)s is checked in for %(what)s.", name="黄颖",
                                         what=f"{scene.seminar.starts_on.year}年{scene.seminar.starts_on.month}月"
                                              f"{scene.seminar.starts_on.day}日"), timeout=patience(20) * 1000)
        expect(main(staff).locator("[data-sent]")).to_have_text("1")
        expect(main(staff).locator("[data-queued]")).to_have_text("0")
        journey.look(staff, "scanned")
        # The camera keeps seeing the badge: within three seconds the same code is one scan, after that
        # the server answers "already" and nothing is counted twice.
        expect(count).to_have_text("1", timeout=patience(20) * 1000)  # the organizer's open page polls
        expect(main(organizer).locator("[data-missing]")).not_to_contain_text("黄颖")
    serious = [finding for finding in journey.accessibility if finding["impact"] in SERIOUS]
    assert not serious, serious
    assert not journey.page_errors, journey.page_errors


def test_a_qr_code_that_is_not_our_badge_is_refused_in_words_and_checks_nobody_in(
    live_site: Site, scene: Scene, browser_tools: tuple[str, str], screenshot_dir: Path, tmp_path: Path
) -> None:
    video = qr_video("https://example.com/news/2026/12/hall-map", tmp_path / "stranger.y4m")  # a poster's QR code
    journey = Journey(live_site, screenshot_dir, browser_tools[1])
    with chromium_with_a_camera(video, browser_tools) as browser:
        staff = signed_in(journey, browser, STAFF, phone=True)

        scan_with_the_camera(journey, staff, scene.seminar.slug)

        refused = t("This QR code is not a badge: it checks nobody in. "
                    "Scan the code on the badge, or find the person by name.")
        expect(main(staff).locator("[data-result]")).to_have_text(refused, timeout=patience(20) * 1000)
        expect(main(staff).locator("[data-queued]")).to_have_text("0")  # answered, not waiting to be sent again
        journey.look(staff, "refused")
        organizer = signed_in(journey, browser, ORGANIZER, phone=False)
        organizer.goto(f"/{scene.seminar.slug}/manage/checkin")
        expect(main(organizer).locator("[data-checked-in]")).to_have_text("0")
        expect(main(organizer).locator("[data-missing]")).to_contain_text("黄颖")
    assert not journey.page_errors, journey.page_errors
