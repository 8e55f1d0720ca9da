"""Inquiries: scores and checks asked of the ledger, answered by the standing module,
each read logged. Their JSON objects (docs/design.md section 6) are the entrypoints'
(:mod:`xinyong.entrypoints.answers`)."""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from xinyong.domain import calendar
from xinyong.domain.access import Reader, operator
from xinyong.domain.calendar import in_range, parse_date
from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.notices import adverse_action_notice
from xinyong.domain.read_model import ReadModel, check_from, standing_on
from xinyong.domain.standing import CheckDecision, Standing
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.federation import Federation
from xinyong.services.read_models import ReadModels
from xinyong.services.unit_of_work import UnitOfWork, UnitsOfWork


class QuestionError(ValueError):
    """A question that cannot be answered as asked."""


@dataclass(frozen=True)
class Unanswered:
    """A question of a file that cannot be answered, and why."""

    line: int
    reason: str


Answer = Standing | CheckDecision


class Inquiries:
    """Scores and checks, each read written to the access log with who asked and why."""

    def __init__(
        self,
        units: UnitsOfWork,
        library: CatalogLibrary,
        read_models: ReadModels,
        federation: Federation | None = None,
    ):
        self.units = units
        self.library = library
        self.read_models = read_models
        self.federation = federation
        self._foreign_names: tuple[CatalogRegistry, frozenset[str]] | None = None

    def _named_foreign_lists(self, registry: CatalogRegistry) -> frozenset[str]:
        """The foreign lists (``NODE/LIST``) that a measure of ``registry`` names."""
        if self._foreign_names is None or self._foreign_names[0] is not registry:
            self._foreign_names = (registry, frozenset(Federation.named_foreign_lists(registry)))
        return self._foreign_names[1]

    def _models(self, subjects: list[SubjectRef]):
        """The read models of ``subjects`` (each read once), read in one snapshot, and
        the catalogs they answer under."""
        models, registry, _ = self._models_and_foreign(subjects)
        return models, registry

    def _models_and_foreign(self, subjects: list[SubjectRef]):
        """:meth:`_models`, and what the foreign lists that measures name hold of each
        subject (docs/design.md section 10), read in the same snapshot."""
        with self.units(read_only=True) as uow:
            stored = {subject: uow.read_models.stored(subject) for subject in dict.fromkeys(subjects)}  # each once
            # The store counts the catalog versions loaded with each row: then the
            # registry is known to be current without a read of its own.
            loaded = next((s.loaded for s in stored.values() if s is not None and s.loaded is not None), None)
            registry = self.library.registry(uow, loaded)
            models: dict[SubjectRef, ReadModel] = {
                subject: self.read_models.current(uow, subject, row, registry) for subject, row in stored.items()
            }
            names = self._named_foreign_lists(registry)
            foreign = self.federation.holdings(uow, models, names) if names and self.federation else {}
        return models, registry, foreign

    def standing(
        self,
        subject: SubjectRef,
        catalog_id: str,
        day: dt.date,
        reader: Reader | None = None,
        purpose: str | None = None,
    ) -> Standing:
        models, _ = self._models([subject])
        answer = standing_on(models[subject], catalog_id, day)
        with self.units() as uow:
            uow.access_log.write(
                [subject],
                reader or operator(),
                "score",
                purpose,
                [f"{catalog_id} on {day}: {answer.score} {answer.grade}"],
            )
            uow.commit()
        return answer

    def check(
        self,
        subject: SubjectRef,
        action: str,
        day: dt.date,
        reader: Reader | None = None,
        purpose: str | None = None,
    ) -> CheckDecision:
        return self.checks([(subject, action, day)], reader, purpose)[0]

    def checks(
        self,
        questions: list[tuple[SubjectRef, str, dt.date]],
        reader: Reader | None = None,
        purpose: str | None = None,
    ) -> list[CheckDecision]:
        """Answer several checks (a passenger manifest) and log each one."""
        decisions = self.decide(questions)
        self.record_checks(decisions, reader or operator(), purpose)
        return decisions

    def decide(self, questions: list[tuple[SubjectRef, str, dt.date]]) -> list[CheckDecision]:
        """The decisions, from the read models; nothing is logged yet."""
        models, registry, foreign = self._models_and_foreign([subject for subject, _, _ in questions])
        return [
            check_from(models[subject], subject, action, day, registry, foreign.get(subject))
            for subject, action, day in questions
        ]

    def record_checks_of_many(
        self, groups: list[tuple[list[CheckDecision], Reader, str | None]], wait: float | None = None
    ) -> None:
        """Log the checks of several requests, and their adverse-action notices, in one
        transaction (group commit). With ``wait``, the write lock is waited for at most
        that many seconds (then :class:`~xinyong.services.unit_of_work.WriteLockBusy`,
        and nothing is logged)."""
        with self.units(wait=wait) as uow:
            for decisions, reader, purpose in groups:
                self._record_checks(uow, decisions, reader, purpose)
            uow.commit()

    def record_checks(self, decisions: list[CheckDecision], reader: Reader, purpose: str | None) -> None:
        """Log checks and send adverse-action notices, in one transaction."""
        with self.units() as uow:
            self._record_checks(uow, decisions, reader, purpose)
            uow.commit()

    def _record_checks(
        self, uow: UnitOfWork, decisions: list[CheckDecision], reader: Reader, purpose: str | None
    ) -> None:
        refs = [secrets.token_hex(5) for _ in decisions]
        uow.access_log.write(
            [d.subject for d in decisions],
            reader,
            "check",
            purpose,
            [f"check {ref}: {d.action} on {d.as_of}: {d.decision}" for ref, d in zip(refs, decisions, strict=False)],
        )
        # A service point's denial or review is an adverse action: the subject is told.
        if reader.role == "service-point":
            uow.notices.write(
                [
                    n
                    for ref, d in zip(refs, decisions, strict=False)
                    if (n := adverse_action_notice(d, reader.name, ref)) is not None
                ],
            )

    def answer_many(self, questions: list[object], reader: Reader | None = None) -> list[Answer | Unanswered]:
        """Answer a file of questions: each subject's data is read once, and every read is
        logged in one unit of work at the end. A question that cannot be answered gets
        an :class:`Unanswered` in its place."""
        reader = reader or operator()
        answers: list[Answer | Unanswered] = []
        logged: list[tuple[SubjectRef, str, str | None, str]] = []
        for number, question in enumerate(questions, start=1):
            try:
                kind, subject, target, day, purpose = self._parse_question(question)
                models, registry, foreign = self._models_and_foreign([subject])
                if kind == "score":
                    result = standing_on(models[subject], target, day)
                    answers.append(result)
                    logged.append((subject, "score", purpose, f"{target} on {day}: {result.score} {result.grade}"))
                else:
                    decision = check_from(models[subject], subject, target, day, registry, foreign.get(subject))
                    answers.append(decision)
                    logged.append((subject, "check", purpose, f"{target} on {day}: {decision.decision}"))
            except (QuestionError, ValueError) as error:
                answers.append(Unanswered(number, str(error)))
        with self.units() as uow:
            for what in ("score", "check"):
                rows = [x for x in logged if x[1] == what]
                for purpose in {x[2] for x in rows}:
                    group = [x for x in rows if x[2] == purpose]
                    uow.access_log.write([x[0] for x in group], reader, what, purpose, [x[3] for x in group])
            uow.commit()
        return answers

    def _parse_question(self, question: object):
        if not isinstance(question, dict):
            raise QuestionError("a question must be a JSON object")
        try:
            day = in_range(parse_date(question.get("as_of") or calendar.today().isoformat()))
        except ValueError as error:
            raise QuestionError(f"as_of: {error}") from None
        purpose = question.get("purpose")
        if "score" in question:
            catalog = question.get("catalog")
            if not isinstance(catalog, str):
                raise QuestionError("catalog: a score question names its catalog")
            return "score", SubjectRef.parse(question["score"]), catalog, day, purpose
        if "check" in question:
            action = question.get("action")
            if not isinstance(action, str) or not action:
                raise QuestionError("action: a check question names its action")
            return "check", SubjectRef.parse(question["check"]), action, day, purpose
        raise QuestionError("a question has 'score' or 'check'")

    def answer(self, question: object, reader: Reader | None = None) -> Answer:
        """Answer one line of a questions file: ``{"score": S, "catalog": C, "as_of": D}``
        or ``{"check": S, "action": A, "as_of": D}``."""
        kind, subject, target, day, purpose = self._parse_question(question)
        if kind == "score":
            return self.standing(subject, target, day, reader, purpose)
        return self.check(subject, target, day, reader, purpose)
