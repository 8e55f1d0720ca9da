"""The officer console: queues of disputes, repairs and reviews by deadline, each case
with whose it is and its decision form (a decision is restated for confirmation before
it is written), the subject look-up (which asks for a purpose and logs it), the catalog
viewer with lint findings and version diffs, and the overview dashboards."""

from __future__ import annotations

import re
import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong.bootstrap import Deployment
from xinyong.domain.access import MAX_PURPOSE, PurposeRequired, Reader
from xinyong.domain.catalog.diff import diff, measure_key
from xinyong.domain.catalog.lint import PROFILES, lint
from xinyong.domain.decisions import CaseKind, InvalidOutcome, valid_outcome
from xinyong.domain.federation import STALE_AFTER, fingerprint
from xinyong.domain.identifiers import InvalidIdentifier, SubjectRef
from xinyong.entrypoints.dependencies import DeploymentDep, today
from xinyong.entrypoints.downloads import download
from xinyong.entrypoints.web import charts, i18n
from xinyong.entrypoints.web.forms import LIMITS, read_form
from xinyong.entrypoints.web.pages import language, render, svg
from xinyong.entrypoints.web.routers.signin import sessions, sign_in, sign_out, signin_page
from xinyong.entrypoints.web.sessions import CONSOLE
from xinyong.services.due_process import DueProcessError, case_purpose

router = APIRouter(prefix="/console", include_in_schema=False)
DONE = ("dispute", "repair", "review")
RESIDENT = re.compile(r"^\d{17}[\dX]$")
# How long a decision's confirmation stands: a page left open longer is confirmed anew.
CONFIRM_SECONDS = 15 * 60


def error(key: str, **values: Any) -> dict[str, Any]:
    return {"key": key, "values": values}


def _officer(request: Request) -> Reader | None:
    return sessions(request).reader(request, CONSOLE)


def _guard_get(request: Request) -> Reader | HTMLResponse:
    who = _officer(request)
    if who is None:
        # The console's own address is where one signs in; elsewhere, say that one must.
        status = 200 if request.url.path == CONSOLE.path else 401
        return signin_page(request, CONSOLE, status=status, next_page=request.url.path)
    return who


def _guard_post(request: Request, form: dict) -> Reader | Response:
    who = _officer(request)
    if who is None:
        return signin_page(request, CONSOLE, status=401)
    if not sessions(request).csrf_ok(request, CONSOLE, form.get("csrf")):
        return render(request, "error.html", status=403, heading="error.forbidden", message="error.csrf")
    return who


def console_page(
    request: Request,
    d: Deployment,
    who: Reader,
    errors: dict | None = None,
    values: dict | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    day = today()
    return render(
        request,
        "console.html",
        status=status,
        area="console",
        officer=who,
        queue=d.due_process.queue(day, who),
        errors=errors or {},
        values=values or {},
        done=done,
        csrf=sessions(request).csrf(request, CONSOLE),
        today=day.isoformat(),
    )


@router.get("", response_class=HTMLResponse)
def console(request: Request, d: DeploymentDep, done: str | None = None) -> HTMLResponse:
    who = _guard_get(request)
    if not isinstance(who, Reader):
        return who
    return console_page(request, d, who, done=done if done in DONE else None)


@router.post("/sign-in")
async def console_sign_in(request: Request) -> Response:
    return await sign_in(request, CONSOLE)


@router.post("/sign-out")
async def console_sign_out(request: Request) -> Response:
    return await sign_out(request, CONSOLE)


def _reasons(form: dict) -> str:
    """The reasons typed, line breaks as one character: a browser sends a textarea's and
    a hidden field's line breaks as CRLF, and the confirmation must restate them exactly."""
    return (form.get("reasons") or "").replace("\r\n", "\n").strip()


def _sealed(request: Request, kind: CaseKind, case: str, outcome: str, reasons: str, issued: str) -> str:
    """The confirmation token of one decision: bound to the session, the case, the outcome,
    the reasons and the moment the confirmation was shown."""
    return sessions(request).bound(request, CONSOLE, "decide", kind, case, outcome, reasons, issued)


def _decide(request: Request, d: Deployment, form: dict, kind: CaseKind, case: str) -> Response:
    """The first step of a decision: check it and restate it for confirmation. Nothing
    of the decision is written here."""
    who = _guard_post(request, form)
    if not isinstance(who, Reader):
        return who
    slot = f"{kind}-{case}"
    outcome = form.get("outcome", "")
    reasons = _reasons(form)
    errors: dict[str, Any] = {}
    try:
        valid_outcome(kind, outcome)
    except InvalidOutcome:
        errors[f"{slot}-outcome"] = error("console.decide.error.outcome")
    if not reasons:
        errors[f"{slot}-reasons"] = error("console.decide.error.reasons")
    elif len(reasons) > LIMITS["decision.reasons"]:
        errors[f"{slot}-reasons"] = error("form.too_long", max=LIMITS["decision.reasons"])
    item = None
    if not errors:
        try:
            item = d.due_process.queued(kind, case, today(), who)
        except DueProcessError as refused:
            errors[f"{slot}-outcome"] = error("error.refused", detail=str(refused))
    if errors or item is None:
        values = {f"{slot}-outcome": outcome, f"{slot}-reasons": reasons}
        return console_page(request, d, who, errors=errors, values=values, status=422)
    issued = str(int(time.time()))
    return render(
        request,
        "console_confirm.html",
        area="console",
        item=item,
        outcome=outcome,
        reasons=reasons,
        issued=issued,
        token=_sealed(request, kind, case, outcome, reasons, issued),
        csrf=sessions(request).csrf(request, CONSOLE),
    )


def fresh(issued: str, now: float) -> bool:
    """Whether a confirmation shown at ``issued`` (seconds since the epoch) still stands
    at ``now``: not older than ``CONFIRM_SECONDS``, and not from the future."""
    return issued.isdigit() and 0 <= now - int(issued) <= CONFIRM_SECONDS


def _confirm(request: Request, d: Deployment, form: dict, kind: CaseKind, case: str) -> Response:
    """The second step: write the decision the officer confirmed, once. A token that does
    not restate this decision for this session (forged, or the fields changed), or one
    older than ``CONFIRM_SECONDS``, is refused; so is a decision already taken."""
    who = _guard_post(request, form)
    if not isinstance(who, Reader):
        return who
    outcome, reasons, issued = form.get("outcome", ""), _reasons(form), form.get("issued", "")
    if not sessions(request).bound_ok(
        request, CONSOLE, form.get("confirm"), "decide", kind, case, outcome, reasons, issued
    ):
        return _refused(request, kind, case, 403, "console.confirm.error.forged")
    if not fresh(issued, time.time()):
        return _refused(request, kind, case, 409, "console.confirm.error.stale")
    try:
        valid_outcome(kind, outcome)
        decide = {
            "dispute": d.due_process.decide_dispute,
            "repair": d.due_process.decide_repair,
            "review": d.due_process.decide_review,
        }[kind]
        decide(int(case) if kind == "dispute" else case, outcome, reasons, who, today())
    except (DueProcessError, ValueError) as refused:
        return _refused(request, kind, case, 409, "error.refused", detail=str(refused))
    return RedirectResponse(f"/console?done={kind}", status_code=303)


def _refused(request: Request, kind: CaseKind, case: str, status: int, key: str, **values: Any) -> HTMLResponse:
    """A confirmation refused: why, and the way back to the queue. Nothing was written."""
    return render(
        request,
        "console_confirm.html",
        status=status,
        area="console",
        item=None,
        kind=kind,
        case=case,
        refusal=error(key, **values),
        csrf=sessions(request).csrf(request, CONSOLE),
    )


@router.post("/disputes/{dispute_id}")
async def decide_dispute(dispute_id: str, request: Request, d: DeploymentDep) -> Response:
    form = await read_form(request)
    return await run_in_threadpool(_decide, request, d, form, "dispute", dispute_id[:20])


@router.post("/repairs/{case_id}")
async def decide_repair(case_id: str, request: Request, d: DeploymentDep) -> Response:
    form = await read_form(request)
    return await run_in_threadpool(_decide, request, d, form, "repair", case_id[:40])


@router.post("/reviews/{case_id}")
async def decide_review(case_id: str, request: Request, d: DeploymentDep) -> Response:
    form = await read_form(request)
    return await run_in_threadpool(_decide, request, d, form, "review", case_id[:40])


@router.post("/disputes/{dispute_id}/confirm")
async def confirm_dispute(dispute_id: str, request: Request, d: DeploymentDep) -> Response:
    form = await read_form(request)
    return await run_in_threadpool(_confirm, request, d, form, "dispute", dispute_id[:20])


@router.post("/repairs/{case_id}/confirm")
async def confirm_repair(case_id: str, request: Request, d: DeploymentDep) -> Response:
    form = await read_form(request)
    return await run_in_threadpool(_confirm, request, d, form, "repair", case_id[:40])


@router.post("/reviews/{case_id}/confirm")
async def confirm_review(case_id: str, request: Request, d: DeploymentDep) -> Response:
    form = await read_form(request)
    return await run_in_threadpool(_confirm, request, d, form, "review", case_id[:40])


def _case_file(request: Request, d: Deployment, kind: CaseKind, case: str) -> HTMLResponse:
    """The file of a case's subject, at the case's record: read for the case (the purpose
    the access log keeps)."""
    who = _guard_get(request)
    if not isinstance(who, Reader):
        return who
    try:
        whose = d.due_process.subject_of(kind, case)
    except DueProcessError:
        return render(request, "error.html", status=404, heading="error.not_found", message="console.case.not_found")
    purpose = case_purpose(kind, case)
    return render(
        request,
        "console_subject.html",
        area="console",
        report=d.reports.report(whose.subject, today(), who, purpose),
        purpose=purpose,
        case={"kind": kind, "id": case, "record": whose.record},
        files=d.due_process.attachments_of(kind, case) if kind != "review" else [],
        csrf=sessions(request).csrf(request, CONSOLE),
    )


def _attachment(request: Request, d: Deployment, kind: CaseKind, case: str, attachment_id: str) -> Response:
    """A file attached to a case, as a download: read to decide the case (the purpose
    the access log keeps)."""
    who = _guard_get(request)
    if not isinstance(who, Reader):
        return who
    try:
        found = d.due_process.attachment(attachment_id, who, case_purpose(kind, case), case=(kind, case))
    except DueProcessError:
        return render(request, "error.html", status=404, heading="error.not_found", message="attachment.not_found")
    return download(found)


@router.get("/disputes/{dispute_id}/attachments/{attachment_id}", response_class=Response)
def dispute_attachment(dispute_id: str, attachment_id: str, request: Request, d: DeploymentDep) -> Response:
    return _attachment(request, d, "dispute", dispute_id[:20], attachment_id[:40])


@router.get("/repairs/{case_id}/attachments/{attachment_id}", response_class=Response)
def repair_attachment(case_id: str, attachment_id: str, request: Request, d: DeploymentDep) -> Response:
    return _attachment(request, d, "repair", case_id[:40], attachment_id[:40])


@router.get("/disputes/{dispute_id}/file", response_class=HTMLResponse)
def dispute_file(dispute_id: str, request: Request, d: DeploymentDep) -> HTMLResponse:
    """The file of the subject of a dispute, at the record disputed."""
    return _case_file(request, d, "dispute", dispute_id[:20])


@router.get("/repairs/{case_id}/file", response_class=HTMLResponse)
def repair_file(case_id: str, request: Request, d: DeploymentDep) -> HTMLResponse:
    """The file of the subject of a repair application, at the record to repair."""
    return _case_file(request, d, "repair", case_id[:40])


@router.get("/reviews/{case_id}/file", response_class=HTMLResponse)
def review_file(case_id: str, request: Request, d: DeploymentDep) -> HTMLResponse:
    """The file of the subject of a review, at the record that triggered the decision."""
    return _case_file(request, d, "review", case_id[:40])


def _subject(text: str) -> SubjectRef:
    """A subject from what an officer typed: ``rid:…``/``uscc:…``, or a bare number or code."""
    text = text.strip().replace(" ", "")
    if ":" not in text:
        text = ("rid:" if RESIDENT.match(text.upper()) else "uscc:") + text.upper()
    return SubjectRef.parse(text)


def _lookup(request: Request, d: Deployment, form: dict) -> Response:
    who = _guard_post(request, form)
    if not isinstance(who, Reader):
        return who
    text, purpose = (form.get("subject") or "").strip(), (form.get("purpose") or "").strip()
    errors: dict[str, Any] = {}
    subject = None
    if not text:
        errors["lookup-subject"] = error("form.required")
    else:
        try:
            subject = _subject(text)
        except InvalidIdentifier as invalid:
            errors["lookup-subject"] = error("console.lookup.error.subject", detail=str(invalid))
    try:
        who.stated_purpose(purpose)
    except PurposeRequired as refused:
        errors["lookup-purpose"] = error(refused.key)
    else:
        if len(purpose) > MAX_PURPOSE:
            errors["lookup-purpose"] = error("form.too_long", max=MAX_PURPOSE)
    if errors or subject is None:
        return console_page(
            request, d, who, errors=errors, values={"lookup-subject": text, "lookup-purpose": purpose}, status=422
        )
    report = d.reports.report(subject, today(), who, purpose)
    return render(
        request,
        "console_subject.html",
        area="console",
        report=report,
        purpose=purpose,
        csrf=sessions(request).csrf(request, CONSOLE),
    )


@router.post("/subject", response_class=HTMLResponse)
async def lookup_subject(request: Request, d: DeploymentDep) -> Response:
    """A subject's file, read for a stated purpose that goes to the access log."""
    form = await read_form(request)
    return await run_in_threadpool(_lookup, request, d, form)


# ------------------------------------------------------------------- catalogs


def _findings(d: Deployment, profile: str):
    return lint(list(d.catalogs.registry().all()), profile)


@router.get("/catalogs", response_class=HTMLResponse)
def catalogs(request: Request, d: DeploymentDep) -> HTMLResponse:
    who = _guard_get(request)
    if not isinstance(who, Reader):
        return who
    registry = d.catalogs.registry()
    findings = _findings(d, "default")
    rows = []
    for catalog_id in registry.ids():
        versions = registry.versions(catalog_id)
        current = registry.in_force(catalog_id, today())
        rows.append(
            {
                "id": catalog_id,
                "latest": versions[-1],
                "current": current,
                "versions": versions,
                "errors": sum(1 for f in findings if f.catalog == catalog_id and f.severity == "error"),
                "warnings": sum(1 for f in findings if f.catalog == catalog_id and f.severity == "warning"),
            }
        )
    return render(request, "catalogs.html", area="console", rows=rows, csrf=sessions(request).csrf(request, CONSOLE))


@router.get("/nodes", response_class=HTMLResponse)
def nodes(request: Request, d: DeploymentDep) -> HTMLResponse:
    """This node, the partners trusted to sign lists (their keys' fingerprints), and the
    latest bundle of every foreign list with its age (docs/design.md section 10)."""
    who = _guard_get(request)
    if not isinstance(who, Reader):
        return who
    node = d.node_key()
    partners = [(p, fingerprint(p.public_key)) for p in d.federation.partners()]
    return render(
        request,
        "nodes.html",
        area="console",
        node=node,
        partners=partners,
        lists=d.federation.lists(today()),
        stale_after=STALE_AFTER,
    )


@router.get("/catalogs/{catalog_id}", response_class=HTMLResponse)
def catalog(
    catalog_id: str,
    request: Request,
    d: DeploymentDep,
    version: str | None = None,
    profile: str = "default",
) -> HTMLResponse:
    who = _guard_get(request)
    if not isinstance(who, Reader):
        return who
    registry = d.catalogs.registry()
    versions = registry.versions(catalog_id)
    if not versions:
        return render(request, "error.html", status=404, heading="error.not_found", message="catalog.not_found")
    shown = (
        next((v for v in versions if v.version == version), None)
        or registry.in_force(catalog_id, today())
        or versions[-1]
    )
    profile = profile if profile in PROFILES else "default"
    findings = [f for f in _findings(d, profile) if f.catalog == catalog_id and f.version == shown.version]
    measures = [(measure_key(shown, i), m) for i, m in enumerate(shown.measures)]
    return render(
        request,
        "catalog.html",
        area="console",
        catalog=shown,
        versions=versions,
        findings=findings,
        profile=profile,
        profiles=PROFILES,
        measures=measures,
        in_force=registry.in_force(catalog_id, today()),
        csrf=sessions(request).csrf(request, CONSOLE),
    )


@router.get("/catalogs/{catalog_id}/diff", response_class=HTMLResponse)
def catalog_diff(catalog_id: str, request: Request, d: DeploymentDep) -> HTMLResponse:
    who = _guard_get(request)
    if not isinstance(who, Reader):
        return who
    versions = d.catalogs.registry().versions(catalog_id)
    by_version = {v.version: v for v in versions}
    if len(versions) < 2:
        return render(request, "error.html", status=404, heading="error.not_found", message="diff.one_version")
    before = by_version.get(request.query_params.get("from", "")) or versions[-2]
    after = by_version.get(request.query_params.get("to", "")) or versions[-1]
    result = diff(before, after)
    rules = [
        (name, before.rules.get(name), after.rules.get(name), result.find("rule", name))
        for name in sorted(before.rules.keys() | after.rules.keys())
    ]
    lists = [
        (name, before.lists.get(name), after.lists.get(name), result.find("list", name))
        for name in sorted(before.lists.keys() | after.lists.keys())
    ]
    old_measures = {measure_key(before, i): m for i, m in enumerate(before.measures)}
    new_measures = {measure_key(after, i): m for i, m in enumerate(after.measures)}
    keys = list(new_measures) + [k for k in old_measures if k not in new_measures]
    measures = [(k, old_measures.get(k), new_measures.get(k), result.find("measure", k)) for k in keys]
    return render(
        request,
        "catalog_diff.html",
        area="console",
        before=before,
        after=after,
        result=result,
        rules=rules,
        lists=lists,
        measures=measures,
        versions=versions,
        catalog_change=result.find("catalog", after.id),
        csrf=sessions(request).csrf(request, CONSOLE),
    )


# ------------------------------------------------------------------- overview


@router.get("/overview", response_class=HTMLResponse)
def overview(request: Request, d: DeploymentDep) -> HTMLResponse:
    who = _guard_get(request)
    if not isinstance(who, Reader):
        return who
    t = i18n.translator(language(request))
    data = request.app.state.dashboards.overview(d, today())
    grade_charts = [
        (
            g,
            svg(
                charts.bar_chart(
                    g.counts,
                    t("overview.grades.chart", catalog=g.title or g.catalog),
                    t("overview.grades.desc", total=g.total),
                )
            ),
        )
        for g in data.grades
    ]
    lists_chart = svg(
        charts.line_chart(
            data.months,
            [(i18n.in_page_language(s.title or s.list, language(request)), s.sizes) for s in data.lists],
            t("overview.lists.chart"),
            t("overview.lists.desc", months=len(data.months)),
        )
    )
    disputes_chart = svg(
        charts.column_chart(
            data.months,
            [
                (t("overview.disputes.opened"), data.disputes_opened),
                (t("overview.disputes.decided"), data.disputes_decided),
            ],
            t("overview.disputes.chart"),
            t("overview.disputes.desc", opened=sum(data.disputes_opened), decided=sum(data.disputes_decided)),
        )
    )
    return render(
        request,
        "overview.html",
        area="console",
        data=data,
        grade_charts=grade_charts,
        lists_chart=lists_chart,
        disputes_chart=disputes_chart,
        csrf=sessions(request).csrf(request, CONSOLE),
    )
