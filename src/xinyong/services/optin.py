"""Opt-in scores (docs/design.md section 9): the scorecards loaded, the consent,
obligation and payment events taken in with the rest of intake, and the answers — the
subject's own score, a lender's read for a consented purpose, consent given and withdrawn.

Walled off from public credit: nothing here reads the ledger's records, and nothing of
checks, lists, grades or public pages reads this. The rules are those of
:mod:`xinyong.domain.optin`; this module only fetches, keeps and logs."""

from __future__ import annotations

import datetime as dt
import fnmatch
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from xinyong.domain import calendar
from xinyong.domain.access import AccessDenied, Reader
from xinyong.domain.events import ConsentGiven, ConsentWithdrawn, ObligationFiled, OptinEvent, Paid
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import NoticeDraft, optin_consent_notice
from xinyong.domain.optin import (
    ConsentEvent,
    OptinRefused,
    OptinScore,
    admission_problem,
    answer,
    consent_in_force,
    consent_problem,
    erased_by_withdrawal,
    purpose_problem,
)
from xinyong.domain.scorecard import Scorecard, scorecard_in_force
from xinyong.domain.standing import Rejected
from xinyong.domain.webhooks import CONSENT_WITHDRAWN, consent_withdrawn_data
from xinyong.messages import LANGUAGES
from xinyong.services.unit_of_work import UnitOfWork, UnitsOfWork

# The scope that lets a source token file obligations for one opt-in source: a token
# made with ``--scope optin:water-co`` files them for ``water-co`` only.
SOURCE_SCOPE = "optin:"
# What the access log calls a read of an opt-in score.
OPTIN_READ = "optin-score"


class ScorecardConflict(ValueError):
    """A scorecard version that cannot join the deployment as it stands."""


class UnknownScorecard(LookupError):
    """A scorecard that is not loaded, or has no version in force on the day asked."""


@dataclass
class Scorecards:
    """Every loaded version of every scorecard. Pure: built from versions, asked about days."""

    versions: dict[str, list[Scorecard]] = field(default_factory=dict)

    @classmethod
    def of(cls, versions: Iterable[Scorecard]) -> Scorecards:
        shelf = cls()
        for version in versions:
            shelf.add(version)
        return shelf

    def add(self, scorecard: Scorecard) -> bool:
        """Add a version; False when the identical version is already here. Refuses a
        version that differs from one loaded under the same id and version, and two
        versions taking effect on the same day."""
        versions = self.versions.get(scorecard.id, [])
        for existing in versions:
            if existing.version == scorecard.version:
                if existing == scorecard:
                    return False
                raise ScorecardConflict(
                    f"scorecard {scorecard.id!r} version {scorecard.version!r} is already loaded "
                    "with different content; give the new one a new version"
                )
            if existing.effective_from == scorecard.effective_from:
                raise ScorecardConflict(
                    f"scorecard {scorecard.id!r}: versions {existing.version!r} and {scorecard.version!r} "
                    f"both take effect on {scorecard.effective_from}"
                )
        self.versions[scorecard.id] = sorted([*versions, scorecard], key=lambda v: v.effective_from)
        return True

    def __contains__(self, scorecard_id: object) -> bool:
        return scorecard_id in self.versions

    def ids(self) -> list[str]:
        return sorted(self.versions)

    def all(self) -> list[Scorecard]:
        return [v for key in self.ids() for v in self.versions[key]]

    def in_force(self, scorecard_id: str, day: dt.date) -> Scorecard:
        """The version in force on ``day``; :class:`UnknownScorecard` when there is none."""
        versions = self.versions.get(scorecard_id)
        if not versions:
            loaded = ", ".join(self.ids()) or "none"
            raise UnknownScorecard(f"no scorecard {scorecard_id!r} is loaded (loaded: {loaded})")
        version = scorecard_in_force(versions, day)
        if version is None:
            raise UnknownScorecard(
                f"scorecard {scorecard_id!r} is not in force on {day} (from {versions[0].effective_from})"
            )
        return version

    def for_consent(self, scorecard_id: str, day: dt.date) -> Scorecard:
        """The version a consent given on ``day`` is checked against: the one in force
        then, or the first when the consent comes before it takes effect."""
        try:
            return self.in_force(scorecard_id, day)
        except UnknownScorecard:
            if scorecard_id in self.versions:
                return self.versions[scorecard_id][0]
            raise

    def sources(self, scorecard_id: str) -> set[str]:
        """The sources of every version of the scorecard."""
        return {s for v in self.versions.get(scorecard_id, []) for s in v.sources}


class Submitter(Protocol):
    name: str
    role: str
    subject: SubjectRef | None
    scopes: tuple[str, ...]


def optin_source_of(submitter: Submitter, source: str) -> bool:
    """Whether ``submitter`` (a source token) may file obligations for opt-in ``source``:
    the token is that source's own, by its name (``--name water-co``, as a named source
    files records only in its own name), or one of its scopes is ``optin:SOURCE`` (or a
    pattern matching it)."""
    if submitter.role != "source":
        return False
    if submitter.name == source and getattr(submitter, "named", True):
        return True
    wanted = SOURCE_SCOPE + source
    return any(fnmatch.fnmatchcase(wanted, p) for p in submitter.scopes)


def authorise(item: OptinEvent, submitter: Submitter | None, uow: UnitOfWork) -> str | None:
    """Why ``submitter`` may not file ``item``, or None. The operator at the command line
    files anything (event files, test scenarios); a subject gives and withdraws its own
    consent; a source files obligations and payments for the opt-in source its token
    names (scope ``optin:SOURCE``); nobody else files opt-in events."""
    if submitter is None:
        return None
    if isinstance(item, (ConsentGiven, ConsentWithdrawn)):
        if submitter.role == "subject" and submitter.subject == item.subject:
            return None
        return "a consent is given and withdrawn by its subject only"
    if submitter.role != "source":
        return f"{item.type} events come from the sources a subject consented to, not from a {submitter.role}"
    if isinstance(item, ObligationFiled):
        source = item.source
    else:
        filed = uow.optin.obligation(item.obligation)
        if filed is None:
            return None  # refused as unknown by the rules
        source = filed.source
    if not optin_source_of(submitter, source):
        return (
            f"source token {submitter.name!r} cannot file for opt-in source {source!r}: it is not that "
            f"source's own token, and its scopes ({', '.join(submitter.scopes) or 'none'}) do not "
            f"include '{SOURCE_SCOPE}{source}'"
        )
    return None


def file_optin(
    uow: UnitOfWork, item: OptinEvent, shelf: Scorecards, writer: str | None, today: dt.date
) -> list[NoticeDraft] | None:
    """Check ``item`` against what is stored (this import's earlier events included) and
    store it: the notices it causes, or None when it is a replay. Raises
    :class:`~xinyong.domain.standing.Rejected` with the reason otherwise; nothing of a
    refused event is kept."""
    fingerprint = uow.ledger.fingerprint(item.canonical())
    known = uow.optin.fingerprints([item.id]).get(item.id)
    if known is not None:
        if known == fingerprint:
            return None
        from xinyong.services.intake import IdConflict

        raise IdConflict(
            f"event id {item.id!r} is already taken by another event; an event is filed once, "
            "and a different event needs an id of its own"
        )
    body = item.model_dump(mode="json", exclude_none=True)
    if isinstance(item, (ConsentGiven, ConsentWithdrawn)):
        return _file_consent(uow, item, shelf, body, fingerprint, writer, today)
    if isinstance(item, ObligationFiled):
        histories = uow.optin.consents(item.subject).values()
        problem = admission_problem(histories, item.source, today)
        if problem is not None:
            raise Rejected(f"obligation {item.id!r} is refused and nothing of it is kept: {problem}")
        uow.optin.file(item.id, "obligation", item.subject, body, fingerprint, today, writer, source=item.source)
        return []
    assert isinstance(item, Paid)
    filed = uow.optin.obligation(item.obligation)
    if filed is None:
        raise Rejected(f"paid: unknown obligation {item.obligation!r}")
    if not filed.kept:
        raise Rejected(f"paid: obligation {item.obligation!r} was erased when its subject withdrew consent")
    if filed.paid:
        raise Rejected(f"paid: obligation {item.obligation!r} is already paid; a payment is filed once")
    uow.optin.file(item.id, "paid", None, body, fingerprint, today, writer, obligation=filed)
    return []


def _file_consent(
    uow: UnitOfWork,
    item: ConsentGiven | ConsentWithdrawn,
    shelf: Scorecards,
    body: dict,
    fingerprint: str,
    writer: str | None,
    today: dt.date,
) -> list[NoticeDraft]:
    try:
        scorecard = shelf.for_consent(item.scorecard, item.on)
    except UnknownScorecard as error:
        raise Rejected(f"{item.type}: {error}") from None
    if isinstance(item, ConsentGiven) and item.subject.kind != scorecard.subject_kind:
        raise Rejected(
            f"consent_given: scorecard {scorecard.id!r} scores {scorecard.subject_kind}s, "
            f"and {item.subject} is an {item.subject.kind}"
        )
    history = uow.optin.consents(item.subject).get(item.scorecard, [])
    if isinstance(item, ConsentGiven):
        event = ConsentEvent(item.id, "given", item.on, item.sources, item.purposes)
    else:
        event = ConsentEvent(item.id, "withdrawn", item.on)
    problem = consent_problem(scorecard, history, event)
    if problem is not None:
        raise Rejected(f"{item.type}: {problem}")
    kind = "consent_given" if isinstance(item, ConsentGiven) else "consent_withdrawn"
    uow.optin.file(item.id, kind, item.subject, body, fingerprint, today, writer, scorecard=item.scorecard)
    if isinstance(item, ConsentGiven):
        return [
            optin_consent_notice(
                item.subject, True, item.scorecard, item.on, item.sources, item.purposes, names=_names(scorecard)
            )
        ]
    # Withdrawal erases every obligation of the subject from the scorecard's sources filed
    # before it: the withdrawal is filed today, after everything stored.
    erased = erased_by_withdrawal(uow.optin.obligations(item.subject), scorecard, today)
    uow.optin.erase(item.subject, shelf.sources(item.scorecard) | set(scorecard.sources))
    _tell_lenders(uow, item.subject, consent_withdrawn_data(str(item.subject), item.scorecard, item.on, item.id))
    return [
        optin_consent_notice(item.subject, False, item.scorecard, item.on, erased=len(erased), names=_names(scorecard))
    ]


def _names(scorecard: Scorecard) -> dict[str, dict[str, str]]:
    """What the scorecard, its sources and purposes are called in each of our languages."""
    return {language: scorecard.names(language) for language in LANGUAGES}


def _tell_lenders(uow: UnitOfWork, subject: SubjectRef, data: dict[str, Any]) -> None:
    """A ``consent.withdrawn`` webhook to each lender that read the subject's opt-in
    score (its reads are in the subject's access log), in the withdrawal's transaction.
    No other lender learns that the subject had consented at all."""
    for lender in sorted(uow.access_log.readers(subject, "lender", OPTIN_READ)):
        uow.webhooks.publish("lender", lender, CONSENT_WITHDRAWN, [data])


@dataclass(frozen=True)
class ConsentView:
    """A subject's consent to one scorecard as it stands on a day, for its own pages."""

    scorecard: Scorecard
    consent: ConsentEvent | None  # in force on the day
    history: tuple[ConsentEvent, ...]

    @property
    def since(self) -> dt.date | None:
        return self.consent.on if self.consent is not None else None


class OptinScores:
    """The answers: the subject's own score, a lender's read, consents given and withdrawn."""

    def __init__(self, units: UnitsOfWork, shelf: Callable[[UnitOfWork], Scorecards], intake, clock=calendar.today):
        self.units = units
        self.shelf = shelf
        self.intake = intake
        self.clock = clock

    def scorecards(self) -> Scorecards:
        with self.units(read_only=True) as uow:
            return self.shelf(uow)

    def score(
        self, subject: SubjectRef, scorecard_id: str, day: dt.date, reader: Reader, purpose: str | None = None
    ) -> OptinScore:
        """The score on ``day`` under the version in force then, read by ``reader``:
        the subject itself, the operator, or a lender for a purpose the subject consented
        to. Every read is written to the subject's access log. Raises
        :class:`UnknownScorecard`, :class:`~xinyong.domain.optin.OptinRefused` (no
        consent in force) or :class:`~xinyong.domain.access.AccessDenied`."""
        if reader.role not in ("subject", "operator", "lender"):
            raise AccessDenied(
                f"a {reader.role} cannot read opt-in scores: they are read only by their subject and by "
                "lenders for a purpose the subject consented to (walled off from public credit)"
            )
        if reader.role == "subject" and reader.subject != subject:
            raise AccessDenied("a subject reads its own opt-in score only")
        with self.units() as uow:
            shelf = self.shelf(uow)
            scorecard = shelf.in_force(scorecard_id, day)
            history = uow.optin.consents(subject).get(scorecard_id, [])
            if reader.role == "lender":
                if purpose is None or not any(fnmatch.fnmatchcase(purpose, p) for p in reader.scopes):
                    raise AccessDenied(
                        f"lender {reader.name!r} may read opt-in scores for {', '.join(reader.scopes) or 'no purpose'} "
                        f"only, not for {purpose!r}"
                    )
                # For the purpose on the day asked about, and still today: once the subject
                # withdraws, no lender reads its score again, for any day.
                problem = purpose_problem(history, purpose, day) or purpose_problem(history, purpose, self.clock())
                if problem is not None:
                    raise AccessDenied(problem)
            result = answer(scorecard, history, [o for o, _ in uow.optin.obligations(subject)], day)
            detail = f"{scorecard_id} {scorecard.version} as of {day}"
            uow.access_log.write([subject], reader, OPTIN_READ, purpose, [detail])
            uow.commit()
        return result

    def consents(self, subject: SubjectRef, day: dt.date) -> list[ConsentView]:
        """The subject's consent to every loaded scorecard, as it stands on ``day``."""
        with self.units(read_only=True) as uow:
            shelf = self.shelf(uow)
            histories = uow.optin.consents(subject)
        views = []
        for scorecard_id in shelf.ids():
            history = tuple(histories.get(scorecard_id, []))
            views.append(ConsentView(shelf.for_consent(scorecard_id, day), consent_in_force(history, day), history))
        return views

    def give(
        self,
        subject: SubjectRef,
        scorecard_id: str,
        sources: Iterable[str],
        purposes: Iterable[str],
        submitter: Reader,
        on: dt.date | None = None,
    ) -> str:
        """The subject gives its consent (a ``consent_given`` event, through intake); its id."""
        event = {
            "type": "consent_given",
            "id": f"consent-{secrets.token_hex(8)}",
            "subject": str(subject),
            "scorecard": scorecard_id,
            "sources": list(sources),
            "purposes": list(purposes),
            "on": (on or self.clock()).isoformat(),
        }
        self.intake.submit([event], submitter=submitter)
        return str(event["id"])

    def withdraw(self, subject: SubjectRef, consent_id: str, submitter: Reader, on: dt.date | None = None) -> str:
        """The subject withdraws the consent ``consent_id`` (which must be its own and in
        force): a ``consent_withdrawn`` event, which erases its bills; its id."""
        day = on or self.clock()
        with self.units(read_only=True) as uow:
            histories = uow.optin.consents(subject)
        for scorecard_id, history in histories.items():
            if any(c.id == consent_id and c.kind == "given" for c in history):
                current = consent_in_force(history, day)
                if current is None or current.id != consent_id:
                    raise OptinRefused(f"consent {consent_id!r} is not in force: there is nothing to withdraw")
                event = {
                    "type": "consent_withdrawn",
                    "id": f"withdrawal-{secrets.token_hex(8)}",
                    "subject": str(subject),
                    "scorecard": scorecard_id,
                    "on": day.isoformat(),
                }
                self.intake.submit([event], submitter=submitter)
                return str(event["id"])
        raise LookupError(f"no consent {consent_id!r} of yours")
