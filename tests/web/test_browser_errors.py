"""Who gets an error as a page rather than a problem document (pure: no server)."""

from __future__ import annotations

import pytest

from xinyong.entrypoints.web.errors import wants_page

pytestmark = pytest.mark.unit

CHROMIUM = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("path", "accept", "page"),
    [
        ("/lists/", CHROMIUM, True),
        ("/portal/foo", "text/html, application/json;q=0.9", True),
        ("/lists/", "application/json", False),
        ("/lists/", "application/problem+json", False),
        ("/lists/", "text/html;q=0.5, application/json", False),
        ("/lists/", "text/html, application/json", False),  # a tie goes to JSON
        ("/lists/", "*/*", False),
        ("/lists/", None, False),
        ("/lists/", "text/html;q=bad", False),
        ("/v1/nonexistent", CHROMIUM, False),
        ("/v1", CHROMIUM, False),
        ("/v1x", CHROMIUM, True),
    ],
)
def test_a_page_goes_to_browsers_outside_the_api_and_json_to_whoever_asks_for_it(path, accept, page):
    assert wants_page(path, accept) is page
