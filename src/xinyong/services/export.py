"""A subject's whole file, as the subject downloads it: the report (standing, records,
notices, the access log) with the subject's disputes, repairs and reviews."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinyong.domain.access import Reader
from xinyong.services.due_process import DueProcess
from xinyong.services.reports import Reports


def whole_file(reports: Reports, due_process: DueProcess, who: Reader, day: dt.date) -> dict[str, Any]:
    """The file of the subject ``who`` reads as of ``day``; the read is logged as the
    subject's export of its file."""
    subject = who.subject
    assert subject is not None
    report = reports.report(subject, day, who, "subject's export of its file")
    report["disputes"] = [v for v in due_process.disputes(day, "all") if v.subject == str(subject)]
    report["repairs"] = [v for v in due_process.repairs(day, "all") if v.subject == str(subject)]
    report["reviews"] = [v for v in due_process.reviews("all") if v.subject == str(subject)]
    return report
