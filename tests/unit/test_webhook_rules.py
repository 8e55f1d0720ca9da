"""First ring, issue 15: the rules of webhooks (``xinyong.domain.webhooks``), pure."""

from __future__ import annotations

import datetime as dt
import json

import pytest

from xinyong.domain import webhooks as spec
from xinyong.domain.webhooks import WebhookRefused, chosen_types, receiver_url, retry_in, signature


def test_a_signature_matches_the_published_example_of_standard_webhooks():
    # The example of the specification's reference libraries (secret, id, time, body).
    import base64

    key = base64.b64decode("MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    got = signature(key, "msg_p5jXN8AQM9LWM0D4loKWxJek", 1614265330, b'{"test": 2432232314}')

    assert got == "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE="


def test_each_secret_in_force_signs_the_message_once():
    at = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.UTC)
    fields = spec.headers([b"new-key", b"old-key"], "msg_1", at, b"{}")

    assert fields["webhook-timestamp"] == str(int(at.timestamp()))
    assert fields["webhook-signature"].split(" ") == [
        signature(b"new-key", "msg_1", int(at.timestamp()), b"{}"),
        signature(b"old-key", "msg_1", int(at.timestamp()), b"{}"),
    ]


def test_a_secret_is_given_as_whsec_and_base64():
    assert spec.secret_text(b"\x00\x01\x02") == "whsec_AAEC"


def test_the_message_body_has_type_timestamp_and_data():
    at = dt.datetime(2026, 12, 1, 9, 30, 5, 123, tzinfo=dt.UTC)
    body = json.loads(spec.message_body("record.dispute_filed", at, {"record": "r-1"}))

    assert body == {"type": "record.dispute_filed", "timestamp": "2026-12-01T09:30:05+00:00", "data": {"record": "r-1"}}


def test_a_sources_data_carries_its_records_facts_and_neither_subject_nor_free_text():
    fields = {"record": "r-1", "rule": "c/r", "reasons": "typed by an officer", "subject": "rid:x", "outcome": "upheld"}

    data = spec.source_data(fields, "n-1", "e-1")

    assert data == {"record": "r-1", "rule": "c/r", "outcome": "upheld", "event": "e-1", "notice": "n-1"}


@pytest.mark.parametrize(
    ("attempt", "draw", "wait"),
    [
        (1, 0.5, dt.timedelta(seconds=5)),
        (2, 0.5, dt.timedelta(minutes=5)),
        (6, 0.5, dt.timedelta(hours=10)),
        (1, 0.0, dt.timedelta(seconds=4.5)),
        (3, 0.999999, dt.timedelta(minutes=33)),
    ],
)
def test_a_failed_attempt_is_tried_again_after_a_growing_wait_with_jitter(attempt, draw, wait):
    assert abs(retry_in(attempt, draw) - wait) < dt.timedelta(milliseconds=1)


def test_after_the_last_attempt_a_message_is_given_up():
    assert retry_in(spec.MAX_ATTEMPTS, 0.5) is None and retry_in(spec.MAX_ATTEMPTS - 1, 0.5) is not None


@pytest.mark.parametrize("status", [200, 201, 204, 299])
def test_a_2xx_answer_is_a_delivery(status):
    assert spec.succeeded(status)


@pytest.mark.parametrize("status", [None, 199, 301, 302, 400, 410, 500])
def test_any_other_answer_is_a_failure(status):
    assert not spec.succeeded(status)


@pytest.mark.parametrize(
    "url",
    ["https://receiver.example/hooks", "https://receiver.example:8443/a?b=c", "http://127.0.0.1:9000/hooks"],
)
def test_an_https_address_or_an_allowed_http_host_is_a_receiver(url):
    assert receiver_url(url, ["127.0.0.1"]) == url


@pytest.mark.parametrize(
    ("url", "said"),
    [
        ("http://receiver.example/hooks", "https"),
        ("http://127.0.0.1/hooks", "https"),
        ("https://127.0.0.1/hooks", "private"),
        ("https://192.168.1.2/hooks", "private"),
        ("https://[::1]/hooks", "private"),
        ("https://localhost/hooks", "private"),
        ("https://169.254.169.254/latest/meta-data", "private"),
        ("https://user@receiver.example/hooks", "credentials"),
        ("https://receiver.example/hooks#x", "fragment"),
        ("https:///hooks", "no host"),
        ("receiver.example/hooks", "https"),
        ("https://receiver.example:99999/", "not a URL"),
        ("https://" + "a" * 2000 + ".example/", "longer"),
    ],
)
def test_an_address_that_is_not_a_receiver_is_refused_naming_the_url(url, said):
    with pytest.raises(WebhookRefused) as refused:
        receiver_url(url)

    assert refused.value.field == "url" and said in str(refused.value)


def test_a_source_receives_the_dispute_events_of_its_records():
    assert chosen_types("source", None) == ("record.dispute_decided", "record.dispute_filed")
    assert chosen_types("source", ["record.dispute_filed"]) == ("record.dispute_filed",)


@pytest.mark.parametrize(
    ("role", "types", "field"),
    [
        ("officer", None, "role"),
        ("subject", None, "role"),
        ("source", ["list.bundle_published"], "types"),
        ("source", ["consent.withdrawn"], "types"),
        ("source", [], "types"),
        ("lender", ["record.dispute_filed"], "types"),
        ("node", ["consent.withdrawn"], "types"),
        ("service-point", None, "role"),
    ],
)
def test_a_role_registers_only_for_the_events_it_may_receive(role, types, field):
    with pytest.raises(WebhookRefused) as refused:
        chosen_types(role, types)

    assert refused.value.field == field


def test_a_lender_receives_withdrawals_and_a_partner_node_published_bundles_only():
    assert chosen_types("lender", None) == ("consent.withdrawn",)
    assert chosen_types("node", None) == ("list.bundle_published",)
    assert set(spec.EVENT_TYPES) == {t for types in spec.RECEIVES.values() for t in types}
