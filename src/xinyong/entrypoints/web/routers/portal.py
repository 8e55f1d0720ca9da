"""The resident portal: a subject's whole file in one place, with the forms to dispute a
record, apply for credit repair, ask for a human review and set the email address notices
go to, and the export."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from fastapi import APIRouter, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from xinyong import messages
from xinyong.bootstrap import Deployment
from xinyong.domain import calendar
from xinyong.domain.access import Reader
from xinyong.domain.events import EMAIL_PATTERN
from xinyong.domain.optin import OptinRefused
from xinyong.entrypoints.dependencies import DeploymentDep, today
from xinyong.entrypoints.downloads import download
from xinyong.entrypoints.printable import render_export
from xinyong.entrypoints.web import charts, credit_reports, i18n
from xinyong.entrypoints.web.forms import LIMITS, read_form, read_form_and_files
from xinyong.entrypoints.web.pages import language, render, svg
from xinyong.entrypoints.web.routers.signin import sessions, sign_in, sign_out, signin_page
from xinyong.entrypoints.web.sessions import PORTAL
from xinyong.services.delivery import contact_address, contact_language
from xinyong.services.due_process import AttachmentNotTaken, DueProcessError, NotFound, TooEarly
from xinyong.services.export import whole_file
from xinyong.services.intake import ImportRefused
from xinyong.services.optin import UnknownScorecard
from xinyong.services.situation import situation_of

router = APIRouter(prefix="/portal", include_in_schema=False)
PURPOSE = "the subject's own file, in the portal"
ACCESS_SHOWN = 100  # the latest reads of each kind (others', own) the page lists
REPORT_PURPOSE = "the subject's own credit report, as PDF"
EMAIL = re.compile(EMAIL_PATTERN)  # as the contact event checks it


class InvalidAddress(ValueError):
    """What was typed as an email address is not one."""


def error(key: str, **values: Any) -> dict[str, Any]:
    return {"key": key, "values": values}


def _way_ahead(now_score: int, now_grade: str, now_lists: set, steps) -> list[dict]:
    """Each step of the outlook as what changes: score, grade, list entries."""
    described = []
    score, grade, lists = now_score, now_grade, now_lists
    for step in steps:
        entries = {(e.list, e.record) for e in step.lists}
        described.append(
            {
                "day": step.day.isoformat(),
                "score": step.score,
                "grade": step.grade,
                "was_score": score,
                "was_grade": grade,
                "lists_ending": sorted(lists - entries),
                "lists_starting": sorted(entries - lists),
            }
        )
        score, grade, lists = step.score, step.grade, entries
    return described


def list_titles(registry, day: dt.date) -> dict[str, str]:
    """Every list's title as of ``day``, by id."""
    titles = {}
    for catalog in registry.all():
        for list_id in catalog.lists:
            definition = registry.list_definition(list_id, day)
            titles[list_id] = (definition.title if definition else None) or list_id
    return titles


def portal_page(
    request: Request,
    d: Deployment,
    who: Reader,
    errors: dict | None = None,
    values: dict | None = None,
    done: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    subject = who.subject
    assert subject is not None
    day = today()
    t = i18n.translator(language(request))
    report = d.reports.report(subject, day, who, PURPOSE)
    registry = d.catalogs.registry()
    paths = d.reports.trajectories(subject, day, [s.catalog for s in report.standings if s.scoring])

    standings = []
    for s in report.standings:
        view: dict[str, Any] = {**vars(s), "chart": None, "ahead": [], "table": []}
        # The factors ranked by impact: the records that move the score most come first.
        view["contributions"] = sorted(s.contributions, key=lambda c: (-abs(c.points), c.record))
        if s.scoring:
            path = paths[s.catalog]
            bands = [(g.name, g.min) for g in s.grades]
            first_day, first_score = path.past[0]
            view["chart"] = svg(
                charts.score_chart(
                    path.past,
                    path.ahead,
                    day,
                    path.end,
                    bands,
                    title=t("chart.score.title", catalog=s.title or s.catalog),
                    desc=t(
                        "chart.score.desc",
                        start=first_day.isoformat(),
                        first=first_score,
                        score=s.score,
                        grade=s.grade,
                        changes=len(path.steps),
                    ),
                    today_label=t("chart.today"),
                )
            )
            # The table beside the chart: every day the score changed, and the steps ahead.
            table, last = [], None
            for point_day, score in path.past:
                if score != last:
                    table.append((point_day.isoformat(), score, "past"))
                    last = score
            view["table"] = table
            now_lists = {(e.list, e.record) for e in s.lists}
            view["ahead"] = _way_ahead(s.score, s.grade, now_lists, path.steps)
        standings.append(view)
    standings.sort(key=lambda view: len(view["grades"]) < 2)  # the scores first, then the lists

    iso = day.isoformat()
    records = report.records
    cases = d.due_process.cases_of(subject, day)
    foreign = list(report.foreign)
    situation = situation_of(report, cases, registry, foreign)
    disputes, repairs, reviews = cases.disputes, cases.repairs, cases.reviews
    repairing = {v.record for v in repairs if v.status == "open"}
    reviewed = {v.notice for v in reviews}
    book = sessions(request)
    # Who looked: others' reads apart from the subject's own views (read after the report,
    # so this view is among them), lest the subject's own visits crowd the others out.
    looked = d.audit.who_looked(subject, limit=ACCESS_SHOWN)
    return render(
        request,
        "portal.html",
        status=status,
        area="portal",
        report=report,
        foreign=foreign,
        situation=situation,
        standings=standings,
        records=records,
        list_titles=list_titles(registry, day),
        current_records=[r for r in records if r.still_matters(day)],
        past_records=[r for r in records if not r.still_matters(day)],
        disputable=[r for r in records if r.status != "annulled" and not r.disputed],
        repairable=[
            r
            for r in records
            if r.repairable_from and r.record not in repairing and r.status != "annulled" and r.still_matters(day)
        ],
        disputes=disputes,
        repairs=repairs,
        reviews=reviews,
        reviewed=reviewed,
        looked=looked,
        contact=contact_address(d.units, subject),
        contact_language=contact_language(d.units, subject),
        errors=errors or {},
        values=values or {},
        done=done,
        csrf=book.csrf(request, PORTAL),
        today=iso,
    )


def _signed_in(request: Request) -> Reader | None:
    return sessions(request).reader(request, PORTAL)


@router.get("", response_class=HTMLResponse)
def portal(
    request: Request,
    d: DeploymentDep,
    done: str | None = None,
    dispute: str | None = None,
    repair: str | None = None,
) -> HTMLResponse:
    who = _signed_in(request)
    if who is None:
        return signin_page(request, PORTAL)
    values = {"dispute-record": dispute or "", "repair-record": repair or ""}
    return portal_page(request, d, who, values=values, done=done if done in DONE else None)


@router.post("/sign-in")
async def portal_sign_in(request: Request) -> Response:
    return await sign_in(request, PORTAL)


@router.post("/sign-out")
async def portal_sign_out(request: Request) -> Response:
    return await sign_out(request, PORTAL)


DONE = ("dispute", "repair", "review", "contact")


def _refused(form: dict, request: Request) -> Response | Reader:
    """The signed-in subject, or the answer when there is none or the form is forged."""
    who = _signed_in(request)
    if who is None:
        return signin_page(request, PORTAL, status=401)
    if not sessions(request).csrf_ok(request, PORTAL, form.get("csrf")):
        return render(request, "error.html", status=403, heading="error.forbidden", message="error.csrf")
    return who


def _text(form: dict, name: str, errors: dict, field: str, longest: int) -> str:
    value = (form.get(name) or "").strip()
    if not value:
        errors[field] = error("form.required")
    elif len(value) > longest:
        errors[field] = error("form.too_long", max=longest)
    return value


def _step(request: Request, d: Deployment, form: dict, kind: str, fields: dict[str, str], act) -> Response:
    """Validate ``fields`` (form name → error slot), run ``act`` and answer: back to the
    portal on success, or the portal with the errors next to their fields."""
    who = _refused(form, request)
    if not isinstance(who, Reader):
        return who
    errors: dict[str, Any] = {}
    first = next(iter(fields.values()))  # where an error of the whole step is shown
    values = {slot: form.get(name, "") for name, slot in fields.items()}
    texts = {name: _text(form, name, errors, slot, LIMITS[f"{kind}.{name}"]) for name, slot in fields.items()}
    if not errors:
        try:
            act(who, texts)
        except TooEarly as early:
            errors[first] = error("repair.error.too_early", day=early.fields.get("first_day"))
        except AttachmentNotTaken as refused:
            # The domain's refusal, in the page's language, next to the file input.
            said = messages.render(refused.key, refused.values, language(request))
            errors[f"{kind}-files"] = error("attachment.error", detail=said)
        except NotFound:
            errors[first] = error(f"{kind}.error.not_found")
        except DueProcessError as refused:
            errors[first] = error("error.refused", detail=str(refused))
        except InvalidAddress:
            errors[first] = error(f"{kind}.error.invalid")
        except ImportRefused as refused:
            errors[first] = error("error.refused", detail=refused.rejections[0].reason)
    if errors:
        return portal_page(request, d, who, errors=errors, values=values, status=422)
    return RedirectResponse(f"/portal?done={kind}", status_code=303)


@router.post("/disputes")
async def file_dispute(request: Request, d: DeploymentDep) -> Response:
    form, files = await read_form_and_files(request)

    def act(who: Reader, texts: dict) -> None:
        d.due_process.file_dispute(who.subject, texts["record"], texts["grounds"], today(), files)

    return await run_in_threadpool(
        _step, request, d, form, "dispute", {"record": "dispute-record", "grounds": "dispute-grounds"}, act
    )


@router.post("/repairs")
async def apply_for_repair(request: Request, d: DeploymentDep) -> Response:
    form, files = await read_form_and_files(request)

    def act(who: Reader, texts: dict) -> None:
        d.due_process.apply_for_repair(
            who.subject, texts["record"], texts["proof"], texts["commitment"], today(), files
        )

    return await run_in_threadpool(
        _step,
        request,
        d,
        form,
        "repair",
        {"record": "repair-record", "proof": "repair-proof", "commitment": "repair-commitment"},
        act,
    )


@router.post("/reviews")
async def request_review(request: Request, d: DeploymentDep) -> Response:
    form = await read_form(request)

    def act(who: Reader, texts: dict) -> None:
        d.due_process.request_review(who.subject, texts["notice"], texts["grounds"], today())

    slot = f"review-{(form.get('notice') or '')[:40]}"
    return await run_in_threadpool(
        _step, request, d, form, "review", {"notice": f"{slot}-notice", "grounds": f"{slot}-grounds"}, act
    )


@router.post("/notices/read")
async def mark_notices_read(request: Request, d: DeploymentDep) -> Response:
    """Mark one notice (``notice``) or every notice read, then back to the inbox."""
    form = await read_form(request)
    who = _refused(form, request)
    if not isinstance(who, Reader):
        return who
    assert who.subject is not None
    one = (form.get("notice") or "").strip()
    await run_in_threadpool(d.reports.mark_read, who.subject, [one] if one else None)
    return RedirectResponse("/portal#inbox", status_code=303)


@router.post("/contact")
async def set_contact(request: Request, d: DeploymentDep) -> Response:
    """The subject sets the address its notices are emailed to, and the language of that
    email: a ``contact`` event, as with ``PUT /v1/me/contact``, announced to the old
    address and the new one."""
    form = await read_form(request)

    def act(who: Reader, texts: dict) -> None:
        if not EMAIL.fullmatch(texts["email"]):
            raise InvalidAddress(texts["email"])
        event = {"type": "contact", "subject": str(who.subject), "email": texts["email"], "on": today().isoformat()}
        # The language its email is written in: one of ours, else the page's.
        chosen = form.get("language")
        event["language"] = chosen if chosen in i18n.LANGUAGES else language(request)
        d.intake.submit([event], submitter=who)

    return await run_in_threadpool(_step, request, d, form, "contact", {"email": "contact-email"}, act)


@router.get("/export", response_class=HTMLResponse)
def export(request: Request, d: DeploymentDep) -> HTMLResponse:
    """The whole file as one printable page: the same as ``/v1/me/export.html``."""
    who = _signed_in(request)
    if who is None:
        return signin_page(request, PORTAL, status=401)
    file = whole_file(d.reports, d.due_process, who, today())
    response = HTMLResponse(render_export(file, language(request), d.catalogs.registry()))
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Disposition"] = f'inline; filename="xinyong-file-{calendar.today()}.html"'
    return response


@router.get("/attachments/{attachment_id}", response_class=Response)
def my_attachment(attachment_id: str, request: Request, d: DeploymentDep) -> Response:
    """A file attached to one of the subject's own cases, as a download (the read is in
    the subject's access log); anyone else's is not found."""
    who = _signed_in(request)
    if who is None:
        return signin_page(request, PORTAL, status=401)
    try:
        found = d.due_process.attachment(attachment_id, who)
    except NotFound:
        return render(request, "error.html", status=404, heading="error.not_found", message="attachment.not_found")
    return download(found)


@router.get("/report.pdf", response_class=Response)
def credit_report(request: Request, d: DeploymentDep) -> Response:
    """The subject's own credit report as a PDF in the page's language, to download; the
    read is logged like the portal's, as the subject's own report."""
    who = _signed_in(request)
    if who is None:
        return signin_page(request, PORTAL, status=401, next_page=request.url.path)
    subject = who.subject
    assert subject is not None
    day, lang = today(), language(request)
    report = d.reports.report(subject, day, who, REPORT_PURPOSE)
    cases = d.due_process.cases_of(subject, day)
    # The time of the report is the time of its read in the access log (this read first).
    made = dt.datetime.fromisoformat(report.access_log[0].at) if report.access_log else dt.datetime.now(dt.UTC)
    portal_url = str(request.url_for("portal"))
    try:
        document = credit_reports.resident_report(report, cases, d.catalogs.registry(), lang, portal_url, made)
    except credit_reports.Unavailable:
        return credit_reports.unavailable(request)
    return credit_reports.attachment(document, f"credit-report-{day.isoformat()}.pdf", lang)


# --------------------------------------------------------------------- opt-in scores

OPTIN_DONE = ("consent", "withdraw")


def _number(value: float | int | None, feature: str) -> str | None:
    """A feature's value as the page shows it: a share as a percentage."""
    if value is None:
        return None
    if feature.endswith("_share_24m"):
        return f"{value * 100:.0f}%"
    return f"{value:g}"


def optin_page(
    request: Request,
    d: Deployment,
    who: Reader,
    errors: dict | None = None,
    done: str | None = None,
    confirm: str | None = None,
    status: int = 200,
) -> HTMLResponse:
    """The subject's opt-in scores (docs/design.md section 9): for each scorecard, the
    consent in force (its sources by name, its purposes, since when) with a withdraw
    button behind a confirmation, or a form to give one; and while one is in force, the
    score, its band and its reasons in the reader's language, each with what would
    raise it. Reading the score here is in the subject's access log."""
    subject = who.subject
    assert subject is not None
    day = today()
    lang = language(request)
    cards = []
    for view in d.optin.consents(subject, day):
        card = view.scorecard

        def said(path: str, fallback: str, card=card) -> str:
            return card.text(path, lang) or fallback

        entry: dict[str, Any] = {
            "id": card.id,
            "title": said("title", card.id),
            "description": said("description", ""),
            "range": card.range,
            "sources": [(s, said(f"source_names.{s}", s)) for s in card.sources],
            "purposes": list(card.purposes),
            "consent": None,
            "score": None,
        }
        if view.consent is not None:
            entry["consent"] = {
                "id": view.consent.id,
                "since": view.consent.on.isoformat(),
                "sources": [said(f"source_names.{s}", s) for s in view.consent.sources],
                "purposes": list(view.consent.purposes),
            }
            try:
                result = d.optin.score(subject, card.id, day, who, None)
            except UnknownScorecard:
                cards.append(entry)  # not in force yet: nothing to score
                continue
            entry["score"] = {
                "value": result.score,
                "band": said(f"bands.{result.band}", result.band or ""),
                "features": [
                    (name, _number(value, name), result.points[name]) for name, value in result.features.items()
                ],
                "reasons": [
                    {
                        "feature": r.feature,
                        "text": r.text.in_language(lang) if hasattr(r.text, "in_language") else str(r.text),
                        "points": r.points,
                        "possible": r.possible,
                        "raise": None
                        if r.raise_to is None
                        else {
                            "points": r.raise_to.points,
                            "at_least": _number(r.raise_to.at_least, r.feature),
                            "below": _number(r.raise_to.below, r.feature),
                        },
                    }
                    for r in result.reasons
                ],
            }
        cards.append(entry)
    return render(
        request,
        "optin.html",
        status=status,
        area="portal",
        subject=str(subject),
        cards=cards,
        errors=errors or {},
        done=done,
        confirm=confirm,
        csrf=sessions(request).csrf(request, PORTAL),
        today=day.isoformat(),
    )


@router.get("/optin", response_class=HTMLResponse)
def optin(request: Request, d: DeploymentDep, done: str | None = None, withdraw: str | None = None) -> HTMLResponse:
    who = _signed_in(request)
    if who is None:
        return signin_page(request, PORTAL)
    return optin_page(request, d, who, done=done if done in OPTIN_DONE else None, confirm=withdraw)


@router.post("/optin/consent")
async def give_optin_consent(request: Request, d: DeploymentDep) -> Response:
    """The subject consents to a scorecard reading its bills from the sources ticked, and
    lenders reading the score for the purposes ticked."""
    form = await read_form(request)
    who = _refused(form, request)
    if not isinstance(who, Reader):
        return who
    assert who.subject is not None
    scorecard = (form.get("scorecard") or "").strip()
    sources = [k.removeprefix("source-") for k, v in form.items() if k.startswith("source-") and v]
    purposes = [k.removeprefix("purpose-") for k, v in form.items() if k.startswith("purpose-") and v]
    errors: dict[str, Any] = {}
    if not sources:
        errors[f"optin-{scorecard}-sources"] = error("optin.error.no_source")
    if not purposes:
        errors[f"optin-{scorecard}-purposes"] = error("optin.error.no_purpose")
    if not errors:
        try:
            await run_in_threadpool(d.optin.give, who.subject, scorecard, sources, purposes, who, today())
        except ImportRefused as refused:
            errors[f"optin-{scorecard}-sources"] = error("error.refused", detail=refused.rejections[0].reason)
    if errors:
        return await run_in_threadpool(optin_page, request, d, who, errors, None, None, 422)
    return RedirectResponse("/portal/optin?done=consent", status_code=303)


@router.post("/optin/withdraw")
async def withdraw_optin_consent(request: Request, d: DeploymentDep) -> Response:
    """The subject withdraws a consent, once it confirmed: its bills from the scorecard's
    sources are erased."""
    form = await read_form(request)
    who = _refused(form, request)
    if not isinstance(who, Reader):
        return who
    assert who.subject is not None
    consent = (form.get("consent") or "").strip()
    if form.get("confirm") != "yes":
        return RedirectResponse(f"/portal/optin?withdraw={consent}#withdraw", status_code=303)
    try:
        await run_in_threadpool(d.optin.withdraw, who.subject, consent, who, today())
    except (LookupError, OptinRefused, ImportRefused):
        errors = {"optin-withdraw": error("optin.error.not_in_force")}
        return await run_in_threadpool(optin_page, request, d, who, errors, None, None, 422)
    return RedirectResponse("/portal/optin?done=withdraw", status_code=303)
