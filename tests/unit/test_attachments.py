"""Attachments to disputes and repair applications: a file's type is its content's,
whatever it is called; empty, oversize and surplus files are refused with a message
key; the download name is a safe basename ending in the type's extension."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from xinyong.domain import attachments as a

pytestmark = pytest.mark.unit

PDF = b"%PDF-1.7\n%marker\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"


@pytest.mark.parametrize(
    ("content", "media_type"), [(PDF, "application/pdf"), (JPEG, "image/jpeg"), (PNG, "image/png")]
)
def test_the_type_is_found_in_the_content(content, media_type):
    assert a.sniff(content) == media_type


def test_a_png_called_pdf_is_taken_as_a_png_and_named_so():
    taken = a.accept(a.Upload("scan.pdf", PNG))
    assert (taken.media_type, taken.filename) == ("image/png", "scan.png")


def test_html_called_pdf_is_refused_by_its_content():
    with pytest.raises(a.AttachmentRefused) as refused:
        a.accept(a.Upload("proof.pdf", b"<!doctype html><script>alert(1)</script>"))
    assert refused.value.key == a.WRONG_TYPE
    assert refused.value.fields == {"position": 1}


def test_a_file_that_only_contains_a_signature_later_is_refused():
    with pytest.raises(a.AttachmentRefused):
        a.accept(a.Upload("x.pdf", b" %PDF-1.4"))


def test_an_empty_file_is_refused():
    with pytest.raises(a.AttachmentRefused) as refused:
        a.accept(a.Upload("empty.pdf", b""), position=3)
    assert (refused.value.key, refused.value.fields) == (a.EMPTY, {"position": 3})


def test_a_file_of_the_limit_is_taken_and_one_byte_more_is_refused():
    assert a.accept(a.Upload("big.pdf", PDF + b"0" * (a.MAX_BYTES - len(PDF)))).size == a.MAX_BYTES
    with pytest.raises(a.AttachmentRefused) as refused:
        a.accept(a.Upload("big.pdf", PDF + b"0" * (a.MAX_BYTES - len(PDF) + 1)))
    assert refused.value.key == a.TOO_LARGE
    assert refused.value.fields["limit"] == a.MAX_BYTES


def test_a_case_takes_at_most_its_limit_of_files_counting_those_attached():
    assert len(a.accept_all([a.Upload("p.pdf", PDF)] * 2, already=a.MAX_PER_CASE - 2)) == 2
    with pytest.raises(a.AttachmentRefused) as refused:
        a.accept_all([a.Upload("p.pdf", PDF)] * 2, already=a.MAX_PER_CASE - 1)
    assert refused.value.key == a.TOO_MANY


def test_one_bad_file_among_several_refuses_them_all_naming_its_position():
    with pytest.raises(a.AttachmentRefused) as refused:
        a.accept_all([a.Upload("p.pdf", PDF), a.Upload("q.png", b"GIF89a")])
    assert refused.value.fields["position"] == 2


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "passwd.pdf"),
        ("C:\\Users\\zhang\\证明.PDF", "证明.pdf"),
        ('bad"na;me\r\n.pdf', "badname.pdf"),
        ("", "attachment.pdf"),
        ("...", "attachment.pdf"),
        ("report.exe", "report.exe.pdf"),
    ],
)
def test_download_names_are_safe_basenames(name, expected):
    assert a.safe_filename(name, "application/pdf") == expected


@given(st.text(max_size=400), st.sampled_from(sorted(a.EXTENSIONS)))
def test_any_name_becomes_a_short_safe_name_with_the_types_extension(name, media_type):
    safe = a.safe_filename(name, media_type)
    assert safe.endswith(a.EXTENSIONS[media_type])
    assert 0 < len(safe) <= a.MAX_NAME
    assert not any(c in safe for c in '/\\<>:"|?*;')
    assert all(c.isprintable() for c in safe)
    assert not safe.startswith((".", " "))


@given(st.binary(max_size=64))
def test_content_is_taken_exactly_when_it_starts_with_a_known_signature(content):
    known = any(content.startswith(magic) for magic, _ in a.SIGNATURES)
    try:
        taken = a.accept(a.Upload("f", content))
    except a.AttachmentRefused as refused:
        assert not known or refused.key == a.EMPTY
    else:
        assert known
        assert taken.filename.endswith(a.EXTENSIONS[taken.media_type])
