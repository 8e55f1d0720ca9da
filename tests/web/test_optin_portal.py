"""The portal's opt-in score page (docs/design.md section 9) in real Chromium: a resident
gives consent with the form, bills from the water company come in through intake, the
page shows the score, its band, its reasons in the reader's language and what would
raise each, and the consent with a withdraw button that asks first and then erases."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from playwright.sync_api import expect

from tests.support.identifiers import rid
from tests.web.conftest import World, screenshot, sign_in
from tests.web.test_languages import CHINESE_LATIN_AT_MOST, CJK, latin_share, latin_words, shown_text
from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef

pytestmark = pytest.mark.e2e


def _bills(world: World, subject: str, prefix: str) -> None:
    """Three water bills due 90, 60 and 30 days ago, the last paid five days late; filed
    through intake, as the water company's token files them."""
    today = world.today

    def day(n: int) -> str:
        return (today - dt.timedelta(days=n)).isoformat()

    events = [
        {
            "type": "obligation",
            "id": f"{prefix}-o1",
            "subject": subject,
            "source": "water-co",
            "due_on": day(90),
            "amount": 40,
        },
        {
            "type": "obligation",
            "id": f"{prefix}-o2",
            "subject": subject,
            "source": "water-co",
            "due_on": day(60),
            "amount": 40,
        },
        {
            "type": "obligation",
            "id": f"{prefix}-o3",
            "subject": subject,
            "source": "water-co",
            "due_on": day(30),
            "amount": 40,
        },
        {"type": "paid", "id": f"{prefix}-p1", "obligation": f"{prefix}-o1", "on": day(90)},
        {"type": "paid", "id": f"{prefix}-p2", "obligation": f"{prefix}-o2", "on": day(61)},
        {"type": "paid", "id": f"{prefix}-p3", "obligation": f"{prefix}-o3", "on": day(25)},
    ]
    world.deployment.intake.import_lines([json.dumps(e) for e in events])


def test_a_resident_consents_reads_the_reasons_and_withdraws(new_context, world: World):
    subject = rid("37108219911111001")
    token = world.subject_token(SubjectRef.parse(subject))
    page = new_context().new_page()
    sign_in(page, "portal", token)
    page.click("a[href='/portal/optin']")
    section = page.locator("[data-scorecard='civic-optin']")
    expect(section.locator(".optin-give")).to_be_visible()
    # Consenting needs a purpose: the form says so next to the field.
    section.locator(".optin-give button[type=submit]").click()
    expect(page.locator(".field-error")).to_contain_text("Choose at least one purpose")
    section.locator("input[name='source-city-bank']").uncheck()
    section.locator("input[name='purpose-lending']").check()
    section.locator(".optin-give button[type=submit]").click()
    expect(page.locator("#done")).to_contain_text("Your consent is given")
    consent = section.locator(".optin-consent")
    expect(consent).to_contain_text("Rongcheng Water Supply Company")
    expect(consent).not_to_contain_text("Rongcheng City Commercial Bank")
    expect(consent).to_contain_text("lending")

    _bills(world, subject, "portal")
    page.reload()
    # 2 of 3 on time: -120; one late this year: -30; none open: +20.  600 - 130 = 470.
    expect(section.locator(".score-value")).to_have_text("470")
    expect(section.locator(".optin-band")).to_have_text("poor")
    reasons = section.locator(".optin-reasons li")
    expect(reasons.first).to_contain_text("Bills paid late in the last two years")
    expect(reasons.first).to_contain_text("at least 80% and below 95%")
    screenshot(page, "optin-portal-en")

    # A lender's read, for the purpose consented to, is in the resident's access log.
    lender = Reader("city-bank-loans", "lender", "t-lender", ("lending",))
    world.deployment.optin.score(SubjectRef.parse(subject), "civic-optin", world.today, lender, "lending")
    page.goto("/portal#access")
    expect(page.locator("tr[data-role='lender']").first).to_contain_text("read your opt-in score")
    page.goto("/portal/optin")

    # Withdrawing asks first; confirmed, the bills are erased and the consent form is back.
    consent.locator("button[type=submit]").click()
    expect(page.locator("#withdraw")).to_contain_text("erased for good")
    page.locator("#withdraw button[type=submit]").click()
    expect(page.locator("#done")).to_contain_text("withdrawn")
    expect(section.locator(".optin-give")).to_be_visible()
    expect(section.locator(".optin-score")).to_have_count(0)
    kept = world.deployment.units(read_only=True)
    with kept as uow:
        assert uow.optin.obligations(SubjectRef.parse(subject)) == []


def test_the_opt_in_page_speaks_chinese_and_english(new_context, world: World):
    subject = rid("37108219921212002")
    world.deployment.intake.import_lines(
        [
            json.dumps(
                {
                    "type": "consent_given",
                    "id": "zh-consent",
                    "subject": subject,
                    "scorecard": "civic-optin",
                    "sources": ["water-co", "city-bank"],
                    "purposes": ["lending", "rental-deposit"],
                    "on": world.today.isoformat(),
                }
            )
        ]
    )
    _bills(world, subject, "zh")
    token = world.subject_token(SubjectRef.parse(subject))
    chinese = new_context(locale="zh-CN").new_page()
    sign_in(chinese, "portal", token)
    chinese.goto("/portal/optin")
    expect(chinese.locator(".optin-reasons li").first).to_contain_text("近两年有账单逾期缴纳")
    expect(chinese.locator(".optin-band")).to_have_text("较差")
    text = shown_text(chinese, world)
    assert latin_share(text) <= CHINESE_LATIN_AT_MOST, latin_words(text)
    screenshot(chinese, "optin-portal-zh")
    english = new_context().new_page()
    sign_in(english, "portal", token)
    english.goto("/portal/optin")
    expect(english.locator(".optin-band")).to_have_text("poor")
    assert not CJK.search(shown_text(english, world))
