"""The web forms take what the service takes (end-to-end ring): each field's maxlength is
the API's limit for it, read from the API's own models so that the two cannot drift
apart, and an over-long value posted past the browser is refused next to its field, in
the page's language, with nothing written."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from playwright.sync_api import Page, expect

from tests.web.conftest import World, sign_in
from xinyong.entrypoints.api import models
from xinyong.entrypoints.web import i18n
from xinyong.entrypoints.web.pages import templates

pytestmark = pytest.mark.e2e


def longest(model: type, field: str) -> int:
    """The API's ``max_length`` of ``field`` of ``model``."""
    return next(m.max_length for m in model.model_fields[field].metadata if hasattr(m, "max_length"))


def pattern(model: type, field: str) -> str:
    return next(m.pattern for m in model.model_fields[field].metadata if getattr(m, "pattern", None))


PORTAL_FIELDS = [
    ("#dispute-grounds", models.DisputeFiling, "grounds"),
    ("#repair-proof", models.RepairApplication, "proof"),
    ("#repair-commitment", models.RepairApplication, "commitment"),
    ("#contact-email", models.ContactChange, "email"),
]


def test_the_portals_fields_take_as_much_as_the_api(page: Page, world: World):
    sign_in(page, "portal", world.subject_token(world.resident_record().subject))
    for selector, model, field in PORTAL_FIELDS:
        expect(page.locator(selector)).to_have_attribute("maxlength", str(longest(model, field)))
    for selector in ("#dispute-grounds", "#dispute-record", "#repair-proof", "#repair-commitment", "#contact-email"):
        expect(page.locator(selector)).to_have_attribute("required", "")
    # The browser's pattern is anchored by itself: the API's, without its anchors.
    expected = pattern(models.ContactChange, "email").removeprefix("^").removesuffix("$")
    expect(page.locator("#contact-email")).to_have_attribute("pattern", expected)
    # Errors come from the service, next to the fields, in the page's language.
    for form in ("#dispute-form", "#repair-form", "#contact-form"):
        expect(page.locator(form)).to_have_attribute("novalidate", "")


def test_a_review_request_takes_as_much_as_the_api():
    # Adverse-action notices come from a service point's refusal: the notice as the inbox shows it.
    notice = SimpleNamespace(kind="adverse_action", id="n-1", created_at="2026-12-01T09:00:00", record=None)
    html = templates.get_template("_notice.html").render(
        t=i18n.translator("en"), notice_words=lambda n: ("", ""), n=notice, reviewed=set(), errors={}, values={}
    )
    grounds = re.search(r'<textarea id="review-n-1-grounds"[^>]*>', html)
    assert grounds is not None
    assert f'maxlength="{longest(models.ReviewRequest, "grounds")}"' in grounds.group(0)
    assert " required" in grounds.group(0)


def test_an_officers_reasons_take_as_much_as_the_api(page: Page, world: World):
    sign_in(page, "console", world.token("officer"))
    reasons = page.locator("li.queue-item textarea[name='reasons']").first
    expect(reasons).to_have_attribute("maxlength", str(longest(models.Decision, "reasons")))


def _csrf(page: Page, form: str) -> str:
    value = page.locator(f"{form} input[name='csrf']").get_attribute("value")
    assert value
    return value


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_over_long_grounds_posted_past_the_browser_are_refused_next_to_the_field(
    new_context, world: World, language: str
):
    page = new_context(locale=language).new_page()
    file = world.disputable_penalty()
    sign_in(page, "portal", world.subject_token(file.subject))
    limit = longest(models.DisputeFiling, "grounds")
    form = {"csrf": _csrf(page, "#dispute-form"), "record": file.id, "grounds": "x" * (limit + 1)}
    answer = page.context.request.post("/portal/disputes", form=form, headers={"Accept-Language": language})
    assert answer.status == 422
    page.set_content(answer.text())
    error = page.locator("#dispute-grounds-error")
    expect(error).to_contain_text(i18n.translator(language)("form.too_long", max=limit))
    grounds = page.locator("#dispute-grounds")
    expect(grounds).to_have_attribute("aria-invalid", "true")
    expect(grounds).to_have_attribute("aria-describedby", re.compile(r"\bdispute-grounds-error\b"))
    # In the page's language: none of pydantic's English.
    expect(page.locator("main")).not_to_contain_text("String should have")
    assert not any(v.record == file.id for v in world.deployment.due_process.disputes(world.today, "all"))


def test_over_long_reasons_posted_past_the_browser_are_refused_next_to_the_field(new_context, world: World):
    page = new_context(locale="zh-CN").new_page()
    sign_in(page, "console", world.token("officer"))
    item = page.locator("li.queue-item[id^='dispute-']").first
    slot = item.get_attribute("id")
    assert slot is not None
    dispute = int(slot.removeprefix("dispute-"))
    limit = longest(models.Decision, "reasons")
    form = {"csrf": _csrf(page, f"#{slot}"), "outcome": "upheld", "reasons": "理" * (limit + 1)}
    answer = page.context.request.post(f"/console/disputes/{dispute}", form=form)
    assert answer.status == 422
    page.set_content(answer.text())
    expect(page.locator(f"#{slot}-reasons-error")).to_contain_text(i18n.translator("zh-CN")("form.too_long", max=limit))
    expect(page.locator(f"#{slot} textarea[name='reasons']")).to_have_attribute("aria-invalid", "true")
    still_open = {v.id for v in world.deployment.due_process.disputes(world.today, "open")}
    assert dispute in still_open
