"""How a notice's body is written before it is sealed: compressed, losslessly.

A body is a small JSON object (subject, key, fields, lines) whose names, message keys
and shapes repeat in every notice. Raw deflate with a preset dictionary made of them
stores a record's notice in a fifth of its JSON; plain deflate, without the dictionary,
saves barely half. The body is compressed, then sealed, never the reverse.

The plaintext a notice's sealed value opens to is one of:

- ``{...``: the body as JSON, as notices were written before bodies were compressed;
- ``\\x01`` then raw deflate (RFC 1951) of the body's JSON, with :data:`DICTIONARY_1`
  as the preset dictionary.

A stored body is read with the dictionary it was written with, for ever: a dictionary
must never change once released. A better one is a new format, with a new marker byte
(``\\x02``) and its own constant, and this module keeps reading every earlier one.
"""

from __future__ import annotations

import json
import zlib
from typing import Any

import msgspec

__all__ = ["DICTIONARY_1", "NoticeBodyError", "pack", "unpack"]


class NoticeBodyError(ValueError):
    """A notice body in no format this version reads."""


# The preset dictionary of format 1: notices of every kind as the outbox wrote them
# when the format was made, with typical values. Deflate finds matches nearest the end
# of the dictionary cheapest, so the commonest notices come last. FROZEN: any change,
# even of one byte, makes every body written with it unreadable (a test pins its
# digest); a new dictionary is a new format.
_SUBJECT = '{"subject":"rid:110105194912310021",'
_RECORD = (
    '"record":"tp-2024-000017","rule":"city-personal/traffic.red_light",'
    '"rule_title":"Running a red light","legal_basis":"Road Traffic Safety Law of the'
    " People's Republic of China, art. 90; Municipal Measures on Personal Creditworthiness"
    ' Scores","catalog_version":"2024.1","points":-10,"source":"traffic-police",'
    '"reference":"RC-TP-2024-17","occurred_on":"2024-03-01","decided_on":"2024-03-05",'
    '"effective_on":"2024-03-20","expires_on":"2026-03-20","ends_on":"2026-03-20"'
)
_RECORD_FROM_CATALOG = (
    '"record":"rec-2025-000001","rule":"city-personal/volunteer.service_day","rule_title":null,'
    '"legal_basis":null,"catalog_version":"2023.1","points":-5,"source":"city-court",'
    '"reference":"REF-2025-1","occurred_on":"2025-10-05","decided_on":"2025-10-20",'
    '"effective_on":"2025-11-04","expires_on":"2026-02-04","ends_on":"2026-02-04",'
    '"repairable_from":"2025-11-04"'
)
_FROM_CATALOG = ',"catalog_texts":["rule_title","legal_basis"]}'
DICTIONARY_1 = "".join(
    (
        'org:91370000MA3C5XXXXX"enterprise-tax-credit/judgment-defaulters-organisations/',
        _SUBJECT,
        '"key":"notice.contact.changed","fields":{"on":"2025-01-02","email":"w***@example.org",'
        '"previous_email":"z***@example.com","contact_change":1},"lines":["notice.contact.not_you"]}',
        _SUBJECT,
        '"key":"notice.contact.set","fields":{"on":"2025-01-02","email":"w***@example.org",'
        '"previous_email":null,"contact_change":0},"lines":["notice.contact.not_you"]}',
        _SUBJECT,
        '"key":"notice.review.decided","fields":{"case":"rev-0c1d2e3f4a5b","outcome":"confirmed",'
        '"reasons":"The check was right.","action":"rail.high_speed.ticket","on":"2025-02-01"},'
        '"lines":["notice.outcome.confirmed","notice.outcome.overturned","notice.reasons"]}',
        _SUBJECT,
        '"key":"notice.repair.refused","fields":{"record":"tp-2024-000017","case":"rep-0c1d2e3f4a5b",'
        '"on":"2025-02-01","reasons":"Not yet repairable."},"lines":["notice.reasons"]}',
        _SUBJECT,
        '"key":"notice.repair.applied","fields":{"record":"tp-2024-000017","case":"rep-0c1d2e3f4a5b",'
        '"on":"2025-01-15","decide_by":"2025-02-14"},"lines":["notice.decide_by"]}',
        _SUBJECT,
        '"key":"notice.adverse.review","fields":{"action":"finance.loan","decision":"review",'
        '"asked_by":"city-bank","as_of":"2025-01-01","check":"chk-0c1d2e3f4a5b","reasons":[{"catalog":'
        '"city-personal","measure":"loan_review","effect":"review","trigger":{"grade":"C"},'
        '"legal_basis":"Measures"}]},"lines":[["notice.adverse.reason.review.grade",{"catalog":'
        '"city-personal","measure":"loan_review","legal_basis":"Measures","grade":"C"}],'
        '"notice.how_to_contest"]}',
        _SUBJECT,
        '"key":"notice.adverse.deny","fields":{"action":"rail.high_speed.ticket","decision":"deny",'
        '"asked_by":"railway","as_of":"2025-01-01","check":"chk-0c1d2e3f4a5b","reasons":[{"catalog":'
        '"judgment-defaulters","measure":"no_high_speed_rail","effect":"deny","trigger":{"list":'
        '"judgment-defaulters","record":"court-2024-0001","from":"2024-03-20","until":null},'
        '"legal_basis":"Provisions of the Supreme People\'s Court on Restricting High Consumption"}]},'
        '"lines":[["notice.adverse.reason.deny.list",{"catalog":"judgment-defaulters","measure":'
        '"no_high_speed_rail","legal_basis":"Provisions of the Supreme People\'s Court","list":'
        '"judgment-defaulters","record":"court-2024-0001","from":"2024-03-20","until":null}],'
        '"notice.adverse.reason.deny.grade","notice.adverse.reason.review.list","notice.how_to_contest"]}',
        _SUBJECT,
        '"key":"notice.subject.changed","fields":{"on":"2025-01-02","registered":false,'
        '"changed":["jurisdiction","name"],"jurisdiction":"CN-SD-RC","name":"张伟",'
        '"previous_jurisdiction":"CN-SD","previous_name":"张三"},"lines":['
        '"notice.subject.changed.jurisdiction","notice.subject.changed.name",'
        '"notice.subject.changed.name_set","notice.subject.changed.name_removed","notice.subject.why"]}',
        _SUBJECT,
        '"key":"notice.list.ended","fields":{',
        _RECORD,
        ',"list":"judgment-defaulters","list_title":"Dishonest judgment defaulters",'
        '"from":"2024-03-20","until":"2026-03-20"}}',
        _SUBJECT,
        '"key":"notice.list.started","fields":{',
        _RECORD,
        ',"list":"judgment-defaulters","list_title":"Dishonest judgment defaulters",'
        '"list_withheld":"minor","from":"2024-03-20","until":null},"lines":["notice.list.until",'
        '"notice.list.until_removed","notice.list.ways_off","notice.how_to_dispute"]}',
        _SUBJECT,
        '"key":"notice.repair.granted","fields":{',
        _RECORD,
        ',"repairable_from":"2024-09-20","on":"2024-10-01"}}',
        _SUBJECT,
        '"key":"notice.record.annulled","fields":{',
        _RECORD,
        ',"on":"2024-04-01"}}',
        _SUBJECT,
        '"key":"notice.record.effective","fields":{',
        _RECORD_FROM_CATALOG,
        ',"counting_from":"2024-11-04"}',
        _FROM_CATALOG,
        _SUBJECT,
        '"key":"notice.fulfilled","fields":{',
        _RECORD_FROM_CATALOG,
        ',"list_ended":"judgment-defaulters","points_ended":true,"on":"2026-01-22"},'
        '"lines":["notice.fulfilled.list_ended","notice.fulfilled.points_ended"]',
        _FROM_CATALOG,
        _SUBJECT,
        '"key":"notice.dispute.decided.source","fields":{',
        _RECORD,
        ',"on":"2025-05-31","outcome":"annulled","reasons":"The ticket was issued in error."},'
        '"lines":["notice.outcome.annulled","notice.outcome.upheld","notice.dispute.decided.annulled",'
        '"notice.reasons"]}',
        _SUBJECT,
        '"key":"notice.dispute.decided","fields":{',
        _RECORD_FROM_CATALOG,
        ',"on":"2025-05-31","outcome":"upheld","reasons":null},"lines":["notice.outcome.upheld",'
        '"notice.dispute.decided.upheld"]',
        _FROM_CATALOG,
        _SUBJECT,
        '"key":"notice.dispute.filed.source","fields":{',
        _RECORD,
        ',"on":"2025-05-16","decide_by":"2025-06-15","suspended":true},"lines":['
        '"notice.dispute.filed.suspended","notice.dispute.filed.source.deadline"]}',
        _SUBJECT,
        '"key":"notice.dispute.filed","fields":{',
        _RECORD_FROM_CATALOG,
        ',"on":"2025-05-16","decide_by":"2025-06-15","suspended":false},"lines":['
        '"notice.dispute.filed.counting","notice.dispute.filed.deadline"]',
        _FROM_CATALOG,
        _SUBJECT,
        '"key":"notice.subject.registered","fields":{"on":"2024-12-01","registered":true,'
        '"changed":["jurisdiction","name"],"jurisdiction":"CN-SD-RC","name":"王伟",'
        '"previous_jurisdiction":null,"previous_name":null},"lines":["notice.subject.no_name",'
        '"notice.subject.name","notice.subject.why"]}',
        _SUBJECT,
        '"key":"notice.record.new","fields":{',
        _RECORD,
        ',"list":"judgment-defaulters","list_title":"Dishonest judgment defaulters",'
        '"list_withheld":"minor","repairable_from":"2024-09-20","dispute_before_effect_until":'
        '"2024-03-19","dispute_window":"open"},"lines":["notice.record.placement",'
        '"notice.record.list_withheld","notice.record.window.open","notice.record.window.none",'
        '"notice.how_to_dispute"]}',
        _SUBJECT,
        '"key":"notice.record.new","fields":{',
        _RECORD_FROM_CATALOG,
        ',"dispute_before_effect_until":"2024-11-03","dispute_window":"closed"},'
        '"lines":["notice.record.window.closed","notice.how_to_dispute"]',
        _FROM_CATALOG,
    )
).encode()

_FORMAT_JSON = b"{"
_FORMAT_1 = b"\x01"

_ENCODE = msgspec.json.Encoder()
_DECODE = msgspec.json.Decoder()

# A compressor primed with the dictionary, copied for each body: priming one anew
# hashes the whole dictionary each time. Its window (16 KiB) holds the dictionary and a
# body, and its small state is quicker to copy. The level and the window are not part
# of the format: inflating takes any stream made with the dictionary, any window up to
# 32 KiB.
_PRIMED_1 = zlib.compressobj(6, zlib.DEFLATED, -14, 4, zlib.Z_DEFAULT_STRATEGY, DICTIONARY_1)


def pack(body: dict[str, Any]) -> bytes:
    """``body`` as the plaintext a notice's sealed value holds (format 1)."""
    compressor = _PRIMED_1.copy()
    return _FORMAT_1 + compressor.compress(_ENCODE.encode(body)) + compressor.flush()


def unpack(plaintext: bytes) -> dict[str, Any]:
    """The body a notice's opened plaintext holds, in whichever format it was written."""
    marker = plaintext[:1]
    if marker == _FORMAT_1:
        decompressor = zlib.decompressobj(-15, DICTIONARY_1)
        try:
            text = decompressor.decompress(plaintext[1:]) + decompressor.flush()
        except zlib.error as error:
            raise NoticeBodyError(f"a notice body of format 1 does not inflate: {error}") from None
        if not decompressor.eof or decompressor.unused_data:
            raise NoticeBodyError("a notice body of format 1 is truncated or has bytes after its end")
        body = _DECODE.decode(text)
    elif marker == _FORMAT_JSON:
        body = json.loads(plaintext)  # as it was read before bodies were compressed
    else:
        raise NoticeBodyError(
            f"a notice body begins with byte {plaintext[:1].hex() or 'none'}: a format this version cannot"
            " read (written by a newer version?)"
        )
    if not isinstance(body, dict):
        raise NoticeBodyError("a notice body is not a JSON object")
    return body
