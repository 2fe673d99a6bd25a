"""The whole seminar in a real browser, played by the people who run it: an organizer, a city's
submitter, a reviewer and an attendee, each in their own Chromium window, clicking and typing in the
Chinese interface of `seminar serve`, every link taken from the mail they receive.

Not a happy path only: the city withdraws a paper after its reviewer was assigned (and had begun a
draft), and, once the deadline has passed, sends a late paper under an extension the organizer
grants its city. The book at the end holds the first and the late paper, and not the withdrawn one.

Each step leaves a numbered screenshot; key pages are checked with axe-core. The journey fails on a
serious or critical accessibility violation, a script error in a page, or a server error.
With DOCS_SCREENSHOTS=1 it also saves the pictures of the guides in docs/images (`illustrate`).
"""

from __future__ import annotations

import base64
import datetime as dt
import io
import json
import re
import time
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path

import docx
from playwright.sync_api import Browser, FloatRect, Locator, Page, ViewportSize, expect, sync_playwright
from pypdf import PdfReader

from seminar.accounts import totp
from seminar.i18n import translations
from tests.browser.conftest import ORGANIZER, Site, shrink_png
from tests.patience import patience

CHINESE = translations("zh_Hans")
SLUG = "gd-2026"
SEMINAR = "2026年市域社会治理现代化研讨班"
PAPER = "以网格化治理推进市域社会治理现代化"
WITHDRAWN = "以“枫桥经验”推动矛盾纠纷就地化解"  # paper #2: withdrawn after its reviewer was assigned
LATE = "数字化赋能基层社会治理的广州探索"  # paper #3: sent after the deadline, under an extension
COMMENT = "选题紧扣市域社会治理现代化，网格化经验总结具体，建议补充成效数据。"
DRAFT_COMMENT = "案例典型，建议补充化解成功率的统计。"
SHARED = ("网格员每天巡查责任网格，发现问题当场登记、能办即办，办不了的通过平台上报街道综治中心，由中心派单给职能部门"
          "限时处置，处置结果再由网格员回访群众，形成发现、上报、处置、反馈的闭环。")  # begun on paper #2 before the city withdrew it
# (e-mail, name, password); a password may not be built on the e-mail's name.
SUBMITTER = ("gz@example.org", "李明", "Guangzhou-Papers-2026")
REVIEWER = ("reviewer@example.org", "王芳", "Pingshen-Wang-2026")
ATTENDEE = ("attendee@example.org", "陈静", "Canhui-Chen-2026")
STAFF = ("staff@example.org", "赵强", "Huiwu-Zhao-2026")  # 工作人员: checks people in on the day
PHONE = ViewportSize(width=390, height=844)
SERIOUS = ("serious", "critical")
DESKTOP = ViewportSize(width=1280, height=900)
# What the page should say within Playwright's 5 s on a quiet machine, stretched like every wait here
# (a conversion or a mail worker on a loaded CI machine takes longer).
expect.set_options(timeout=patience(5) * 1000)


def t(msgid: str, **values: object) -> str:
    """What the page says in Simplified Chinese; a msgid without a translation is a mistake in the test."""
    text = CHINESE.gettext(msgid)
    assert text != msgid, f"no Simplified Chinese for {msgid!r}"
    return text % values if values else text


def tn(singular: str, plural: str, count: int) -> str:
    text = CHINESE.ngettext(singular, plural, count)
    assert text not in (singular, plural), f"no Simplified Chinese for {singular!r}"
    return text % {"num": count}


@dataclass
class Journey:
    site: Site
    shots: Path
    axe_source: str
    docs_images: Path | None = None
    step: int = 0
    accessibility: list[dict[str, object]] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)

    def person(self, browser: Browser, who: str) -> Page:
        """A person at their own computer: their own cookies, a Chinese browser, Beijing time."""
        context = browser.new_context(base_url=self.site.url, locale="zh-CN", timezone_id="Asia/Shanghai", viewport=DESKTOP)
        page = context.new_page()
        page.on("pageerror", lambda error: self.page_errors.append(f"{who} on {page.url}: {error}"))
        page.on("console", lambda message: message.type == "error" and self.page_errors.append(
            f"{who} on {page.url}: {message.text}"))
        page.on("response", lambda response: response.status >= 500 and self.page_errors.append(
            f"{who}: {response.status} from {response.url}"))
        return page

    def look(self, page: Page, name: str, check: bool = True) -> None:
        """A screenshot of the whole page and, unless told not to, axe-core's findings on it."""
        self.step += 1
        page.screenshot(path=self.shots / f"{self.step:02d}-{name}.png", full_page=True)
        if not check:
            return
        # Evaluated through the DevTools protocol: the site's CSP (scripts from itself only) stays in force.
        page.evaluate(self.axe_source)
        result = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
        for violation in result["violations"]:
            self.accessibility.append({
                "page": f"{self.step:02d}-{name}",
                "url": page.url,
                "id": violation["id"],
                "impact": violation["impact"],
                "help": violation["help"],
                "nodes": [node["target"] for node in violation["nodes"]],
            })

    def illustrate(self, page: Page, name: str, part: Locator | None = None, height: int = DESKTOP["height"]) -> None:
        """With DOCS_SCREENSHOTS=1, docs/images/<name>.png for the guides: one part of the page, or its top
        `height` pixels (less if the page is shorter), in 256 colours. Without it, nothing."""
        if self.docs_images is None:
            return
        self.docs_images.mkdir(parents=True, exist_ok=True)
        path = self.docs_images / f"{name}.png"
        if part is not None:
            part.screenshot(path=path)
        else:
            width, full_height = page.evaluate("() => [document.documentElement.clientWidth, document.documentElement.scrollHeight]")
            clip = FloatRect(x=0, y=0, width=width, height=min(height, full_height))
            page.screenshot(path=path, full_page=True, clip=clip)
        shrink_png(path)

    def mail_link(self, address: str, path_part: str, containing: str = "", timeout: float = patience(60)) -> str:
        """The link containing `path_part` in the newest mail to `address` whose text holds `containing`,
        once the worker has sent it."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            for body in reversed(self.site.smtp.bodies_to(address)):
                if containing not in body:
                    continue
                for found in re.findall(r"https?://\S+", body):
                    if path_part in found:
                        assert found.startswith(self.site.url), f"the mail links to {found}, not to the site"
                        return found
            time.sleep(0.25)
        raise AssertionError(f"no mail to {address} with a link to {path_part} within {timeout} s")


def button(scope: Page | Locator, msgid: str, **values: object) -> Locator:
    return scope.get_by_role("button", name=t(msgid, **values), exact=True)


def link(scope: Page | Locator, msgid: str, **values: object) -> Locator:
    return scope.get_by_role("link", name=t(msgid, **values), exact=True)


def labelled(scope: Page | Locator, msgid: str) -> Locator:
    return scope.get_by_label(t(msgid), exact=True)


def main(page: Page) -> Locator:
    return page.get_by_role("main")


def seminar_bar(page: Page) -> Locator:
    return page.get_by_role("navigation", name=t("Seminar"))


def menu(page: Page, title: str, item: str) -> None:
    """Open one of the organizer's menus in the seminar bar and follow one of its links."""
    seminar_bar(page).locator("summary", has_text=t(title)).click()
    link(seminar_bar(page), item).click()


def said(page: Page, text: str) -> None:
    expect(main(page)).to_contain_text(text)


def beside_its_label(page: Page, checkbox: Locator) -> None:
    """A checkbox sits on its label's first line, to the left, not on a line of its own above it."""
    box = checkbox.bounding_box()
    label = page.locator(f'label[for="{checkbox.get_attribute("id")}"]').bounding_box()
    assert box and label, "the checkbox and its label are shown"
    middle = box["y"] + box["height"] / 2
    assert box["x"] + box["width"] <= label["x"] and label["y"] <= middle <= label["y"] + label["height"], (box, label)


def sign_in(journey: Journey, page: Page) -> None:
    email, name, password = ORGANIZER
    page.goto("/")
    link(page.get_by_role("navigation", name=t("Main")), "Log in").click()
    labelled(page, "E-mail").fill(email)
    labelled(page, "Password").fill(password)
    journey.look(page, "login")
    button(main(page), "Log in").click()
    said(page, t("Welcome, %(name)s.", name=name))


def set_password(journey: Journey, page: Page, person: tuple[str, str, str]) -> None:
    """Follow the invitation mail's link and choose a password, which signs the person in."""
    address, name, password = person
    page.goto(journey.mail_link(address, "/invitation/"))
    labelled(page, "New password").fill(password)
    labelled(page, "New password again").fill(password)
    journey.look(page, "set-password")
    journey.illustrate(page, "set-password")
    button(page, "Set password and log in").click()
    said(page, t("Welcome, %(name)s. Your account is ready.", name=name))


def upload_after_the_session_ended(journey: Journey, page: Page, tmp_path: Path) -> None:
    """The session ends while the paper's page is open: the next upload (3.6 MB, under the file
    limit) meets a stranger's 1 MB cap and is cut off. The page says why, where the browser alone
    showed a connection error; then the clerk signs in again (here: gets the cookies back)."""
    paper_page, cookies, errors_before = page.url, page.context.cookies(), len(journey.page_errors)
    second = tmp_path / "网格化治理（第二版）.txt"
    second.write_bytes(("网格作为市域社会治理的基本单元。" * 80_000).encode())
    page.context.clear_cookies()

    labelled(page, "Upload a manuscript (.docx preferred, or .pdf, .md, .txt)").set_input_files(second)
    button(page, "Upload").click()

    explained = [
        t("The upload was cut off before the server answered. Files larger than %(limit)s MB are refused; if yours "
          "is smaller, your session may have ended: reload the page, sign in again and upload it once more.", limit=20),
        t("Your session ended before the file was sent, so it was not accepted and nothing was saved. Please sign "
          "in again and upload it once more."),
    ]
    expect(page.locator("body")).to_contain_text(re.compile("|".join(re.escape(text) for text in explained)))
    journey.look(page, "upload-after-the-session-ended", check=False)
    # The browser logs the cut connection or the 413 as console errors: expected here, and only here.
    journey.page_errors[errors_before:] = [
        error for error in journey.page_errors[errors_before:] if "413" not in error and "net::ERR_" not in error
    ]
    page.context.add_cookies(cookies)
    page.goto(paper_page)
    expect(main(page)).not_to_contain_text(second.name)  # nothing was stored


def manuscript(path: Path, title: str = PAPER) -> Path:
    """A .docx as Word writes it: a title and paragraphs, no author in its properties (blind review)."""
    document = docx.Document()
    document.core_properties.author = ""
    document.add_heading(title, level=1)
    for _ in range(6):
        document.add_paragraph("广州市坚持党建引领，把网格作为市域社会治理的基本单元，推动资源、服务、管理向基层下沉。" * 4)
    # Once in every paper the city sends: the passage 查重 finds (a sentence repeated as above is boilerplate to it).
    document.add_paragraph(SHARED)
    document.save(path)
    return path


def test_a_seminar_from_invitation_to_the_downloaded_book(
    live_site: Site, browser_tools: tuple[str, str], screenshot_dir: Path, docs_images: Path | None, tmp_path: Path
) -> None:
    chromium, axe_source = browser_tools
    journey = Journey(live_site, screenshot_dir, axe_source, docs_images)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium)
        try:
            organizer = journey.person(browser, "organizer")
            reviewer = journey.person(browser, "reviewer")
            city = journey.person(browser, "submitter")
            today = dt.date.today()
            organizer_creates_the_seminar_and_invites(journey, organizer, today)
            city_submits_a_paper(journey, city, tmp_path)
            city_sends_another_paper(journey, city, tmp_path, WITHDRAWN, number=2)
            reviewer_states_preferences(journey, reviewer)
            organizer_assigns(journey, organizer)
            reviewer_scores_and_comments(journey, reviewer)
            reviewer_begins_a_draft(journey, reviewer, WITHDRAWN)
            city_withdraws_a_paper(journey, city, WITHDRAWN, number=2)
            reviewer_finds_the_withdrawn_paper_ended(journey, reviewer)
            organizer_closes_submission(journey, organizer, today)
            city_is_late_and_gets_an_extension(journey, city, organizer, today)
            city_sends_another_paper(journey, city, tmp_path, LATE, number=3)
            organizer_reads_a_report(journey, organizer)
            organizer_assigns_the_late_paper(journey, organizer)
            reviewer_reviews_the_late_paper(journey, reviewer)
            organizer_decides(journey, organizer)
            organizer_publishes_the_agenda(journey, organizer)
            organizer_publishes_the_proceedings(journey, organizer)
            administrator_reads_the_audit_log(journey, organizer)
            attendee_registers_and_downloads_the_book(journey, journey.person(browser, "attendee"))
            staff_check_the_attendee_in_on_a_phone(journey, organizer, journey.person(browser, "staff"))
        finally:
            browser.close()
            report = json.dumps(journey.accessibility, ensure_ascii=False, indent=1)
            (screenshot_dir / "axe-violations.json").write_text(report, encoding="utf-8")

    serious = [violation for violation in journey.accessibility if violation["impact"] in SERIOUS]
    assert serious == [], "axe-core found serious or critical violations:\n" + json.dumps(serious, ensure_ascii=False, indent=1)
    assert journey.page_errors == []


def organizer_turns_on_two_step_verification(journey: Journey, page: Page) -> None:
    """With the key shown as text, the code an authenticator app would show; then a login with a recovery code."""
    page.get_by_role("navigation", name=t("Main")).get_by_role("link", name=ORGANIZER[1], exact=True).click()
    link(main(page), "Set up two-step verification").click()
    key = main(page).locator("code.secret-key").inner_text().replace(" ", "")
    secret = base64.b32decode(key + "=" * (-len(key) % 8))
    code = labelled(page, "Code")
    code.fill(totp.totp(secret, time.time()))
    journey.look(page, "two-factor-setup")
    journey.illustrate(page, "two-factor-setup")
    button(page, "Turn on").click()
    said(page, t("Two-step verification is on. From now on you log in with your password and a code."))
    recovery_codes = main(page).locator("ol.recovery-codes code").all_inner_texts()
    assert len(recovery_codes) == 10
    journey.look(page, "recovery-codes")

    button(page.get_by_role("navigation", name=t("Main")), "Log out").click()
    link(page.get_by_role("navigation", name=t("Main")), "Log in").click()
    labelled(page, "E-mail").fill(ORGANIZER[0])
    labelled(page, "Password").fill(ORGANIZER[2])
    button(main(page), "Log in").click()
    labelled(page, "Code").fill(recovery_codes[0])
    journey.look(page, "login-code")
    button(main(page), "Verify").click()
    said(page, t("Welcome, %(name)s.", name=ORGANIZER[1]))
    said(page, t("You used a recovery code: %(count)s left. Make new ones on the two-step verification page.", count=9))


def organizer_creates_the_seminar_and_invites(journey: Journey, page: Page, today: dt.date) -> None:
    sign_in(journey, page)
    organizer_turns_on_two_step_verification(journey, page)
    journey.look(page, "seminars")
    journey.illustrate(page, "seminars")
    link(page, "New seminar").click()
    labelled(page, "Title").fill(SEMINAR)
    labelled(page, "Short name in the address").fill(SLUG)
    labelled(page, "Organizing unit").select_option(label="省委政法委")
    labelled(page, "Venue").fill("广州 珠岛宾馆")
    labelled(page, "First day").fill(str(today + dt.timedelta(days=60)))
    labelled(page, "Last day").fill(str(today + dt.timedelta(days=61)))
    labelled(page, "Submission deadline").fill(f"{today + dt.timedelta(days=30)}T18:00")
    labelled(page, "Review deadline").fill(f"{today + dt.timedelta(days=45)}T18:00")
    labelled(page, "Reviews per paper").fill("1")
    journey.look(page, "new-seminar")
    journey.illustrate(page, "new-seminar")
    button(page, "Create seminar").click()
    said(page, t("Seminar created with six default topics. You are its organizer."))
    journey.look(page, "dashboard")
    journey.illustrate(page, "dashboard")

    link(page, "Manage people and invitations").click()
    for (email, name, _password), unit, role in [(SUBMITTER, "广州市", "Submitter"), (REVIEWER, "省委组织部", "Reviewer")]:
        link(page, "Invite a person").click()
        labelled(page, "Name").fill(name)
        labelled(page, "E-mail").fill(email)
        labelled(page, "Unit").select_option(label=unit)
        labelled(page, role).check()
        journey.look(page, f"invite-{role.lower()}")
        journey.illustrate(page, "invite")
        button(page, "Invite").click()
        said(page, email)
    journey.look(page, "people")
    journey.illustrate(page, "people", height=600)


def fill_the_paper_form(page: Page, title: str) -> None:
    """A new paper's details, as 广州市's clerk types them; every paper in the same (first) topic."""
    page.wait_for_load_state()  # keep-typed.js listens once the page's deferred scripts have run
    labelled(page, "Paper title").fill(title)
    labelled(page, "Topic").select_option(index=1)
    labelled(page, "Abstract").fill("本文总结广州市以网格化治理推进市域社会治理现代化的做法与经验。" * 3)
    labelled(page, "Keywords").fill("网格化、市域社会治理、基层治理")
    author = page.get_by_role("group", name=t("Author %(number)s", number=1))
    labelled(author, "Name").fill(SUBMITTER[1])
    labelled(author, "Unit").fill("广州市委政法委")
    labelled(author, "Position").fill("处长")
    labelled(author, "Mobile or phone").fill("13800138000")
    labelled(author, "E-mail").fill(SUBMITTER[0])
    labelled(author, "Contact author").check()
    labelled(author, "Presenter").check()
    labelled(page, "I confirm that this paper is original and has not been published before.").check()


def city_submits_a_paper(journey: Journey, page: Page, tmp_path: Path) -> None:
    set_password(journey, page, SUBMITTER)
    journey.look(page, "seminar-home")
    link(seminar_bar(page), "My papers").click()
    link(page, "New paper").click()
    fill_the_paper_form(page, PAPER)
    originality = labelled(page, "I confirm that this paper is original and has not been published before.")
    beside_its_label(page, originality)
    journey.look(page, "paper-form")
    journey.illustrate(page, "paper-form")
    button(page, "Save").click()
    said(page, t("Paper #%(number)s saved as a draft. Now upload the manuscript.", number=1))

    labelled(page, "Upload a manuscript (.docx preferred, or .pdf, .md, .txt)").set_input_files(
        manuscript(tmp_path / "网格化治理.docx")
    )
    button(page, "Upload").click()
    said(page, t("Version %(version)s of the manuscript uploaded.", version=1))
    said(page, "网格作为市域社会治理的基本单元")  # the converted text, shown at once
    journey.look(page, "paper-uploaded")
    upload_after_the_session_ended(journey, page, tmp_path)
    button(page, "Submit the paper").click()
    said(page, t("Paper #%(number)s submitted. A receipt is on its way by e-mail.", number=1))
    journey.look(page, "paper-submitted")
    journey.illustrate(page, "paper-submitted")
    journey.mail_link(SUBMITTER[0], f"/{SLUG}/papers/1")  # the receipt


def city_sends_another_paper(journey: Journey, page: Page, tmp_path: Path, title: str, number: int) -> None:
    """One more paper from 广州市, from the form to its receipt, without pausing for pictures."""
    link(seminar_bar(page), "My papers").click()
    link(page, "New paper").click()
    fill_the_paper_form(page, title)
    button(page, "Save").click()
    said(page, t("Paper #%(number)s saved as a draft. Now upload the manuscript.", number=number))
    labelled(page, "Upload a manuscript (.docx preferred, or .pdf, .md, .txt)").set_input_files(
        manuscript(tmp_path / f"{title}.docx", title)
    )
    button(page, "Upload").click()
    said(page, t("Version %(version)s of the manuscript uploaded.", version=1))
    button(page, "Submit the paper").click()
    said(page, t("Paper #%(number)s submitted. A receipt is on its way by e-mail.", number=number))
    journey.look(page, f"paper-{number}-submitted", check=False)


def reviewer_states_preferences(journey: Journey, page: Page) -> None:
    set_password(journey, page, REVIEWER)
    link(seminar_bar(page), "My reviews").click()
    link(page, "State your preferences for papers").click()
    paper = page.get_by_role("group", name=re.compile(PAPER))
    labelled(paper, "Want to review (想审)").check()
    journey.look(page, "preferences")
    journey.illustrate(page, "preferences")
    button(page, "Save preferences").click()
    said(page, t("Your preferences for %(count)s papers are saved.", count=1))


def organizer_assigns(journey: Journey, page: Page) -> None:
    link(seminar_bar(page), "Dashboard").click()
    menu(page, "Reviewing", "Assignments")
    journey.look(page, "assignments")
    link(page, "Assign automatically").click()
    journey.look(page, "automatic-assignment")
    journey.illustrate(page, "automatic-assignment")
    button(page, "Apply: make %(count)s assignments", count=2).click()
    said(page, t("%(count)s assignments made. The reviewers are told by e-mail.", count=2))
    journey.look(page, "assigned", check=False)


def reviewer_scores_and_comments(journey: Journey, page: Page) -> None:
    page.goto(journey.mail_link(REVIEWER[0], f"/{SLUG}/reviews/"))
    main(page).get_by_role("link", name=PAPER).click()
    scores = main(page).get_by_role("spinbutton").all()
    tops = [int(score.get_attribute("max") or 0) for score in scores]
    for score, top in zip(scores, tops, strict=True):  # each criterion, a little under its maximum
        score.fill(str(top - 2))
    scores[1].fill(str(tops[1] + 5))  # a slip of the finger: over the maximum, marked where it is, not counted
    comment = labelled(page, "Comment to the authors (点评)")
    with page.expect_response(lambda r: r.url.endswith("/autosave") and COMMENT.encode() in (r.request.post_data_buffer or b"")) as saved:
        comment.fill(COMMENT)
        comment.blur()
    assert saved.value.status == 200  # the draft is kept, the wrong score with it
    page.reload()  # nothing typed is lost
    expect(comment).to_have_value(COMMENT)
    expect(scores[1]).to_have_value(str(tops[1] + 5))
    expect(scores[1]).to_have_attribute("aria-invalid", "true")
    valid_total = sum(top - 2 for top in tops)
    expect(page.locator("#review-total")).to_have_text(str(valid_total - (tops[1] - 2)))
    journey.look(page, "review-form-marked")
    scores[1].fill(str(tops[1] - 2))
    expect(scores[1]).not_to_have_attribute("aria-invalid", "true")
    expect(page.locator("#review-total")).to_have_text(str(valid_total))
    labelled(page, "Keynote speech").check()
    labelled(page, "High").check()
    before, after = CHINESE.gettext("Draft saved at %(time)s.").split("%(time)s")
    expect(page.locator("#autosave-status")).to_have_text(re.compile(f"^{re.escape(before)}.+{re.escape(after)}$"))
    journey.look(page, "review-form")
    journey.illustrate(page, "review-form", part=main(page).locator("section", has=page.get_by_role("heading", name=t("Your review"))))
    button(page, "Submit review").click()  # at once, as people do, while the autosave may still be on its way
    said(page, t("Your review of paper #%(number)s is submitted. You may change it until the deadline.", number=1))
    journey.look(page, "review-submitted", check=False)


def reviewer_begins_a_draft(journey: Journey, page: Page, title: str) -> None:
    """The reviewer starts on the other paper assigned to them: a 点评, kept by autosave."""
    link(seminar_bar(page), "My reviews").click()
    main(page).get_by_role("link", name=title).click()
    page.wait_for_load_state()  # autosave listens once the page's deferred scripts have run
    comment = labelled(page, "Comment to the authors (点评)")
    with page.expect_response(
        lambda r: r.url.endswith("/autosave") and DRAFT_COMMENT.encode() in (r.request.post_data_buffer or b"")
    ) as saved:
        comment.fill(DRAFT_COMMENT)
        comment.blur()
    assert saved.value.status == 200


def city_withdraws_a_paper(journey: Journey, page: Page, title: str, number: int) -> None:
    """While its window is open the city withdraws a paper that already has a reviewer."""
    link(seminar_bar(page), "My papers").click()
    main(page).get_by_role("link", name=title).click()
    link(main(page), "Withdraw").click()
    labelled(page, "Yes, withdraw this paper.").check()
    journey.look(page, "withdraw")
    button(main(page), "Withdraw").click()
    said(page, t("Paper #%(number)s withdrawn.", number=number))
    journey.look(page, "paper-withdrawn", check=False)


def reviewer_finds_the_withdrawn_paper_ended(journey: Journey, page: Page) -> None:
    """The mail says the review is no longer needed; the queue keeps the paper as ended, not as work,
    and its review page shows the draft, read-only."""
    told = t("The city has withdrawn paper #%(number)s “%(title)s” of the seminar “%(seminar)s”. Your review of it "
             "is no longer needed.", number=2, title=WITHDRAWN, seminar=SEMINAR)
    page.goto(journey.mail_link(REVIEWER[0], f"/{SLUG}/reviews/", containing=told))
    said(page, t("Assigned: %(assigned)s · drafts: %(drafted)s · submitted: %(submitted)s", assigned=1, drafted=0, submitted=1))
    row = main(page).get_by_role("row").filter(has=page.get_by_role("link", name=WITHDRAWN))
    expect(row).to_contain_text(t("Withdrawn by the city"))
    journey.look(page, "my-reviews-withdrawn")
    row.get_by_role("link", name=WITHDRAWN).click()
    said(page, t("The city has withdrawn this paper: your review is kept as it is, but it cannot be changed unless "
                 "the paper is sent in again."))
    comment = labelled(page, "Comment to the authors (点评)")
    expect(comment).to_have_value(DRAFT_COMMENT)
    expect(comment).to_be_disabled()
    expect(main(page).get_by_role("spinbutton").first).to_be_disabled()
    expect(button(main(page), "Submit review")).to_have_count(0)
    journey.look(page, "review-withdrawn")


def organizer_closes_submission(journey: Journey, page: Page, today: dt.date) -> None:
    """The submission deadline passes (here: the organizer moves it to yesterday)."""
    menu(page, "Manage", "Settings")
    page.wait_for_load_state()
    labelled(page, "Submission deadline").fill(f"{today - dt.timedelta(days=1)}T18:00")
    button(main(page), "Save settings").click()
    said(page, t("Settings saved."))


def city_is_late_and_gets_an_extension(journey: Journey, city: Page, organizer: Page, today: dt.date) -> None:
    """广州市 has one more paper after the deadline: its page says so; the organizer extends its deadline."""
    link(seminar_bar(city), "My papers").click()
    said(city, t("The submission deadline has passed: papers can no longer be changed."))
    expect(link(main(city), "New paper")).to_have_count(0)
    journey.look(city, "my-papers-closed", check=False)

    menu(organizer, "Manage", "Deadline extensions")
    organizer.wait_for_load_state()
    labelled(organizer, "City").select_option(label="广州市")
    labelled(organizer, "New deadline for this city").fill(f"{today + dt.timedelta(days=3)}T18:00")
    button(main(organizer), "Save").click()
    granted = CHINESE.gettext("%(city)s may now submit until %(until)s.").split("%(until)s")[0]
    said(organizer, granted % {"city": "广州市"})
    journey.look(organizer, "deadline-extensions")

    city.reload()
    said(city, t("extended for your city"))
    expect(link(main(city), "New paper")).to_have_count(1)


def organizer_reads_a_report(journey: Journey, page: Page) -> None:
    """查重: the paper list shows each paper's 去除引用复制比; the late paper's report, which the worker
    finishes while the organizer looks at it, finds the passage it shares with paper #1."""
    link(seminar_bar(page), "Papers").click()
    papers = main(page).locator("table.papers")
    expect(papers.locator("thead")).to_contain_text("去除引用复制比")
    late = papers.get_by_role("row").filter(has_text=LATE)
    journey.look(page, "papers-overlap")
    late.locator("td").last.get_by_role("link").click()  # the ratio, or the check's state while it runs
    said(page, t("查重 report"))
    # The page follows the check and shows its outcome with no reload (static/js/progress.js).
    facts = main(page).locator("dl.facts")
    expect(facts).to_contain_text("复制比", timeout=patience(60) * 1000)
    expect(main(page).locator("table.overlap-sources")).to_contain_text(f"#1 {PAPER}")
    expect(main(page).locator(".side-by-side mark").first).to_contain_text("形成发现、上报、处置、反馈的闭环")
    journey.look(page, "overlap-report")
    page.set_viewport_size({"width": 390, "height": 844})
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, "the report is wider than the phone"
    journey.look(page, "overlap-report-phone")
    page.set_viewport_size({"width": 1280, "height": 900})


def organizer_assigns_the_late_paper(journey: Journey, page: Page) -> None:
    """The organizers are told the late paper needs reviewers; automatic assignment completes it alone."""
    page.goto(journey.mail_link(ORGANIZER[0], f"/{SLUG}/manage/assignments", containing=LATE))
    link(page, "Assign automatically").click()
    said(page, LATE)
    journey.look(page, "automatic-assignment-late", check=False)
    button(page, "Apply: make %(count)s assignments", count=1).click()
    said(page, t("%(count)s assignments made. The reviewers are told by e-mail.", count=1))


def reviewer_reviews_the_late_paper(journey: Journey, page: Page) -> None:
    page.goto(journey.mail_link(REVIEWER[0], f"/{SLUG}/reviews/", containing=f"#3 {LATE}"))
    main(page).get_by_role("link", name=LATE).click()
    page.wait_for_load_state()
    for score in main(page).get_by_role("spinbutton").all():
        score.fill(str(int(score.get_attribute("max") or 0) - 4))
    labelled(page, "Comment to the authors (点评)").fill("数字化治理案例扎实，可在研讨交流中分享。")
    labelled(page, "Discussion contribution (研讨交流)").check()
    labelled(page, "Medium").check()
    button(page, "Submit review").click()
    said(page, t("Your review of paper #%(number)s is submitted. You may change it until the deadline.", number=3))


def organizer_decides(journey: Journey, page: Page) -> None:
    menu(page, "Reviewing", "Ranking and decisions")
    expect(main(page)).not_to_contain_text(WITHDRAWN)  # nothing to decide on a withdrawn paper
    late = page.get_by_role("row").filter(has=page.get_by_role("link", name="#3", exact=True))
    labelled(late, "Decision").select_option(label=t("Discussion contribution (研讨交流)"))
    button(late, "Decide").click()
    said(page, tn("Decision recorded for %(num)s paper.", "Decision recorded for %(num)s papers.", 1))
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name="#1", exact=True))
    labelled(row, "Decision").select_option(label=t("Keynote speech (重点发言)"))
    labelled(row, "Award").select_option(label=t("First prize (一等奖)"))
    journey.look(page, "ranking")
    journey.illustrate(page, "ranking")
    with page.expect_navigation():  # the page already says a decision was recorded: wait for the new one
        button(row, "Decide").click()
    said(page, tn("Decision recorded for %(num)s paper.", "Decision recorded for %(num)s papers.", 1))
    said(page, COMMENT)  # the reviewer's 点评, inline


def organizer_names_the_commentator(page: Page) -> None:
    """A topic session without 点评人 is a finding; its fix link leads to the session form."""
    checks = main(page).locator(".agenda-checks")
    link(checks, "Edit session").first.click()
    commentator = page.get_by_role("group", name=t("Commentator %(number)s", number=1))
    labelled(commentator, "Name").fill("李明")
    labelled(commentator, "Unit").fill("省委政法委")
    labelled(commentator, "Position").fill("副秘书长")
    button(page, "Save session").click()
    said(page, t("Session saved."))


def organizer_publishes_the_agenda(journey: Journey, page: Page) -> None:
    link(seminar_bar(page), "Agenda editor").click()
    link(page, "Days, times and rooms").click()
    labelled(page, "Room name").fill("第一会议室")
    button(page, "Add room").click()
    said(page, t("Room “%(name)s” added.", name="第一会议室"))
    beside_its_label(page, labelled(page, "Topics may run in parallel rooms"))
    button(page, "Save settings").click()
    said(page, t("Agenda settings saved."))
    journey.look(page, "agenda-settings")
    page.get_by_role("link", name=f"← {t('Agenda editor')}").click()
    button(page, "Draft from decisions").click()
    said(page, t("The agenda was drafted from the decisions. Check it, adjust it, then publish it."))
    said(page, PAPER)
    organizer_names_the_commentator(page)
    expect(main(page).locator(".agenda-checks")).to_contain_text(t("No problems found."))
    journey.look(page, "agenda-draft")
    journey.illustrate(page, "agenda-editor", height=1100)
    button(page, "Publish version %(number)s", number=1).click()
    said(page, t("Version %(number)s of the agenda is published.", number=1))
    link(seminar_bar(page), "Seminar agenda").click()
    said(page, PAPER)
    said(page, LATE)
    expect(main(page)).not_to_contain_text(WITHDRAWN)
    journey.look(page, "agenda")
    journey.illustrate(page, "agenda")
    agenda_on_a_phone(journey, page)


def agenda_on_a_phone(journey: Journey, page: Page) -> None:
    """The site's header, with the person's name, on a phone; nothing touches the screen's edge or breaks a room's name."""
    page.set_viewport_size({"width": 390, "height": 844})
    header = page.locator("header.site-header")
    brand = header.get_by_role("link", name=t("Seminars"), exact=True).bounding_box()
    room = page.locator(".agenda-topics .room-name").first
    assert brand and brand["x"] >= 8, f"the header's text starts at {brand}"
    assert header.get_by_text(ORGANIZER[1], exact=True).is_visible()
    assert link(seminar_bar(page), "Seminar agenda").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    assert len(room.evaluate("element => [...element.getClientRects()]")) == 1, "the room's name wraps"
    journey.look(page, "agenda-phone")
    journey.illustrate(page, "agenda-phone", height=844)
    page.set_viewport_size({"width": 1280, "height": 900})


def organizer_publishes_the_proceedings(journey: Journey, page: Page) -> None:
    page.go_back()  # the public agenda's seminar bar has no organizers' menus
    menu(page, "Manage", "Proceedings")
    page.wait_for_load_state()  # keep-typed.js listens once the page's deferred scripts have run
    preface = labelled(page, "Preface")
    preface.fill("本论文集收录本次研讨班交流的论文。")
    page.reload()  # before saving: what was typed is put back
    expect(preface).to_have_value("本论文集收录本次研讨班交流的论文。")
    said(page, t("What you typed here and did not send is back. It stays in this browser until you send the form."))
    journey.look(page, "preface-kept")
    button(page, "Save settings").click()
    said(page, t("Proceedings settings saved."))
    button(page, "Build").click()
    said(page, t("The build is queued; this page shows its progress."))
    journey.look(page, "proceedings-queued")
    publish = button(page, "Publish")
    # A worker typesets the book; the page follows it and shows the finished build, with no reload.
    expect(publish.or_(main(page).get_by_text(t("Build failed"), exact=True))).to_be_visible(timeout=patience(240) * 1000)
    assert publish.count(), main(page).inner_text()
    journey.look(page, "proceedings-built")
    journey.illustrate(page, "proceedings")
    publish.click()
    # The build's number is its row's id: other tests' builds before this one (on PostgreSQL, or in a
    # suite that ran them first) move it on, so any number will do.
    published = re.escape(t("Build #%(id)s is published: readers download it now.", id="ID")).replace("ID", r"\d+")
    expect(main(page)).to_contain_text(re.compile(published))
    journey.look(page, "proceedings-published", check=False)


def attendee_registers_and_downloads_the_book(journey: Journey, page: Page) -> None:
    page.goto(f"/{SLUG}/")
    journey.look(page, "seminar-home-visitor")
    link(main(page), "Register").click()
    labelled(page, "Name").fill(ATTENDEE[1])
    labelled(page, "Unit").select_option(label="深圳市")
    labelled(page, "Position").fill("科长")
    labelled(page, "Phone").fill("13900139000")
    labelled(page, "E-mail").fill(ATTENDEE[0])
    journey.look(page, "register")
    journey.illustrate(page, "register")
    button(main(page), "Register").click()
    said(page, t("Thank you. We have sent an e-mail to the address you gave: follow it to finish."))

    set_password(journey, page, ATTENDEE)
    link(seminar_bar(page), "My seminar").click()
    book = link(main(page), "Proceedings (the whole book)")
    journey.look(page, "my-seminar")
    journey.illustrate(page, "my-seminar", height=600)
    address = book.get_attribute("href") or ""
    book.click()
    page.wait_for_timeout(1500)  # Chromium's PDF viewer draws the first pages
    journey.look(page, "the-book", check=False)

    download = page.request.get(address)  # the same request, with the attendee's cookies, kept as a file
    assert download.status == 200
    assert download.headers["content-type"] == "application/pdf"
    assert "论文集.pdf" in urllib.parse.unquote(download.headers["content-disposition"])
    pdf = download.body()
    assert pdf.startswith(b"%PDF-")
    (journey.shots / "论文集.pdf").write_bytes(pdf)
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert PAPER in text and LATE in text
    assert "矛盾纠纷就地化解" not in text and DRAFT_COMMENT not in text  # the withdrawn paper, its draft 点评


def administrator_reads_the_audit_log(journey: Journey, page: Page) -> None:
    """The organizer is also the site's administrator (`seminar createadmin`): the whole site's log."""
    link(page.get_by_role("navigation", name=t("Main")), "Audit log").click()
    # the book's publication, just now; the build's number depends on what was built before in the same database
    expect(main(page)).to_contain_text(re.compile(rf"POST /{SLUG}/manage/proceedings/builds/\d+/publish"))
    journey.look(page, "audit-log")
    journey.illustrate(page, "audit-log")


def staff_check_the_attendee_in_on_a_phone(journey: Journey, organizer: Page, staff: Page) -> None:
    """The organizer makes a 工作人员 and prints the badges; on the day the staff member opens the attendee's badge
    QR address on a phone and checks them in; the organizer's check-in page, left open, counts one more."""
    organizer.goto(f"/{SLUG}/manage/people")
    link(organizer, "Invite a person").click()
    labelled(organizer, "Name").fill(STAFF[1])
    labelled(organizer, "E-mail").fill(STAFF[0])
    labelled(organizer, "Unit").select_option(label="省委政法委")
    labelled(organizer, "Staff").check()
    button(organizer, "Invite").click()
    said(organizer, STAFF[0])

    badges = organizer.request.get(f"/{SLUG}/manage/badges.pdf")
    assert badges.status == 200
    reader = PdfReader(io.BytesIO(badges.body()))
    # Each badge's QR code is also a link in the PDF, to the address the code carries: staff (the organizer
    # and the new 工作人员), the 点评专家 (the reviewer), then the 代表 (the attendee), four to the first sheet.
    # (WeasyPrint may write a link as several areas: each address once, in order.)
    addresses = list(dict.fromkeys(str(annotation.get_object()["/A"]["/URI"])
                                   for annotation in reader.pages[0].get("/Annots", [])))
    assert len(addresses) == 4 and all(f"/{SLUG}/checkin/" in address for address in addresses), addresses
    assert ATTENDEE[1] in re.sub(r"\s+", "", reader.pages[0].extract_text())
    badge = addresses[-1]

    menu(organizer, "Manage", "Check-in")
    count = main(organizer).locator("[data-checked-in]")
    expect(count).to_have_text("0")
    expect(main(organizer).locator("[data-expected]")).to_have_text("2")  # the attendee and the reviewer
    said(organizer, ATTENDEE[1])  # among those missing
    journey.look(organizer, "checkin-overview")

    set_password(journey, staff, STAFF)
    staff.set_viewport_size(PHONE)
    staff.goto(badge)
    said(staff, ATTENDEE[1])
    said(staff, "深圳市")
    journey.look(staff, "checkin-badge")
    main(staff).get_by_role("button", name=re.compile("^" + re.escape(t("Check in")))).click()
    expect(staff.locator(".flash-success")).to_contain_text(ATTENDEE[1])
    journey.look(staff, "checkin-done")
    link(main(staff), "Scan the next badge").click()
    journey.look(staff, "checkin-scanner")

    expect(count).to_have_text("1", timeout=patience(20) * 1000)  # the open page polls its figures
    journey.look(organizer, "checkin-overview-after")
