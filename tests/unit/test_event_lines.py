"""A line of JSON becomes the event its decoded object makes, or the same clear error;
an event's canonical form is the same bytes whichever encoder made it, so that the
fingerprints of events stored before still match (issue 11: intake decodes and
validates a line in one pass and encodes with msgspec)."""

from __future__ import annotations

import json

import pytest

from xinyong.domain.events import InvalidEvent, canonical_json, parse_event, parse_event_line
from xinyong.domain.identifiers import InvalidIdentifier

pytestmark = pytest.mark.unit

RID = "rid:11010519491231002X"
RECORD = {
    "type": "record",
    "id": "tp-1",
    "subject": RID,
    "rule": "rongcheng-personal/traffic.red_light",
    "occurred_on": "2024-03-01",
    "decided_on": "2024-03-05",
    "source": "traffic-police",
}

GOOD = [
    json.dumps(RECORD),
    json.dumps({**RECORD, "summary": 'seen by 11010519491231002X, 中文\n\t"q" \\ \u2028'}, ensure_ascii=False),
    json.dumps({**RECORD, "reference": "RC-1"}, ensure_ascii=True),
    json.dumps({"type": "subject", "subject": RID, "jurisdiction": "CN-SD", "name": "张三", "email": "z@example.org"}),
    json.dumps({"type": "contact", "subject": RID, "email": "z@example.org", "on": "2024-01-01"}),
    json.dumps({"type": "dispute_filed", "record": "tp-1", "on": "2024-03-10", "grounds": "not me"}),
    json.dumps({"type": "dispute_resolved", "id": "d.1", "record": "tp-1", "on": "2024-04-01", "outcome": "upheld"}),
    json.dumps({"type": "fulfilled", "record": "tp-1", "on": "2024-05-01"}),
    # Keys repeated: the last one wins, as json.loads decides.
    '{"type": "subject", "subject": "' + RID + '", "jurisdiction": "CN", "jurisdiction": "CN-SD"}',
]

BAD = [
    "[1, 2]",
    '"a string"',
    "{}",
    '{"type": "parade"}',
    json.dumps({**RECORD, "subject": "rid:110105194912310021"}),  # wrong check character
    json.dumps({**RECORD, "occurred_on": "2024-02-30"}),
    json.dumps({**RECORD, "occurred_on": 20240301}),
    json.dumps({**RECORD, "rule": "no-slash"}),
    json.dumps({**RECORD, "id": "bad id"}),
    json.dumps({**RECORD, "id": "ok\n"}),
    json.dumps({**RECORD, "colour": "red"}),
    json.dumps({**RECORD, "source": ""}),
    json.dumps({**RECORD, "source": 7}),
    json.dumps({**RECORD, "source": "x\ud800"}),
    json.dumps({key: value for key, value in RECORD.items() if key != "decided_on"}),
    json.dumps({"type": "dispute_resolved", "record": "tp-1", "on": "2024-04-01", "outcome": "maybe"}),
]

# Lines that are not JSON at all, and what they are refused for.
NOT_JSON = [
    ("not json", "not valid JSON: Expecting value at column 1"),
    ('{"type": "record", "id": "tp-1"', "not valid JSON: Expecting ',' delimiter at column 32"),
    (
        '{"type": "record", "id": ' + "9" * 5000 + "}",
        "a number has more than 4300 digits; no field takes one that long",
    ),
    ("[" * 100_000 + "]" * 100_000, "not valid JSON: nested too deeply"),
]


def _outcome(parse, value):
    try:
        return parse(value)
    except (InvalidEvent, InvalidIdentifier) as error:
        return f"{type(error).__name__}: {error}"


@pytest.mark.parametrize("text", GOOD)
def test_a_good_line_is_the_event_its_decoded_object_makes(text):
    assert parse_event_line(text) == parse_event(json.loads(text))


@pytest.mark.parametrize("text", BAD)
def test_a_bad_line_is_refused_with_the_same_reason_as_its_decoded_object(text):
    found = _outcome(parse_event_line, text)
    assert isinstance(found, str), found
    assert found == _outcome(parse_event, json.loads(text))


@pytest.mark.parametrize(("text", "reason"), NOT_JSON)
def test_a_line_that_is_not_json_is_refused_as_such(text, reason):
    assert _outcome(parse_event_line, text) == f"InvalidEvent: {reason}"


@pytest.mark.parametrize("text", GOOD)
def test_the_canonical_form_is_the_sorted_compact_json_of_the_event(text):
    event = parse_event_line(text)
    expected = json.dumps(
        event.model_dump(mode="json", exclude_none=True), sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    assert event.canonical() == expected


def test_canonical_json_escapes_every_character_as_json_dumps_does():
    # Every character of the Basic Multilingual Plane but the lone surrogates, and some
    # beyond it: the bytes of a fingerprint's input must not change with the encoder.
    text = "".join(chr(c) for c in range(0x10000) if not 0xD800 <= c <= 0xDFFF) + "😀𠀀"
    data = {"z": text, "a": [1, -2, True, None, {"y": "", "b": "x"}], "m": {"k": 0}}
    expected = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert canonical_json(data) == expected
