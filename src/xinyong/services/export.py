"""A subject's whole file, as the subject downloads it: the report (standing, records,
notices, the access log) with the subject's disputes, repairs and reviews."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, fields

from xinyong.domain.access import Reader
from xinyong.services.due_process import DisputeView, DueProcess, RepairView, ReviewView
from xinyong.services.reports import Report, Reports


@dataclass(frozen=True)
class WholeFile(Report):
    """The report, with the subject's due process."""

    disputes: tuple[DisputeView, ...]
    repairs: tuple[RepairView, ...]
    reviews: tuple[ReviewView, ...]


def whole_file(reports: Reports, due_process: DueProcess, who: Reader, day: dt.date) -> WholeFile:
    """The file of the subject ``who`` reads as of ``day``; the read is logged as the
    subject's export of its file."""
    subject = who.subject
    assert subject is not None
    report = reports.report(subject, day, who, "subject's export of its file")
    mine = str(subject)
    return WholeFile(
        **{f.name: getattr(report, f.name) for f in fields(report)},
        disputes=tuple(v for v in due_process.disputes(day, "all") if v.subject == mine),
        repairs=tuple(v for v in due_process.repairs(day, "all") if v.subject == mine),
        reviews=tuple(v for v in due_process.reviews("all") if v.subject == mine),
    )
