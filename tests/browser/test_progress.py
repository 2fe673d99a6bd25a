"""The 论文集 page follows a book build live, in Chromium against `seminar serve` and its worker: the
queued build's progress bar moves, and the finished build's row (with 发布) replaces it without a
reload, so the preface typed meanwhile stays in its field.

(The page once said "Queued" 60 s after an 11.5 s build had finished: nothing on it ever changed.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from seminar.seminars.models import Seminar
from tests.browser.conftest import ORGANIZER, Site
from tests.browser.test_journey import SERIOUS, Journey, button, labelled, main, said, t
from tests.factories import make_paper, make_seminar
from tests.patience import patience

TYPED = "本论文集收录本次研讨班交流的论文。（尚未保存）"


@pytest.fixture
async def seminar(live_site: Site) -> AsyncIterator[Seminar]:
    """A seminar with one submitted paper, beside the units and the administrator `live_site` made."""
    seminar = await make_seminar(slug="gd-2026", topics=1)
    await make_paper(seminar, status="submitted")
    yield seminar


def test_the_proceedings_page_shows_the_build_moving_and_finished_without_a_reload(
    live_site: Site, seminar: Seminar, browser_tools: tuple[str, str], screenshot_dir: Path
) -> None:
    chromium, axe_source = browser_tools
    journey = Journey(live_site, screenshot_dir, axe_source)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        try:
            page = journey.person(browser, "organizer")
            page.goto("/login")
            labelled(page, "E-mail").fill(ORGANIZER[0])
            labelled(page, "Password").fill(ORGANIZER[2])
            button(main(page), "Log in").click()
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
        finally:
            browser.close()
    serious = [finding for finding in journey.accessibility if finding["impact"] in SERIOUS]
    assert not serious, serious
    assert not journey.page_errors, journey.page_errors
