"""Due process over HTTP: disputes, repairs, human reviews, the outlook, notices and the
export of a subject's whole file. The services' refusals (``DueProcessError``) answer as
problems (:mod:`xinyong.entrypoints.api.problems`)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Query, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response

from xinyong.domain.access import MAX_PURPOSE, Reader
from xinyong.domain.attachments import MAX_BYTES, MAX_PER_CASE, Upload
from xinyong.domain.decisions import CaseKind, InvalidOutcome, valid_outcome
from xinyong.domain.identifiers import SubjectRef
from xinyong.entrypoints.api.deps import Language, Officer, Source, SubjectReader
from xinyong.entrypoints.api.idempotency import IdempotentRoute
from xinyong.entrypoints.api.models import (
    AttachmentList,
    Decision,
    DisputeFiling,
    DisputeQueue,
    DisputeView,
    Marked,
    MarkRead,
    NoticeList,
    Outlook,
    RepairApplication,
    RepairQueue,
    RepairView,
    ReviewQueue,
    ReviewRequest,
    ReviewView,
    WholeFile,
)
from xinyong.entrypoints.api.problems import Problem, problem_responses
from xinyong.entrypoints.dependencies import DeploymentDep, Today
from xinyong.entrypoints.downloads import download
from xinyong.entrypoints.printable import render_export
from xinyong.services.export import whole_file

router = APIRouter(tags=["due process"], route_class=IdempotentRoute)

FILING = problem_responses(401, 403, 404, 409, 422, body=True)
DECIDING = problem_responses(401, 403, 404, 409, 422, body=True)
QUEUE = problem_responses(401, 403, 422)


def _outcome(kind: CaseKind, decision: Decision) -> str:
    """The decision's outcome, if a case of ``kind`` can have it; else a 422 naming the field."""
    try:
        return valid_outcome(kind, decision.outcome)
    except InvalidOutcome as invalid:
        raise Problem(
            422,
            "invalid-request",
            "The request does not fit",
            str(invalid),
            errors=[{"field": "outcome", "message": f"one of {', '.join(invalid.allowed)}"}],
        ) from None


def _subject(who: Reader) -> SubjectRef:
    assert who.subject is not None  # a subject token always names its subject
    return who.subject


@router.post(
    "/v1/me/disputes",
    response_model=DisputeView,
    status_code=201,
    responses=FILING,
    summary="Dispute one of my records",
)
def file_dispute(body: DisputeFiling, who: SubjectReader, d: DeploymentDep, today: Today) -> Any:
    """Filed before the record takes effect, the dispute keeps it from counting until it
    is decided; filed later, the record counts, marked as disputed. The source is told."""
    return d.due_process.file_dispute(_subject(who), body.record, body.grounds, today)


@router.get("/v1/disputes", response_model=DisputeQueue, responses=QUEUE, summary="The dispute queue, by deadline")
def dispute_queue(
    who: Officer, d: DeploymentDep, today: Today, status: Literal["open", "decided", "all"] = "open"
) -> Any:
    """Open disputes ordered by the day they must be decided by, overdue ones marked."""
    return d.due_process.disputes(today, status)


@router.post(
    "/v1/disputes/{dispute_id}/decision",
    response_model=DisputeView,
    responses=DECIDING,
    summary="Decide a dispute, with reasons",
)
def decide_dispute(dispute_id: int, body: Decision, who: Officer, d: DeploymentDep, today: Today) -> Any:
    return d.due_process.decide_dispute(dispute_id, _outcome("dispute", body), body.reasons, who, today)


@router.post(
    "/v1/me/repairs",
    response_model=RepairView,
    status_code=201,
    responses=FILING,
    summary="Apply for credit repair of one of my records",
)
def apply_for_repair(body: RepairApplication, who: SubjectReader, d: DeploymentDep, today: Today) -> Any:
    """With proof that the obligation was met and a written commitment. An application
    made too early is refused with `first_day`, the first day it can succeed."""
    return d.due_process.apply_for_repair(_subject(who), body.record, body.proof, body.commitment, today)


@router.get("/v1/repairs", response_model=RepairQueue, responses=QUEUE, summary="The repair queue, by deadline")
def repair_queue(
    who: Officer, d: DeploymentDep, today: Today, status: Literal["open", "granted", "refused", "all"] = "open"
) -> Any:
    return d.due_process.repairs(today, status)


@router.post(
    "/v1/repairs/{case_id}/decision",
    response_model=RepairView,
    responses=DECIDING,
    summary="Grant or refuse a repair, with reasons",
)
def decide_repair(case_id: str, body: Decision, who: Officer, d: DeploymentDep, today: Today) -> Any:
    """A granted repair is a `repaired` event: the record and its list entries end today."""
    return d.due_process.decide_repair(case_id, _outcome("repair", body), body.reasons, who, today)


@router.post(
    "/v1/me/reviews",
    response_model=ReviewView,
    status_code=201,
    responses=FILING,
    summary="Ask a human to review a decision that went against me",
)
def request_review(body: ReviewRequest, who: SubjectReader, d: DeploymentDep, today: Today) -> Any:
    return d.due_process.request_review(_subject(who), body.notice, body.grounds, today)


@router.get("/v1/reviews", response_model=ReviewQueue, responses=QUEUE, summary="The review queue")
def review_queue(
    who: Officer, d: DeploymentDep, status: Literal["open", "confirmed", "overturned", "all"] = "open"
) -> Any:
    return d.due_process.reviews(status)


@router.post(
    "/v1/reviews/{case_id}/decision",
    response_model=ReviewView,
    responses=DECIDING,
    summary="Decide a human review, with reasons",
)
def decide_review(case_id: str, body: Decision, who: Officer, d: DeploymentDep, today: Today) -> Any:
    return d.due_process.decide_review(case_id, _outcome("review", body), body.reasons, who, today)


# --------------------------------------------------------------------- attachments

ATTACHING = problem_responses(401, 403, 404, 409, 422, body=True)
DOWNLOADING = problem_responses(401, 403, 404, 422)
Files = Annotated[
    list[UploadFile],
    File(
        alias="file",
        description=f"one or more PDF, JPEG or PNG files (by content), each at most {MAX_BYTES} bytes; "
        f"at most {MAX_PER_CASE} on a case",
    ),
]
_DOWNLOAD: dict[int | str, dict[str, Any]] = {
    200: {
        "description": "The file's bytes, as an attachment, never to be rendered inline. The Content-Type is "
        "the file's own (PDF, JPEG or PNG); application/octet-stream, listed first, stands for any of them, so "
        "that a generated client reads the bytes whatever the type.",
        "content": {
            media: {"schema": {"type": "string", "format": "binary"}}
            for media in ("application/octet-stream", "application/pdf", "image/jpeg", "image/png")
        },
    }
}


async def uploads(files: list[UploadFile]) -> list[Upload]:
    """The files sent, each read to one byte past the limit at most (enough to refuse
    it); the type each declared is ignored: the service looks at the content."""
    taken = []
    for file in files[: MAX_PER_CASE + 1]:  # one past the limit: enough to refuse them
        taken.append(Upload(file.filename or "", await file.read(MAX_BYTES + 1)))
    return taken


@router.post(
    "/v1/me/disputes/{dispute_id}/attachments",
    response_model=AttachmentList,
    status_code=201,
    responses=ATTACHING,
    summary="Attach files to my open dispute",
)
async def attach_to_dispute(dispute_id: int, file: Files, who: SubjectReader, d: DeploymentDep) -> Any:
    """Multipart, field `file` (repeated for several). All the files are attached, or none:
    a file that is not a PDF, JPEG or PNG by its content, empty or too large, or one too
    many for the case is refused naming the field. A decided dispute takes no more files."""
    taken = await uploads(file)
    return await run_in_threadpool(d.due_process.attach, _subject(who), "dispute", str(dispute_id), taken)


@router.post(
    "/v1/me/repairs/{case_id}/attachments",
    response_model=AttachmentList,
    status_code=201,
    responses=ATTACHING,
    summary="Attach files to my open repair application",
)
async def attach_to_repair(case_id: str, file: Files, who: SubjectReader, d: DeploymentDep) -> Any:
    """As for a dispute: multipart, field `file`; all or none."""
    taken = await uploads(file)
    return await run_in_threadpool(d.due_process.attach, _subject(who), "repair", case_id, taken)


@router.get(
    "/v1/me/attachments/{attachment_id}",
    response_class=Response,
    responses={**_DOWNLOAD, **DOWNLOADING},
    summary="Download a file attached to one of my cases",
)
def my_attachment(attachment_id: str, who: SubjectReader, d: DeploymentDep) -> Response:
    """Another subject's file is not found, as one that does not exist. The read is in my
    access log."""
    return download(d.due_process.attachment(attachment_id, who))


@router.get(
    "/v1/attachments/{attachment_id}",
    response_class=Response,
    responses={**_DOWNLOAD, **DOWNLOADING},
    summary="Download a file attached to a case, stating why",
)
def attachment(
    attachment_id: str,
    who: Officer,
    d: DeploymentDep,
    purpose: Annotated[str, Query(min_length=1, max_length=MAX_PURPOSE)],
) -> Response:
    """The read is written to the subject's access log with the officer and the purpose."""
    return download(d.due_process.attachment(attachment_id, who, purpose))


@router.get(
    "/v1/me/outlook",
    response_model=Outlook,
    responses=problem_responses(401, 403, 404, 422),
    summary="When my score, grade and list entries change, and what I can do",
)
def my_outlook(
    who: SubjectReader,
    d: DeploymentDep,
    today: Today,
    catalog: Annotated[str, Query(min_length=1, max_length=100)],
    lang: Language,
    as_of: dt.date | None = None,
) -> Any:
    """If nothing new happens: each future day on which the score or grade changes or a
    list entry ends, and which repairs become possible when."""
    return Outlook.of(d.due_process.outlook(_subject(who), catalog, as_of or today, lang))


@router.get("/v1/me/notices", response_model=NoticeList, responses=problem_responses(401, 403), summary="My inbox")
def my_notices(who: SubjectReader, d: DeploymentDep, lang: Language) -> Any:
    catalogs = d.catalogs.registry()
    return [n.as_json(lang, catalogs=catalogs) for n in d.reports.inbox(_subject(who))]


@router.post(
    "/v1/me/notices/read",
    response_model=Marked,
    responses=problem_responses(401, 403, 422, body=True),
    summary="Mark my notices read",
)
def mark_my_notices_read(who: SubjectReader, d: DeploymentDep, asked: MarkRead) -> Any:
    """Mark the listed notices (or, without a list, all of them) read: each notice keeps
    the time it was first marked read. Ids that are not the subject's own are ignored."""
    return Marked(marked=d.reports.mark_read(_subject(who), asked.notices))


@router.get(
    "/v1/source/notices",
    response_model=NoticeList,
    responses=problem_responses(401, 403),
    summary="Notices to a source: disputes of its records and their decisions",
)
def source_notices(who: Source, d: DeploymentDep, lang: Language) -> Any:
    catalogs = d.catalogs.registry()
    return [n.as_json(lang, catalogs=catalogs) for n in d.reports.source_notices(who.name)]


@router.get(
    "/v1/me/export",
    response_model=WholeFile,
    responses=problem_responses(401, 403),
    summary="Download my whole file as JSON",
)
def export_json(who: SubjectReader, d: DeploymentDep, today: Today) -> Any:
    """Report, notices, disputes, repairs, reviews and the access log."""
    return WholeFile.of(whole_file(d.reports, d.due_process, who, today))


@router.get(
    "/v1/me/export.html",
    response_class=HTMLResponse,
    responses=problem_responses(401, 403),
    summary="My whole file as a printable page",
)
def export_html(who: SubjectReader, d: DeploymentDep, today: Today, lang: Language) -> HTMLResponse:
    """The whole file as one printable page, in the language Accept-Language asks for."""
    return HTMLResponse(render_export(whole_file(d.reports, d.due_process, who, today), lang, d.catalogs.registry()))
