"""Attachments over HTTP (issue 12): files attached to one's own open dispute or repair
application, typed by their content whatever they are called, size-limited before the
body is read, downloaded only by their subject or an officer (who states a purpose,
logged), never to be rendered inline."""

from __future__ import annotations

import hashlib

import pytest

from tests.due_process.conftest import COURT, RC, TRAFFIC, Api, assert_problem, record, rid, start_server
from tests.due_process.fresh import build
from xinyong.domain.attachments import MAX_BYTES, MAX_PER_CASE

OWNER = rid("37108219900101041")  # disputes and applies, with files
STRANGER = rid("37108219900101042")  # tries to read the owner's files
SUBJECTS = {"owner": OWNER, "stranger": STRANGER}
OTHERS = {
    "officer": ("officer", "officer-zhou", ()),
    "auditor": ("auditor", "auditor-qian", ()),
    "court": ("source", COURT, ("rongcheng-personal/court.*", "rongcheng-personal/guarantee.*")),
}
EVENTS = [
    *({"type": "subject", "subject": s, "jurisdiction": "CN-SD-RC", "name": f"Att {k}"} for k, s in SUBJECTS.items()),
    record("att-breach", OWNER, f"{RC}/guarantee.breach", -60),
    record("att-oversize", OWNER, f"{RC}/guarantee.breach", -60),
    record("att-decided", OWNER, f"{RC}/guarantee.breach", -60),
    record("att-ticket", OWNER, f"{RC}/traffic.ticket", -20, TRAFFIC),
    record("att-stranger", STRANGER, f"{RC}/guarantee.breach", -60),
]

PDF = b"%PDF-1.4\n1 0 obj << /Title (receipt) >> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
HTML = b"<!doctype html><html><script>alert(document.cookie)</script></html>"


@pytest.fixture(scope="module")
def api(catalogs_db, tmp_path_factory):
    folder = tmp_path_factory.mktemp("attachments")
    db, tokens = build(catalogs_db, folder, EVENTS, SUBJECTS, OTHERS)
    server = start_server(db, folder)
    client = Api(server.url, tokens)
    yield client
    client.close()
    server.stop()


@pytest.fixture(scope="module")
def dispute(api) -> dict:
    return api.ok("owner", "POST", "/v1/me/disputes", 201, json={"record": "att-breach", "grounds": "not my guarantee"})


def _attach(api, who: str, path: str, *files: tuple[str, bytes, str]):
    return api.post(who, path, files=[("file", f) for f in files])


def _access(api, what: str = "attachment") -> list[dict]:
    page = api.ok("auditor", "GET", "/v1/access-log", params={"subject": OWNER, "limit": 1000})
    return [e for e in page["entries"] if e["what"] == what]


def test_a_png_sent_as_a_pdf_is_stored_as_a_png_and_listed_on_the_dispute(api, dispute):
    answer = _attach(api, "owner", f"/v1/me/disputes/{dispute['id']}/attachments", ("scan.pdf", PNG, "application/pdf"))
    assert answer.status_code == 201, answer.text
    [item] = answer.json()
    assert (item["media_type"], item["filename"], item["size"]) == ("image/png", "scan.png", len(PNG))
    assert item["sha256"] == hashlib.sha256(PNG).hexdigest()
    listed = {d["id"]: d for d in api.ok("officer", "GET", "/v1/disputes")}[dispute["id"]]
    assert item["id"] in [a["id"] for a in listed["attachments"]]


def test_an_html_file_called_pdf_is_refused_naming_the_field_and_nothing_is_written(api, dispute):
    before = len(api.ok("officer", "GET", "/v1/disputes", params={"status": "all"}))
    path = f"/v1/me/disputes/{dispute['id']}/attachments"
    problem = assert_problem(
        _attach(api, "owner", path, ("proof.pdf", PDF, "application/pdf"), ("x.pdf", HTML, "application/pdf")),
        422,
        "attachment-refused",
    )
    [error] = problem["errors"]
    assert (error["field"], error["key"], error["fields"]) == ("file", "attachment.refused.type", {"position": 2})
    shown = {d["id"]: d for d in api.ok("officer", "GET", "/v1/disputes")}[dispute["id"]]
    assert "proof.pdf" not in [a["filename"] for a in shown["attachments"]]  # not even the good one
    assert len(api.ok("officer", "GET", "/v1/disputes", params={"status": "all"})) == before


def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read_and_nothing_is_written(api):
    filed = api.ok("owner", "POST", "/v1/me/disputes", 201, json={"record": "att-oversize", "grounds": "too big"})
    path = f"/v1/me/disputes/{filed['id']}/attachments"
    huge = PDF + b"0" * (MAX_PER_CASE * MAX_BYTES + 300 * 1024)
    assert_problem(_attach(api, "owner", path, ("huge.pdf", huge, "application/pdf")), 413, "too-large")
    one_too_big = PDF + b"0" * MAX_BYTES
    problem = assert_problem(_attach(api, "owner", path, ("big.pdf", one_too_big, "application/pdf")), 413)
    assert problem["errors"][0]["field"] == "file"
    shown = {d["id"]: d for d in api.ok("officer", "GET", "/v1/disputes")}[filed["id"]]
    assert shown["attachments"] == []


def test_a_case_takes_at_most_its_limit_of_files(api):
    filed = api.ok(
        "owner",
        "POST",
        "/v1/me/repairs",
        201,
        json={"record": "att-ticket", "proof": "paid", "commitment": "never again"},
    )
    path = f"/v1/me/repairs/{filed['id']}/attachments"
    api.ok(
        "owner", "POST", path, 201, files=[("file", (f"p{i}.pdf", PDF, "application/pdf")) for i in range(MAX_PER_CASE)]
    )
    problem = assert_problem(_attach(api, "owner", path, ("more.pdf", PDF, "application/pdf")), 422)
    assert problem["errors"][0]["key"] == "attachment.refused.too_many"
    listed = {r["id"]: r for r in api.ok("officer", "GET", "/v1/repairs")}[filed["id"]]
    assert [a["filename"] for a in listed["attachments"]] == [f"p{i}.pdf" for i in range(MAX_PER_CASE)]


def test_a_decided_dispute_takes_no_more_files(api):
    filed = api.ok("owner", "POST", "/v1/me/disputes", 201, json={"record": "att-decided", "grounds": "wrong"})
    api.ok("officer", "POST", f"/v1/disputes/{filed['id']}/decision", json={"outcome": "upheld", "reasons": "ok"})
    path = f"/v1/me/disputes/{filed['id']}/attachments"
    problem = assert_problem(_attach(api, "owner", path, ("late.pdf", PDF, "application/pdf")), 422)
    assert problem["errors"][0]["key"] == "attachment.refused.decided"


def test_another_subjects_case_and_file_are_not_found(api, dispute):
    path = f"/v1/me/disputes/{dispute['id']}/attachments"
    assert_problem(_attach(api, "stranger", path, ("mine.pdf", PDF, "application/pdf")), 404)
    [item] = api.ok("owner", "POST", path, 201, files=[("file", ("secret.pdf", PDF, "application/pdf"))])
    assert_problem(api.get("stranger", f"/v1/me/attachments/{item['id']}"), 404, "not-found")
    assert_problem(api.get("stranger", "/v1/me/attachments/0123456789abcdef01234567"), 404, "not-found")


def test_the_subject_downloads_its_file_as_an_attachment_that_is_never_rendered(api, dispute):
    path = f"/v1/me/disputes/{dispute['id']}/attachments"
    [item] = api.ok("owner", "POST", path, 201, files=[("file", ("收据 «1».pdf", PDF, "text/html"))])
    got = api.get("owner", f"/v1/me/attachments/{item['id']}")
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"].startswith("attachment;")
    assert "filename*=UTF-8''%E6%94%B6%E6%8D%AE%20%C2%AB1%C2%BB.pdf" in got.headers["content-disposition"]
    assert got.headers["x-content-type-options"] == "nosniff"
    assert got.headers["content-security-policy"] == "sandbox; default-src 'none'"
    assert got.headers["cache-control"] == "no-store"


def test_an_officer_download_states_a_purpose_and_is_in_the_subjects_access_log(api, dispute):
    path = f"/v1/me/disputes/{dispute['id']}/attachments"
    [item] = api.ok("owner", "POST", path, 201, files=[("file", ("photo.png", PNG, "image/png"))])
    assert_problem(api.get("officer", f"/v1/attachments/{item['id']}"), 422)
    assert_problem(api.get("owner", f"/v1/attachments/{item['id']}", params={"purpose": "x"}), 403)
    before = len(_access(api))
    got = api.get("officer", f"/v1/attachments/{item['id']}", params={"purpose": f"to decide dispute {dispute['id']}"})
    assert got.status_code == 200 and got.content == PNG and got.headers["content-type"] == "image/png"
    entries = _access(api)
    assert len(entries) == before + 1
    newest = entries[0]
    assert (newest["reader"], newest["role"], newest["purpose"]) == (
        "officer-zhou",
        "officer",
        f"to decide dispute {dispute['id']}",
    )


def test_the_ledger_verifies_with_attachments_on_their_chain(api):
    verified = api.ok("auditor", "GET", "/v1/ledger/verify")
    assert verified["intact"], verified


def test_a_body_that_is_not_multipart_is_refused_naming_the_file_field(api, dispute):
    path = f"/v1/me/disputes/{dispute['id']}/attachments"
    problem = assert_problem(api.post("owner", path, json={"file": "JVBERi0="}), 422)
    assert [e["field"] for e in problem["errors"]] == ["file"]


def test_a_large_multipart_body_is_taken_only_where_files_are(api):
    body = PDF + b"0" * (3 * 1024 * 1024)
    answer = api.post("court", "/v1/events", files=[("file", ("big.pdf", body, "application/pdf"))])
    assert_problem(answer, 413, "too-large")
