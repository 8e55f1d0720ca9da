"""Signing in through an OpenID Connect provider, in a real browser: the suite's own
provider on loopback (tests.support.oidc_provider), a second server over the demo
database configured for it. A resident reaches their own file, an officer the console
and the access log; every answer of the provider that must not be believed (wrong
issuer, audience or nonce, expired, signed with another key, a replayed state) and every
identity that maps to nothing opens no session. The token form still works beside it,
and without configuration there is no button at all."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest
from playwright.sync_api import expect

from tests.support import oidc_provider
from tests.support import server as serving
from tests.web.conftest import SCORING, World, screenshot, sign_in
from xinyong.domain.identifiers import SubjectRef
from xinyong.entrypoints.web import i18n

pytestmark = pytest.mark.e2e

PROVIDER_NAME = "City ID"
EN = i18n.translator("en")


@pytest.fixture(scope="module")
def provider() -> Iterator[oidc_provider.Provider]:
    with oidc_provider.running() as running:
        yield running


@pytest.fixture(scope="module")
def oidc_served(world: World, provider: oidc_provider.Provider) -> Iterator[serving.Served]:
    """``xinyong serve`` over the demo database, signing in through ``provider``."""
    settings = {
        "XINYONG_NOTICE_INTERVAL": "0",
        "XINYONG_OIDC_ISSUER": provider.issuer,
        "XINYONG_OIDC_CLIENT_ID": provider.client_id,
        "XINYONG_OIDC_CLIENT_SECRET": provider.client_secret,
        "XINYONG_OIDC_PROVIDER_NAME": PROVIDER_NAME,
        **world.env,
    }
    with serving.running(world.db, world.folder, settings, merged=True) as served:
        provider.redirect_uris[:] = [f"{served.url}/portal/sign-in/oidc/callback"]
        provider.redirect_uris.append(f"{served.url}/console/sign-in/oidc/callback")
        yield served


@pytest.fixture(scope="module")
def oidc_server(oidc_served: serving.Served) -> str:
    return oidc_served.url


@pytest.fixture
def oidc_context(browser, oidc_server: str, provider: oidc_provider.Provider):
    """Make a fresh browser profile on the server that signs in through the provider."""
    provider.reset()
    made = []

    def make(locale: str = "en-US"):
        context = browser.new_context(base_url=oidc_server, locale=locale, viewport={"width": 1280, "height": 900})
        context.set_default_timeout(30000)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()
    provider.reset()


def resident_claims(subject: SubjectRef) -> dict[str, object]:
    return {"sub": "resident-7781", "xinyong_subject": str(subject), "name": "A resident"}


OFFICER = {"sub": "officer-0042", "preferred_username": "li.wei", "groups": ["staff", "xinyong-officers"]}


def through_provider(page, area: str) -> None:
    """Open the sign-in page of ``area`` and take the provider's button."""
    page.goto(f"/{area}")
    page.click("#signin-provider")
    page.wait_for_load_state()


def session_cookies(context, area: str) -> list[dict]:
    return [c for c in context.cookies() if c["name"] == f"xy_{area}"]


def expect_refused(page, context, area: str, key: str) -> None:
    """Back on the sign-in page with the message of ``key``, and no session."""
    expect(page.locator("#signin-error")).to_have_text(f"{EN('form.error_prefix')} {EN(key)}")
    expect(page.locator("#token")).to_be_visible()
    assert session_cookies(context, area) == []
    assert not any(c["name"] == f"xy_{area}_oidc" for c in context.cookies())  # the sign-in is spent
    page.goto(f"/{area}")
    expect(page.locator("#signin-provider")).to_be_visible()  # still signed out


def test_a_resident_signs_in_through_the_provider_and_reads_their_own_file(oidc_context, provider, world: World):
    resident = world.resident_record().subject
    provider.user = resident_claims(resident)
    context = oidc_context()
    page = context.new_page()
    through_provider(page, "portal")

    expect(page).to_have_url(f"{page.url.split('/portal')[0]}/portal")
    card = page.locator(f"article[data-catalog='{SCORING}']")
    expect(card.locator(".score-value")).to_have_text(str(world.score(resident)))
    name = world.name(resident)
    if name:
        expect(page.locator("main")).to_contain_text(name)
    screenshot(page, "portal-oidc")
    # The code was exchanged once, with the secret and the PKCE verifier.
    assert provider.token_requests == [(200, "")]
    (cookie,) = session_cookies(context, "portal")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["path"] == "/portal"
    assert cookie["value"].startswith("oidc.") and resident.value not in cookie["value"]
    # Only their own file: the console is not theirs.
    page.goto("/console")
    expect(page.locator("#token")).to_be_visible()


def test_an_officer_signs_in_reaches_the_console_is_named_in_the_access_log_and_signs_out(
    oidc_context, provider, world: World
):
    provider.user = dict(OFFICER)
    context = oidc_context()
    page = context.new_page()
    through_provider(page, "console")
    expect(page.locator("main .lede")).to_contain_text("li.wei")
    screenshot(page, "console-oidc")

    resident = world.resident_record().subject
    page.fill("#lookup-subject", resident.value)
    page.fill("#lookup-purpose", "Complaint 2026-412: checking the record")
    page.click("#lookup button[type=submit]")
    expect(page.locator("h1")).to_contain_text(resident.value)
    _, logged = world.deployment.access_log.entries(resident, limit=1)
    assert (logged[0].reader, logged[0].role, logged[0].purpose) == (
        "li.wei",
        "officer",
        "Complaint 2026-412: checking the record",
    )

    page.goto("/console")
    page.click("form[action='/console/sign-out'] button[type=submit]")
    page.wait_for_load_state()
    expect(page.locator("#signin-provider")).to_be_visible()
    assert session_cookies(context, "console") == []


@pytest.mark.parametrize("misbehaviour", ["wrong_issuer", "wrong_audience", "expired", "other_key", "wrong_nonce"])
def test_an_id_token_that_must_not_be_believed_opens_no_session(oidc_context, provider, world: World, misbehaviour):
    provider.user = dict(OFFICER)
    provider.misbehave = misbehaviour
    context = oidc_context()
    page = context.new_page()
    through_provider(page, "console")
    # The provider answered the token request; the server refused what it said.
    assert provider.token_requests == [(200, "")]
    expect_refused(page, context, "console", "signin.error.oidc.failed")


def test_the_server_logs_why_an_id_token_was_refused_but_never_an_identity_number(
    oidc_context, provider, oidc_served: serving.Served, world: World
):
    resident = world.resident_record().subject
    provider.user = resident_claims(resident)
    through_provider(oidc_context().new_page(), "portal")
    provider.misbehave = "wrong_audience"
    context = oidc_context()
    page = context.new_page()
    through_provider(page, "portal")
    expect_refused(page, context, "portal", "signin.error.oidc.failed")
    output = oidc_served.output()
    assert "the ID token is not believed (invalid_claim: Invalid claim: 'aud')" in output
    assert resident.value not in output


def test_a_replayed_state_opens_no_session(oidc_context, provider, world: World):
    resident = world.resident_record().subject
    provider.user = resident_claims(resident)
    first = oidc_context()
    through_provider(first.new_page(), "portal")
    assert session_cookies(first, "portal")

    # The provider sends the next browser back with the state of the first sign-in.
    provider.misbehave = "replayed_state"
    provider.token_requests.clear()
    context = oidc_context()
    page = context.new_page()
    through_provider(page, "portal")
    expect_refused(page, context, "portal", "signin.error.oidc.state")
    assert provider.token_requests == []  # the code was never exchanged


def test_a_callback_replayed_in_another_browser_opens_no_session(oidc_context, provider, world: World):
    resident = world.resident_record().subject
    provider.user = resident_claims(resident)
    first = oidc_context()
    page = first.new_page()
    callbacks: list[str] = []
    page.on("request", lambda r: callbacks.append(r.url) if "/sign-in/oidc/callback" in r.url else None)
    through_provider(page, "portal")
    assert session_cookies(first, "portal") and len(callbacks) == 1

    context = oidc_context()
    other = context.new_page()
    other.goto(callbacks[0])
    expect_refused(other, context, "portal", "signin.error.oidc.state")


@pytest.mark.parametrize(
    ("area", "claims", "key"),
    [
        ("portal", {"sub": "someone", "name": "No number"}, "signin.error.oidc.portal"),
        ("portal", OFFICER, "signin.error.oidc.portal"),
        ("console", {"sub": "clerk", "preferred_username": "clerk", "groups": ["staff"]}, "signin.error.oidc.console"),
    ],
)
def test_an_identity_that_maps_to_nothing_is_refused_with_a_message(oidc_context, provider, area, claims, key):
    provider.user = dict(claims)
    context = oidc_context()
    page = context.new_page()
    through_provider(page, area)
    assert provider.token_requests == [(200, "")]
    expect_refused(page, context, area, key)


def test_a_sign_in_the_user_declines_at_the_provider_opens_no_session(oidc_context, provider):
    provider.user = None
    context = oidc_context()
    page = context.new_page()
    through_provider(page, "portal")
    expect_refused(page, context, "portal", "signin.error.oidc.denied")


def test_the_refusal_is_shown_in_chinese_too(oidc_context, provider):
    provider.user = {"sub": "someone"}
    context = oidc_context(locale="zh-CN")
    page = context.new_page()
    page.goto("/portal")
    expect(page.locator("#signin-provider")).to_have_text(f"通过 {PROVIDER_NAME} 登录")
    page.click("#signin-provider")
    zh = i18n.translator("zh-CN")
    expect(page.locator("#signin-error")).to_contain_text(zh("signin.error.oidc.portal"))
    screenshot(page, "signin-oidc-refused-zh")


def test_the_token_form_still_signs_in_beside_the_provider(oidc_context, world: World):
    resident = world.resident_record().subject
    page = oidc_context().new_page()
    page.goto("/portal")
    expect(page.locator("#signin-provider")).to_have_text(f"Sign in with {PROVIDER_NAME}")
    screenshot(page, "signin-oidc")
    sign_in(page, "portal", world.subject_token(resident))
    expect(page.locator(f"article[data-catalog='{SCORING}'] .score-value")).to_have_text(str(world.score(resident)))
    console = oidc_context().new_page()
    sign_in(console, "console", world.token("officer"))
    expect(console.locator("main .lede")).to_contain_text("Officer Wang (demo)")


def test_without_configuration_there_is_no_provider_button_and_no_provider_route(page, server: str):
    for area in ("portal", "console"):
        page.goto(f"/{area}")
        expect(page.locator("#token")).to_be_visible()
        expect(page.locator("#signin-provider")).to_have_count(0)
        assert httpx.get(f"{server}/{area}/sign-in/oidc", timeout=10).status_code == 404
