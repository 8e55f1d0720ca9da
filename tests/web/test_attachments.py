"""Attachments in a real browser: a resident files a dispute with a file from the portal
and sees it on the case card; an officer downloads it from the console (the read logged
with the case as its purpose); a file that is not a PDF, JPEG or PNG by its content is
refused next to the file input, in the page's language, and nothing is filed."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.conftest import World, screenshot, sign_in

pytestmark = pytest.mark.e2e

MARKER = b"receipt of the garage, 3 May"
PDF = b"%PDF-1.4\n1 0 obj << /Title (" + MARKER + b") >> endobj\n%%EOF\n"
HTML = b"<!doctype html><title>not a pdf</title><script>alert(1)</script>"


def test_a_resident_attaches_a_file_to_a_dispute_and_an_officer_downloads_it(new_context, world: World):
    file = world.disputable_penalty()
    resident = new_context().new_page()
    sign_in(resident, "portal", world.subject_token(file.subject))
    resident.select_option("#dispute-record", file.id)
    resident.fill("#dispute-grounds", "The car was at the garage that day; the receipt is attached.")
    resident.set_input_files(
        "#dispute-files", files=[{"name": "garage.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    resident.click("#dispute-form button[type=submit]")
    expect(resident.locator("#done")).to_be_visible()
    card = resident.locator("#cases .case-dispute", has_text=file.id)
    link = card.locator("ul.attachments a.attachment")
    expect(link).to_have_text("garage.pdf")
    screenshot(resident, "portal-dispute-attachment")
    with resident.expect_download() as own:
        link.click()
    assert own.value.suggested_filename == "garage.pdf"
    assert own.value.path().read_bytes() == PDF

    dispute = next(v for v in world.deployment.due_process.disputes(world.today) if v.record == file.id)
    [attached] = dispute.attachments
    officer = new_context().new_page()
    sign_in(officer, "console", world.token("officer"))
    item = officer.locator(f"#dispute-{dispute.id}")
    download_link = item.locator("ul.attachments a.attachment")
    expect(download_link).to_have_text("garage.pdf")
    with officer.expect_download() as got:
        download_link.click()
    assert got.value.suggested_filename == "garage.pdf"
    assert got.value.path().read_bytes() == PDF
    _, logged = world.deployment.access_log.entries(file.subject, limit=50)
    assert any(
        a.what == "attachment" and a.role == "officer" and a.purpose == f"to decide dispute {dispute.id}"
        for a in logged
    )
    # The case file lists it too.
    officer.goto(f"/console/disputes/{dispute.id}/file")
    expect(officer.locator(f"ul.attachments a[href$='/attachments/{attached.id}']")).to_have_text("garage.pdf")


@pytest.mark.parametrize(
    ("locale", "words"),
    [("en-US", "is not a PDF, JPEG or PNG file"), ("zh-CN", "不是 PDF、JPEG 或 PNG 文件")],
)
def test_a_file_that_is_not_a_pdf_by_its_content_is_refused_next_to_the_field(new_context, world: World, locale, words):
    file = world.resident_record()
    page = new_context(locale=locale).new_page()
    sign_in(page, "portal", world.subject_token(file.subject))
    page.select_option("#dispute-record", file.id)
    page.fill("#dispute-grounds", "Not mine.")
    page.set_input_files("#dispute-files", files=[{"name": "proof.pdf", "mimeType": "application/pdf", "buffer": HTML}])
    page.click("#dispute-form button[type=submit]")
    error = page.locator("#dispute-files-error")
    expect(error).to_be_visible()
    expect(error).to_contain_text(words)
    expect(page.locator("#dispute-files")).to_have_attribute("aria-invalid", "true")
    assert not any(v.record == file.id for v in world.deployment.due_process.disputes(world.today, "all"))
