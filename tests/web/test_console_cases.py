"""The officer's side of a case in a real browser: a queue item that says whose case it
is, which record and rule and by when, with a link to the file at that record; a decision
restated for confirmation before anything is written (cancelled, confirmed once, forged
or replayed); the officer's view of a file in the third person, in both languages; and
the resident's "who looked at my file", others' reads apart from its own views."""

from __future__ import annotations

import re
from collections import defaultdict

import pytest
from playwright.sync_api import expect

from tests.web.conftest import SCREENSHOTS, World, screenshot, sign_in
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import earliest_repair, rule_in_force, timeline
from xinyong.services.due_process import DisputeView

pytestmark = pytest.mark.e2e

ENGLISH = {"Accept-Language": "en"}
REASONS = "The source could not produce the decision behind the record."


def picture(locator, name: str) -> None:
    """Keep a picture of a part of a page, or of what a page shows first (a whole file is too long to read)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    locator.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def file_dispute(world: World, grounds: str = "The decision was addressed to someone else.") -> DisputeView:
    """A fresh dispute of a penalty counting today, filed today by its subject."""
    file = world.disputable_penalty()
    return world.deployment.due_process.file_dispute(file.subject, file.id, grounds, world.today)


def ledger_head(world: World) -> int:
    with world.deployment.units(read_only=True) as uow:
        return uow.ledger.head()


def status_of(world: World, dispute: DisputeView) -> str:
    return next(v.status for v in world.deployment.due_process.disputes(world.today, "all") if v.id == dispute.id)


def decide(page, dispute: DisputeView, outcome: str = "annulled", reasons: str = REASONS) -> None:
    """Fill in the queue item's decision and ask for it: the confirmation step follows."""
    item = page.locator(f"#dispute-{dispute.id}")
    item.locator(f"input[value='{outcome}']").check()
    item.locator("textarea[name='reasons']").fill(reasons)
    item.locator("button[type=submit]").click()
    expect(page.locator("#confirm")).to_be_visible()


def test_a_queue_item_names_the_subject_record_rule_and_deadline_and_links_to_the_file(page, world: World):
    dispute = file_dispute(world)
    resident = SubjectRef.parse(dispute.subject)
    stored = world.deployment.store
    with stored.reading() as connection:
        record = stored.records(connection, [dispute.record])[dispute.record].file.record
    _, rule = rule_in_force(record, world.deployment.catalogs.registry())
    assert dispute.decide_by is not None, "the scoring catalog sets a dispute deadline"
    days = (dispute.decide_by - world.today).days

    sign_in(page, "console", world.token("officer"))
    item = page.locator(f"#dispute-{dispute.id}")
    expect(item.locator(".queue-subject")).to_contain_text(resident.value)
    if world.name(resident):
        expect(item.locator(".queue-subject")).to_contain_text(world.name(resident))
    expect(item.locator(".queue-record")).to_have_text(dispute.record)
    expect(item.locator(".queue-rule")).to_contain_text(rule.title)
    expect(item).to_contain_text(world.today.isoformat())  # filed today
    expect(item.locator(".queue-deadline")).to_have_text(f"{dispute.decide_by} · {days} days left")
    picture(item, "console-queue-item")
    # Naming the subject was a read of its file, logged for the officer with the case.
    _, logged = world.deployment.access_log.entries(resident, limit=20)
    assert any(
        a.what == "queue" and a.reader == "Officer Wang (demo)" and a.purpose == f"to decide dispute {dispute.id}"
        for a in logged
    )

    item.locator("a.queue-file").click()
    expect(page).to_have_url(re.compile(rf"/console/disputes/{dispute.id}/file#record-{re.escape(dispute.record)}$"))
    expect(page.locator("h1")).to_contain_text(resident.value)
    expect(page.locator(f"tr#record-{dispute.record}")).to_have_class(re.compile("case-record"))
    screenshot(page, "console-case-file")
    _, logged = world.deployment.access_log.entries(resident, limit=1)
    assert (logged[0].what, logged[0].reader, logged[0].purpose) == (
        "report",
        "Officer Wang (demo)",
        f"to decide dispute {dispute.id}",
    )


def test_an_overdue_case_is_marked_with_the_days_since_its_deadline_and_comes_first(page, world: World):
    queue = world.deployment.due_process.disputes(world.today, "open")
    overdue = [v for v in queue if v.overdue and v.decide_by is not None and v.decide_by < world.today]
    assert overdue, "the demo has disputes past their deadline"
    sign_in(page, "console", world.token("officer"))
    first = page.locator("#disputes li.queue-item").first
    expect(first).to_have_class(re.compile("overdue"))
    late = overdue[0]
    days = (world.today - late.decide_by).days
    words = "overdue by 1 day" if days == 1 else f"overdue by {days} days"
    expect(page.locator(f"#dispute-{late.id} .queue-deadline")).to_have_text(f"{late.decide_by} · {words}")


def test_deciding_restates_the_decision_for_confirmation_and_cancel_writes_nothing(new_context, world: World):
    dispute = file_dispute(world)
    page = new_context(javascript=False).new_page()  # the confirmation is a page of its own
    sign_in(page, "console", world.token("officer"))
    head = ledger_head(world)
    decide(page, dispute)
    confirm = page.locator("#confirm")
    expect(confirm.locator(".confirm-outcome")).to_have_text("annulled")
    expect(confirm.locator(".confirm-subject")).to_contain_text(SubjectRef.parse(dispute.subject).value)
    expect(confirm.locator(".confirm-record")).to_have_text(dispute.record)
    expect(confirm.locator(".confirm-reasons")).to_have_text(REASONS)
    expect(confirm.locator(".confirm-consequence")).to_contain_text("never counted")
    screenshot(page, "console-confirm")
    assert ledger_head(world) == head and status_of(world, dispute) == "open"

    page.click("#cancel-decision")
    expect(page).to_have_url(re.compile(rf"/console#dispute-{dispute.id}$"))
    expect(page.locator(f"#dispute-{dispute.id}")).to_be_visible()
    assert ledger_head(world) == head and status_of(world, dispute) == "open"


def test_a_confirmed_decision_is_written_once_and_a_forged_or_replayed_confirmation_is_refused(page, world: World):
    dispute = file_dispute(world)
    sign_in(page, "console", world.token("officer"))
    reasons = "The source could not produce the decision.\nIts reference names another person."
    decide(page, dispute, "annulled", reasons)  # reasons of two lines, restated exactly
    form = page.locator(f"form[action='/console/disputes/{dispute.id}/confirm']")
    fields = {
        name: form.locator(f"input[name='{name}']").input_value()
        for name in ("csrf", "outcome", "reasons", "issued", "confirm")
    }
    head = ledger_head(world)
    url = f"/console/disputes/{dispute.id}/confirm"

    # Forged: the other outcome under this confirmation, or a confirmation made up.
    # the moment it was shown is bound too: an older one under it is a forgery as well.
    forgeries = [
        {**fields, "outcome": "upheld"},
        {**fields, "reasons": "Another reason."},
        {**fields, "confirm": "0" * 64},
        {**fields, "issued": str(int(fields["issued"]) - 3600)},
    ]
    for forged in forgeries:
        answer = page.request.post(url, form=forged, headers=ENGLISH, max_redirects=0)
        assert answer.status == 403 and "does not match" in answer.text()
    assert ledger_head(world) == head and status_of(world, dispute) == "open"

    page.click("#confirm-decision")
    expect(page.locator("#done")).to_be_visible()
    expect(page.locator(f"#dispute-{dispute.id}")).to_have_count(0)
    decided = next(v for v in world.deployment.due_process.disputes(world.today, "all") if v.id == dispute.id)
    assert (decided.status, decided.outcome, decided.reasons) == ("decided", "annulled", reasons)
    written = ledger_head(world)
    assert written == head + 1  # one dispute_resolved event

    replayed = page.request.post(url, form=fields, headers=ENGLISH, max_redirects=0)
    assert replayed.status == 409 and "is not open: it is decided" in replayed.text()
    assert "Nothing was written" in replayed.text()
    assert ledger_head(world) == written


def test_a_repair_decision_is_restated_then_written_once_on_confirm(page, world: World):
    registry = world.deployment.catalogs.registry()
    due = world.deployment.due_process

    def repairable(file, line) -> bool:
        first = earliest_repair(file, registry)
        return first is not None and first <= world.today and line.counts_on(world.today)

    file = world.take(repairable)
    applied = due.apply_for_repair(
        file.subject, file.id, "Receipt of payment no. 2026-120", "I will pay on time.", world.today
    )
    sign_in(page, "console", world.token("officer"))
    item = page.locator(f"#repair-{applied.id}")
    expect(item.locator(".queue-subject")).to_contain_text(file.subject.value)
    expect(item.locator(".queue-record")).to_have_text(file.id)
    expect(item.locator(".queue-rule")).to_contain_text(rule_in_force(file.record, registry)[1].title)
    item.locator("input[value='refused']").check()
    item.locator("textarea[name='reasons']").fill("The receipt is for another fine.")
    item.locator("button[type=submit]").click()
    expect(page.locator("#confirm .confirm-consequence")).to_contain_text("The record keeps counting")
    expect(page.locator("#confirm .confirm-record")).to_have_text(file.id)
    assert [v.status for v in due.repairs(world.today, "all") if v.id == applied.id] == ["open"]

    page.click("#confirm-decision")
    expect(page.locator("#done")).to_be_visible()
    decided = [v for v in due.repairs(world.today, "all") if v.id == applied.id]
    assert [(v.status, v.reasons) for v in decided] == [("refused", "The receipt is for another fine.")]


def subject_on_no_list(world: World) -> SubjectRef:
    """A resident with records and no list entry ever, that no other test has taken."""
    registry = world.deployment.catalogs.registry()
    files = defaultdict(list)
    for file in world.files():
        files[file.subject].append(file)
    for subject, theirs in files.items():
        if subject.kind != "person" or str(subject) in world.taken:
            continue
        if all(timeline(f, registry).placement is None for f in theirs):
            world.taken.add(str(subject))
            return subject
    raise LookupError("the demo has no resident on no list")


@pytest.mark.parametrize(
    ("locale", "officer", "resident"),
    [
        (
            "en-US",
            ["Records of this subject", "This subject is on no list."],
            ["All my records", "You are on no list", "you live outside"],
        ),
        (
            "zh-CN",
            ["该主体的全部记录", "该主体未被列入任何名单"],
            ["我的全部记录", "您未被列入任何名单", "您不在此目录的辖区内"],
        ),
    ],
)
def test_the_officers_view_of_a_file_speaks_of_the_subject_not_as_the_subject(
    new_context, world: World, locale, officer, resident
):
    subject = subject_on_no_list(world)
    page = new_context(locale=locale).new_page()
    sign_in(page, "console", world.token("officer"))
    page.fill("#lookup-subject", subject.value)
    page.fill("#lookup-purpose", "Complaint 2026-412: reading the file")
    page.click("#lookup button[type=submit]")
    expect(page.locator("h1")).to_contain_text(subject.value)
    main = page.locator("main")
    for words in officer:
        expect(main).to_contain_text(words)
    text = main.inner_text()
    for words in resident:
        assert words not in text
    picture(page, f"console-file-{locale}")  # the top of the page: the headings in question


def test_the_portal_shows_others_reads_apart_from_the_residents_own_views(page, world: World):
    subject = world.resident_record().subject
    sign_in(page, "portal", world.subject_token(subject))
    for _ in range(3):
        page.reload()
    officer = world.deployment.tokens.reader(world.token("officer"))
    world.deployment.reports.report(subject, world.today, officer, "Complaint 2026-413: checking the arrears")
    page.reload()

    others = page.locator("#access-others tbody tr")
    expect(others.filter(has_text="Complaint 2026-413: checking the arrears")).to_contain_text("Officer Wang (demo)")
    assert page.locator("#access-others tbody tr[data-role='subject']").count() == 0
    own = page.locator("#access-own")
    total, _ = world.deployment.access_log.entries(subject, limit=1, own=True)
    assert total >= 5  # the sign-in's view and four more
    expect(own.locator("summary")).to_have_text(f"Your own views: {total}")
    expect(own).not_to_have_attribute("open", re.compile(".*"))  # collapsed
    own.locator("summary").click()
    expect(own.locator("tbody tr").first).to_be_visible()
    assert own.locator("tbody tr[data-role='subject']").count() == own.locator("tbody tr").count() > 0
    picture(page.locator("#access"), "portal-who-looked")
