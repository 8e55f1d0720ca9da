"""Errors for browsers and for clients (end-to-end ring): a browser that meets an unknown
address or a failure gets a page in its language; the API and clients that ask for JSON
keep RFC 9457 problem documents as before; the site's icon is served."""

from __future__ import annotations

import httpx
import pytest
from playwright.sync_api import expect

from xinyong.entrypoints.web import i18n
from xinyong.services.publication import Publication

pytestmark = pytest.mark.e2e

UNKNOWN = ["/lists/no-such-list/entries", "/portal/foo", "/nonexistent"]
BROWSER_ACCEPT = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize("language", i18n.LANGUAGES)
@pytest.mark.parametrize("path", UNKNOWN)
def test_a_browser_meets_an_unknown_address_with_a_page_in_its_language(new_context, path: str, language: str):
    page = new_context(locale=language).new_page()
    response = page.goto(path)
    assert response is not None and response.status == 404
    assert response.headers["content-type"].startswith("text/html")
    t = i18n.translator(language)
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("h1")).to_have_text(t("error.not_found"))
    expect(page.locator("main")).to_contain_text(t("error.not_found.message"))
    expect(page.locator("main a[href='/']")).to_have_text(t("error.home"))


@pytest.mark.parametrize("path", UNKNOWN)
def test_a_client_asking_for_json_gets_the_problem_document_for_an_unknown_address(server: str, path: str):
    answer = httpx.get(server + path, headers={"Accept": "application/json"})
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json() == {
        "type": "https://xinyong.invalid/problems/not-found",
        "title": "Not Found",
        "status": 404,
        "instance": path,
    }


def test_the_api_answers_a_browser_with_a_problem_document(server: str):
    answer = httpx.get(server + "/v1/nonexistent", headers={"Accept": BROWSER_ACCEPT, "Accept-Language": "zh-CN"})
    assert answer.status_code == 404
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["type"] == "https://xinyong.invalid/problems/not-found"


def test_a_client_without_an_accept_header_gets_the_problem_document(server: str):
    answer = httpx.get(server + "/nonexistent", headers={"Accept": "*/*"})
    assert (answer.status_code, answer.headers["content-type"]) == (404, "application/problem+json")


def test_a_method_a_page_does_not_take_is_a_page_for_a_browser(server: str):
    answer = httpx.get(server + "/portal/disputes", headers={"Accept": BROWSER_ACCEPT, "Accept-Language": "en"})
    assert answer.status_code == 405
    assert answer.headers["content-type"].startswith("text/html")
    assert i18n.translator("en")("error.method_not_allowed") in answer.text


@pytest.fixture
def failing_home(monkeypatch):
    """The home page fails as a bug would: its list of lists raises."""

    def broken(self, day):
        raise RuntimeError("secret-detail-of-the-failure")

    monkeypatch.setattr(Publication, "lists", broken)


@pytest.mark.parametrize("language", i18n.LANGUAGES)
def test_a_failure_is_a_page_in_the_browsers_language_without_the_traceback(new_context, failing_home, language):
    page = new_context(locale=language).new_page()
    response = page.goto("/")
    assert response is not None and response.status == 500
    assert response.headers["content-type"].startswith("text/html")
    t = i18n.translator(language)
    expect(page.locator("h1")).to_have_text(t("error.internal"))
    request_id = response.headers["x-request-id"]
    expect(page.locator("main")).to_contain_text(t("error.reference", reference=request_id))
    html = page.content()
    for leak in ("secret-detail-of-the-failure", "RuntimeError", "Traceback", "Publication.lists"):
        assert leak not in html


def test_a_failure_is_a_problem_document_for_a_client_asking_for_json(server: str, failing_home):
    answer = httpx.get(server + "/", headers={"Accept": "application/json"})
    assert (answer.status_code, answer.headers["content-type"]) == (500, "application/problem+json")
    problem = answer.json()
    assert problem["type"] == "https://xinyong.invalid/problems/internal-error"
    assert problem["request_id"] == answer.headers["x-request-id"]
    assert "secret-detail-of-the-failure" not in answer.text


def test_the_site_has_an_icon(page, server: str):
    page.goto("/")
    icon = page.locator("link[rel=icon]").get_attribute("href")
    assert icon is not None and not icon.startswith("data:")
    for path in (icon, "/favicon.ico"):
        answer = httpx.get(server + path, headers={"Accept": "image/avif,image/webp,*/*;q=0.8"})
        assert answer.status_code == 200
        assert answer.headers["content-type"].startswith("image/svg+xml")
        assert answer.text.startswith("<svg")
