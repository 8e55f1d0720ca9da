"""A subject's whole file: its standing under every catalog, every record with its later
events, list entries and the log of who read it. What a subject sees of itself and what
an officer sees when a purpose is given."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinyong.domain.access import Reader
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import earliest_repair, list_entries, rule_in_force, standing, timeline
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.inquiries import standing_json
from xinyong.services.unit_of_work import UnitsOfWork


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


class Reports:
    def __init__(self, units: UnitsOfWork, library: CatalogLibrary):
        self.units = units
        self.library = library

    def report(self, subject: SubjectRef, day: dt.date, reader: Reader, purpose: str | None) -> dict[str, Any]:
        """The subject's whole file as of ``day``; the read is logged in the same unit of
        work that reads it (the log it shows includes this read)."""
        registry = self.library.registry()
        with self.units() as uow:
            filed = uow.ledger.subject_ledger(subject)
            uow.access_log.write([subject], reader, "report", purpose, [f"as of {day}"])
            _, accesses = uow.access_log.entries(subject, limit=1000)
            notices = uow.notices.inbox(subject)
            uow.commit()
        files, facts, jurisdiction = filed.files, filed.facts, filed.jurisdiction

        standings = []
        for catalog_id in registry.ids():
            version = registry.in_force(catalog_id, day)
            if version is None or version.subject_kind != subject.kind:
                continue
            answer = standing(subject, catalog_id, day, files, registry, jurisdiction)
            body = standing_json(answer)
            body.update(
                version=answer.version,
                title=version.title,
                base=answer.base,
                covered=answer.covered,
                grades=[{"name": g.name, "min": g.min} for g in version.grades],
            )
            explained = {c.record: c for c in answer.contributions}
            for item in body["contributions"]:
                c = explained[item["record"]]
                item.update(
                    title=c.title,
                    legal_basis=c.legal_basis,
                    occurred_on=c.occurred_on.isoformat(),
                    source=c.source,
                    reference=c.reference,
                    cap_per_year=c.cap_per_year,
                )
            standings.append(body)

        records = []
        lines = []
        for file in files:
            line = timeline(file, registry)
            lines.append(line)
            version, rule = rule_in_force(file.record, registry)
            repair_from = earliest_repair(file, registry)
            records.append(
                {
                    "record": file.id,
                    "rule": file.record.rule,
                    "title": rule.title,
                    "category": rule.category,
                    "points": rule.points,
                    "legal_basis": rule.legal_basis,
                    "catalog_version": version.version,
                    "occurred_on": file.record.occurred_on.isoformat(),
                    "decided_on": file.record.decided_on.isoformat(),
                    "source": file.record.source,
                    "reference": file.record.reference,
                    "effective_on": line.effective_on.isoformat(),
                    "expires_on": line.expires_on.isoformat(),
                    "ends_on": None if line.annulled else line.ends_on.isoformat(),
                    "status": line.status_on(day),
                    "disputed": line.disputed_on(day),
                    "list": (
                        {
                            "list": line.placement.list,
                            "from": line.placement.start.isoformat(),
                            "until": _day(line.placement.until),
                        }
                        if line.placement
                        else None
                    ),
                    "repairable_from": _day(repair_from),
                    "events": [c.model_dump(mode="json", exclude_none=True) for c in file.changes],
                }
            )
        records.sort(key=lambda r: (r["occurred_on"], r["record"]))
        entries = list_entries(subject, day, lines)
        return {
            "subject": str(subject),
            "kind": subject.kind,
            "name": facts.name if facts else None,
            "jurisdiction": jurisdiction,
            "as_of": day.isoformat(),
            "standings": standings,
            "records": records,
            "lists": [
                {
                    "list": e.list,
                    "record": e.record,
                    "from": e.start.isoformat(),
                    "until": _day(e.until),
                    "catalog": e.catalog,
                    "rule": e.rule,
                }
                for e in entries
            ],
            "notices": [n.as_json() for n in notices],
            "access_log": [
                {
                    "at": a.at,
                    "reader": a.reader,
                    "role": a.role,
                    "what": a.what,
                    "purpose": a.purpose,
                    "detail": a.detail,
                }
                for a in accesses
            ],
        }
