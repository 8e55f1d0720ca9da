"""Scores and checks, explained, and the conformance queries."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from xinyong.domain.standing import CheckDecision, NotInForce, Standing
from xinyong.entrypoints.answers import answer_json, check_json, standing_json
from xinyong.entrypoints.cli.root import (
    AsJson,
    AsOf,
    day_asked,
    deployment_or_exit,
    err,
    fail,
    out,
    print_json,
    subject_ref,
)
from xinyong.services.inquiries import Unanswered

# ------------------------------------------------------------------------ score, check


def _explain_standing(answer: Standing) -> None:
    cover = "" if answer.covered else " (outside this catalog's jurisdiction: no grade-based measure falls on it)"
    out.print(
        f"[bold]{answer.subject}[/] under [bold]{answer.catalog}[/] (version {answer.version}) "
        f"on {answer.as_of}: score [bold]{answer.score}[/], grade [bold]{answer.grade}[/]{cover}"
    )
    out.print(f"  {answer.base:+6d}  base of the catalog")
    groups: dict[tuple[str, int], list] = {}
    for c in answer.contributions:
        groups.setdefault((c.rule, c.occurred_on.year), []).append(c)
    for (rule, year), members in sorted(groups.items()):
        raw = sum(c.points for c in members)
        for c in members:
            flags = "".join(f" [{f}]" for f, on in (("disputed", c.disputed), ("capped", c.capped)) if on)
            out.print(f"  {c.points:+6d}  {c.title or rule}{flags}", markup=False)
            since = (
                f"in effect {c.effective_on}, counting from {c.counting_from} after a dispute"
                if c.counting_from and c.counting_from != c.effective_on
                else f"counts from {c.effective_on}"
            )
            out.print(
                f"          record {c.record} ({rule}), occurred {c.occurred_on}, {since} "
                f"until {c.expires_on}; {c.legal_basis or 'no legal basis given'}; "
                f"source {c.source}{' ' + c.reference if c.reference else ''}",
                markup=False,
            )
        if members[0].capped:
            out.print(
                f"          the {len(members)} {rule} records of {year} add up to {raw:+d}; "
                f"the rule's yearly cap of {members[0].cap_per_year} limits them to "
                f"{members[0].cap_per_year if raw > 0 else -(members[0].cap_per_year or 0):+d}",
                markup=False,
            )
    if not answer.contributions:
        out.print("  no record counts on this day: the score is the base")
    for e in answer.lists:
        out.print(
            f"on list [bold]{e.list}[/] from {e.start} until {e.until or 'removed'} (record {e.record}, rule {e.rule})"
        )


def _explain_check(decision: CheckDecision) -> None:
    colour = {"allow": "green", "review": "yellow", "deny": "red"}[decision.decision]
    out.print(
        f"[bold]{decision.subject}[/] {decision.action} on {decision.as_of}: "
        f"[bold {colour}]{decision.decision.upper()}[/]"
    )
    if not decision.reasons:
        out.print("no measure applies")
    for r in decision.reasons:
        t = r.trigger
        if "list" in t:
            why = f"on list {t['list']} (record {t['record']}, from {t['from']} until {t['until'] or 'removed'})"
            if "node" in t:  # a partner node's list (docs/design.md section 10)
                why += f" of node {t['node']}, in its list as of {t['bundle_as_of']}"
                if t.get("stale"):
                    why += f", stale since {t['stale_since']}: a denial is sent to review"
        else:
            why = f"grade {t['grade']} (score {t['score']})"
        benefit = f": {r.benefit}" if r.benefit else ""
        out.print(
            f"- {r.effect}{benefit} by {r.catalog} {r.measure} ({r.action}) because {why}; legal basis: {r.legal_basis}"
        )
    if decision.decision != "allow":
        from xinyong import messages
        from xinyong.entrypoints.answers import HOW_TO_DISPUTE

        out.print(messages.render(HOW_TO_DISPUTE, {}, "en", "api"))


def score(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    catalog: Annotated[str, typer.Option("--catalog", help="Catalog id.")],
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """A subject's score, grade, contributions and list entries under a catalog on a day."""
    ref, day = subject_ref(subject), day_asked(as_of)
    try:
        answer = deployment_or_exit().inquiries.standing(ref, catalog, day)
    except NotInForce as error:
        raise fail(escape(str(error))) from None
    if as_json:
        print_json(standing_json(answer))
    else:
        _explain_standing(answer)


def check(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    action: Annotated[str, typer.Argument(help="The action asked for, e.g. rail.high_speed.ticket")],
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """A service point's decision on one action for one subject on a day, with reasons."""
    ref, day = subject_ref(subject), day_asked(as_of)
    decision = deployment_or_exit().inquiries.check(ref, action, day)
    if as_json:
        print_json(check_json(decision))
    else:
        _explain_check(decision)


def query(
    file: Annotated[Path, typer.Argument(help="Questions as JSON Lines ('-' for standard input).")],
) -> None:
    """Answer a file of score and check questions, one JSON answer a line (a passenger
    manifest, say). A question that cannot be answered gets {"error": ...} on its line."""
    try:
        lines = sys.stdin.readlines() if str(file) == "-" else file.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise fail(f"{file}: cannot read: {error.strerror}") from None
    questions: list[object] = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            questions.append(json.loads(line))
        except json.JSONDecodeError as error:
            questions.append(f"line {number}: not valid JSON: {error.msg}")
    answers = deployment_or_exit().inquiries.answer_many(questions)
    failed = 0
    for question, answer in zip(questions, answers, strict=False):
        if isinstance(question, str):
            failed += 1
            print_json({"error": question})
            continue
        failed += isinstance(answer, Unanswered)
        print_json(answer_json(answer))
    if failed:
        err.print(f"{failed} question(s) could not be answered")
        raise typer.Exit(1)
