"""Examples of the API's answers, for the OpenAPI document (shown in ``/docs``): one
story, told by every answer — a resident of Rongcheng ran a red light, disputed it, and
the traffic police, the portal and the public lookup each see their part of it.

Each is checked against its model by the tests (``tests/unit/test_api_examples.py``),
so that an example never shows a field the answer does not have."""

from __future__ import annotations

from typing import Any

SUBJECT = "rid:11010519491231002X"
RECORD = "tp-2024-000017"
RULE = "rongcheng-personal/traffic.red_light"

ATTACHMENT: dict[str, Any] = {
    "id": "at_7c1e0f5a9b2d4c6e8f01",
    "case_kind": "dispute",
    "case_id": "2731",
    "created_at": "2024-03-10T08:12:44+00:00",
    "media_type": "application/pdf",
    "size": 48213,
    "sha256": "5d1f0a9e3c7b2a4d6e8f0a1b3c5d7e9f1a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d",
    "filename": "bill-of-sale.pdf",
}

DISPUTE: dict[str, Any] = {
    "id": 2731,
    "record": RECORD,
    "rule": RULE,
    "rule_title": "Running a red light",
    "source": "traffic-police",
    "reference": "RC-TP-2024-17",
    "subject": SUBJECT,
    "filed_on": "2024-03-10",
    "grounds": "The car was sold on 2024-02-20; the plate was not mine that day.",
    "suspended": True,
    "decide_by": "2024-04-09",
    "overdue": False,
    "status": "open",
    "decided_on": None,
    "outcome": None,
    "reasons": None,
    "filing_id": "dispute-tp-2024-000017-1",
    "decision_id": None,
    "attachments": [ATTACHMENT],
}

REPAIR: dict[str, Any] = {
    "id": "rp_4b8e2a",
    "record": RECORD,
    "subject": SUBJECT,
    "rule": RULE,
    "applied_on": "2024-07-01",
    "proof": "Fine paid on 2024-05-02, receipt 4471.",
    "commitment": "I will keep to the traffic rules.",
    "decide_by": "2024-07-31",
    "overdue": False,
    "status": "open",
    "decided_on": None,
    "reasons": None,
    "repair_event": None,
    "attachments": [],
}

REVIEW: dict[str, Any] = {
    "id": "rv_19c0d2",
    "subject": SUBJECT,
    "requested_on": "2024-06-02",
    "notice": "9e0d1c2b3a4f",
    "grounds": "The debt on the list was paid in full.",
    "decision": None,
    "status": "open",
    "reasons": None,
    "decided_on": None,
}

NOTICE: dict[str, Any] = {
    "id": "3f9a0c1b2d4e",
    "created_at": "2024-03-05T10:00:00+00:00",
    "kind": "record",
    "record": RECORD,
    "to": "subject",
    "title": "A new credit record: Running a red light",
    "text": "Traffic police recorded that you ran a red light on 2024-03-01. It counts from 2024-03-20.",
    "language": "en",
    "key": "notice.record.new",
    "lines": [{"key": "notice.record.how_to_dispute", "fields": {}}],
    "fields": {"record": RECORD, "rule": RULE, "points": -5, "effective_on": "2024-03-20"},
    "read_at": None,
}

ACCESS: dict[str, Any] = {
    "at": "2024-06-01T09:14:02+00:00",
    "reader": "sky-airline",
    "role": "service-point",
    "what": "check",
    "purpose": "ticket sale",
    "detail": "air_travel.ticket",
}

CONTRIBUTION: dict[str, Any] = {
    "record": RECORD,
    "rule": RULE,
    "points": -5,
    "effective_on": "2024-03-20",
    "expires_on": "2025-03-20",
    "disputed": False,
    "capped": False,
}

STANDING: dict[str, Any] = {
    "subject": SUBJECT,
    "catalog": "rongcheng-personal",
    "as_of": "2024-06-01",
    "score": 995,
    "grade": "A",
    "contributions": [
        {
            **CONTRIBUTION,
            "title": "Running a red light",
            "legal_basis": "Road Traffic Safety Law, art. 90",
            "occurred_on": "2024-03-01",
            "source": "traffic-police",
            "reference": "RC-TP-2024-17",
            "cap_per_year": None,
        }
    ],
    "lists": [],
    "version": "2024.1",
    "title": "Rongcheng personal creditworthiness points",
    "base": 1000,
    "covered": True,
    "grades": [{"name": "AAA", "min": 1050}, {"name": "A", "min": 960}, {"name": "D", "min": None}],
}

RECORD_VIEW: dict[str, Any] = {
    "record": RECORD,
    "rule": RULE,
    "title": "Running a red light",
    "category": "traffic",
    "points": -5,
    "legal_basis": "Road Traffic Safety Law, art. 90",
    "catalog_version": "2024.1",
    "occurred_on": "2024-03-01",
    "decided_on": "2024-03-05",
    "source": "traffic-police",
    "reference": "RC-TP-2024-17",
    "effective_on": "2024-03-20",
    "expires_on": "2025-03-20",
    "ends_on": "2025-03-20",
    "status": "counting",
    "disputed": False,
    "list": None,
    "repairable_from": "2024-06-20",
    "events": [{"type": "dispute_filed", "on": "2024-03-10"}, {"type": "dispute_resolved", "on": "2024-04-01"}],
}

REPORT: dict[str, Any] = {
    "subject": SUBJECT,
    "kind": "person",
    "name": "Zhang San",
    "jurisdiction": "CN-SD-RC",
    "as_of": "2024-06-01",
    "standings": [STANDING],
    "records": [RECORD_VIEW],
    "lists": [],
    "notices": [NOTICE],
    "access_log": [ACCESS],
}

WHOLE_FILE: dict[str, Any] = {
    **REPORT,
    "disputes": [{**DISPUTE, "status": "decided", "decided_on": "2024-04-01", "outcome": "upheld"}],
    "repairs": [REPAIR],
    "reviews": [],
}

OUTLOOK: dict[str, Any] = {
    "subject": SUBJECT,
    "catalog": "rongcheng-personal",
    "as_of": "2024-06-01",
    "score": 995,
    "grade": "A",
    "lists": [],
    "changes": [
        {
            "day": "2025-03-20",
            "score": 1000,
            "grade": "A",
            "lists": [],
            "what": ["Record tp-2024-000017 (Running a red light) expires: +5 points"],
            "messages": [{"key": "outlook.record_expires", "fields": {"record": RECORD, "points": 5}}],
        }
    ],
    "repairs": [{"record": RECORD, "rule": RULE, "possible_from": "2024-06-20"}],
}

ORGANISATION_CODE = "uscc:91350100M000100Y43"

SEARCH: dict[str, Any] = {
    "query": "Minjiang",
    "results": [
        {
            "subject": ORGANISATION_CODE,
            "code": "91350100M000100Y43",
            "name": "Minjiang Trading Co.",
            "jurisdiction": "CN-FJ",
        }
    ],
}

ORGANISATION: dict[str, Any] = {
    "subject": ORGANISATION_CODE,
    "code": "91350100M000100Y43",
    "name": "Minjiang Trading Co.",
    "jurisdiction": "CN-FJ",
    "as_of": "2024-06-01",
    "standings": [
        {"catalog": "market-enterprise", "title": "Enterprise credit", "version": "2024.1", "score": 880, "grade": "B"}
    ],
    "records": [
        {
            "record": "mr-2024-0042",
            "rule": "market-enterprise/tax.evasion_major",
            "title": "Major tax evasion",
            "legal_basis": "Tax Collection Administration Law, art. 63",
            "occurred_on": "2023-11-12",
            "decided_on": "2023-12-20",
            "source": "tax-bureau",
            "reference": "FJ-TAX-2023-881",
            "effective_on": "2024-01-03",
            "until": "2027-01-03",
            "disputed": False,
        }
    ],
    "lists": [
        {
            "list": "serious-untrustworthy",
            "title": "Seriously untrustworthy entities",
            "record": "mr-2024-0042",
            "from": "2024-01-03",
            "until": "2027-01-03",
            "legal_basis": "Measures on the List of Seriously Untrustworthy Entities, art. 5",
        }
    ],
}

LIST_PAGE: dict[str, Any] = {
    "list": "serious-untrustworthy",
    "title": "Seriously untrustworthy entities",
    "kind": "black",
    "catalog": "market-enterprise",
    "publishes": "organisations",
    "removal": ["fulfilment", "repair", "annulment"],
    "as_of": "2024-06-01",
    "total": 1,
    "persons_not_published": 0,
    "page": 1,
    "per_page": 50,
    "entries": [
        {
            "subject": ORGANISATION_CODE,
            "name": "Minjiang Trading Co.",
            "record": "mr-2024-0042",
            "rule": "market-enterprise/tax.evasion_major",
            "from": "2024-01-03",
            "until": "2027-01-03",
        }
    ],
}

ACCESS_LOG: dict[str, Any] = {"total": 1, "limit": 100, "offset": 0, "entries": [ACCESS]}

LEDGER: dict[str, Any] = {
    "intact": True,
    "events": 2699,
    "head": "e610e5bf7872da3361bacc2f216f2c6ab4fda54fcbf464c48199091489377260",
    "broken_at": None,
    "problem": None,
    "tables": [
        {
            "table": "ledger",
            "intact": True,
            "rows": 2699,
            "head": "e610e5bf7872da3361bacc2f216f2c6ab4fda54fcbf464c48199091489377260",
            "broken_at": None,
            "problem": None,
        }
    ],
}
