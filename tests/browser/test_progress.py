"""Long work followed live, in Chromium against `seminar serve` and its workers: the 论文集 page's
queued build's progress bar moves, and the finished build's row (with 发布) replaces it without a
reload, so the preface typed meanwhile stays in its field; after importing people, the people page
follows the invitations as the mail worker sends them to the SMTP server, until 已发送 3/3.

(The page once said "Queued" 60 s after an 11.5 s build had finished: nothing on it ever changed.)
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect, sync_playwright

from seminar.seminars.models import Seminar
from tests.browser.conftest import ORGANIZER, Site
from tests.browser.test_journey import SERIOUS, Journey, button, labelled, main, said, t
from tests.factories import make_paper, make_people_xlsx, make_seminar
from tests.patience import patience

TYPED = "本论文集收录本次研讨班交流的论文。（尚未保存）"


@pytest.fixture
async def seminar(live_site: Site) -> AsyncIterator[Seminar]:
    """A seminar with one submitted paper, beside the units and the administrator `live_site` made."""
    seminar = await make_seminar(slug="gd-2026", topics=1)
    await make_paper(seminar, status="submitted")
    yield seminar


@contextlib.contextmanager
def organizer_in_chromium(site: Site, browser_tools: tuple[str, str], screenshot_dir: Path) -> Iterator[tuple[Journey, Page]]:
    """The organizer signed in; afterwards no serious accessibility finding and no error in any page."""
    chromium, axe_source = browser_tools
    journey = Journey(site, screenshot_dir, axe_source)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        try:
            page = journey.person(browser, "organizer")
            page.goto("/login")
            labelled(page, "E-mail").fill(ORGANIZER[0])
            labelled(page, "Password").fill(ORGANIZER[2])
            button(main(page), "Log in").click()
            yield journey, page
        finally:
            browser.close()
    serious = [finding for finding in journey.accessibility if finding["impact"] in SERIOUS]
    assert not serious, serious
    assert not journey.page_errors, journey.page_errors


def test_the_proceedings_page_shows_the_build_moving_and_finished_without_a_reload(
    live_site: Site, seminar: Seminar, browser_tools: tuple[str, str], screenshot_dir: Path
) -> None:
    with organizer_in_chromium(live_site, browser_tools, screenshot_dir) as (journey, page):
        page.goto(f"/{seminar.slug}/manage/proceedings")

        button(page, "Build").click()
        said(page, t("The build is queued; this page shows its progress."))
        bar = page.locator("#builds .job-progress")
        expect(bar.get_by_role("progressbar")).to_be_visible()
        expect(bar.get_by_role("link", name=t("Reload to see the progress"))).to_be_hidden()  # the script polls
        page.evaluate("window.sameDocument = true")
        labelled(page, "Preface").fill(TYPED)
        journey.look(page, "progress-queued")
        # Whatever the bar says next (a stage of the running build, or the finished row) is worth a look.
        page.wait_for_function(
            "queued => !document.querySelector('#builds [data-progress-text]')"
            " || document.querySelector('#builds [data-progress-text]').textContent !== queued",
            arg=bar.locator("[data-progress-text]").inner_text(), timeout=patience(240) * 1000,
        )
        journey.look(page, "progress-moved", check=False)
        publish = button(page, "Publish")
        expect(publish).to_be_visible(timeout=patience(240) * 1000)
        journey.look(page, "progress-finished")

        assert page.evaluate("window.sameDocument") is True, "the page was reloaded"
        assert labelled(page, "Preface").input_value() == TYPED
        assert bar.count() == 0
        expect(page.locator("[data-progress-announce]")).to_contain_text("已完成：共 ")


def test_the_people_page_follows_the_invitations_of_an_import_until_they_are_sent(
    live_site: Site, seminar: Seminar, browser_tools: tuple[str, str], screenshot_dir: Path, tmp_path: Path
) -> None:
    people = tmp_path / "名单.xlsx"
    people.write_bytes(make_people_xlsx(
        [[f"专家{n}", "广州市", "教授", "", f"expert{n}@example.org", "评审专家"] for n in range(3)]
    ))
    live_site.smtp.delay = 1.0  # a distant mail server: the bar has time to move
    with organizer_in_chromium(live_site, browser_tools, screenshot_dir) as (journey, page):
        page.goto(f"/{seminar.slug}/manage/people/import")
        page.wait_for_load_state()  # upload.js sends the form
        labelled(page, "Spreadsheet (.xlsx)").set_input_files(people)

        button(page, "Import and send invitations").click()
        said(page, t("%(count)s people have been imported and will receive an e-mail.", count=3))
        region = page.locator("#mail-batch")
        expect(region.get_by_role("heading")).to_have_text(t("Invitations of the imported people"))
        expect(region.get_by_role("progressbar")).to_be_visible()
        expect(region.get_by_role("link", name=t("Reload to see the progress"))).to_be_hidden()  # the script polls
        page.evaluate("window.sameDocument = true")
        journey.look(page, "invitations-sending")
        # Once the last mail is sent, the bar gives way to what came of it.
        expect(page.locator("#mail-batch progress")).to_have_count(0, timeout=patience(120) * 1000)
        journey.look(page, "invitations-sent")

        done = t("sent %(done)s of %(total)s", done=3, total=3)
        assert page.evaluate("window.sameDocument") is True, "the page was reloaded"
        expect(page.locator("#mail-batch")).to_contain_text(done)
        expect(page.locator("[data-progress-announce]")).to_contain_text(done)
        assert sorted(message["To"].addresses[0].addr_spec for message in live_site.smtp.messages) == [
            f"expert{n}@example.org" for n in range(3)
        ]
