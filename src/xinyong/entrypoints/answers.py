"""The JSON objects of docs/design.md section 6: ``score --json``, ``check --json`` and
the answers of ``query``, as the command line prints them and the API returns them."""

from __future__ import annotations

import datetime as dt
from typing import Any

from xinyong import messages
from xinyong.domain.catalog.model import Text
from xinyong.domain.messages import CHECK_HOW_TO_DISPUTE
from xinyong.domain.optin import OptinScore, Reason
from xinyong.domain.standing import CheckDecision, Standing
from xinyong.services.inquiries import Answer, Unanswered

# How to dispute a check's decision, as a message key: rendered in the reader's language.
HOW_TO_DISPUTE = CHECK_HOW_TO_DISPUTE


def _day(value: dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def standing_json(answer: Standing) -> dict[str, Any]:
    """The ``score --json`` object."""
    return {
        "subject": str(answer.subject),
        "catalog": answer.catalog,
        "as_of": answer.as_of.isoformat(),
        "score": answer.score,
        "grade": answer.grade,
        "contributions": [
            {
                "record": c.record,
                "rule": c.rule,
                "points": c.points,
                "effective_on": c.effective_on.isoformat(),
                "expires_on": _day(c.expires_on),
                "disputed": c.disputed,
                "capped": c.capped,
            }
            for c in answer.contributions
        ],
        "lists": [
            {"list": e.list, "record": e.record, "from": e.start.isoformat(), "until": _day(e.until)}
            for e in answer.lists
        ],
    }


def check_json(decision: CheckDecision, language: str = "en") -> dict[str, Any]:
    """The ``check --json`` object; ``how_to_dispute`` in ``language``."""
    return {
        "subject": str(decision.subject),
        "action": decision.action,
        "as_of": decision.as_of.isoformat(),
        "decision": decision.decision,
        "reasons": [
            {
                "catalog": r.catalog,
                "measure": r.measure,
                "effect": r.effect,
                "trigger": dict(r.trigger),
                "legal_basis": r.legal_basis,
            }
            for r in decision.reasons
        ],
        "benefits": list(decision.benefits),
        "how_to_dispute": messages.render(HOW_TO_DISPUTE, {}, language, "api"),
    }


def answer_json(answer: Answer | Unanswered) -> dict[str, Any]:
    """The JSON object of an answer: that of ``score --json`` or ``check --json``, or
    ``{"error": ...}`` for a question that cannot be answered."""
    if isinstance(answer, Unanswered):
        return {"error": f"line {answer.line}: {answer.reason}"}
    if isinstance(answer, Standing):
        return standing_json(answer)
    return check_json(answer)


def optin_json(subject: str, result: OptinScore, language: str | None = None) -> dict[str, Any]:
    """An opt-in score as ``optin score --json`` prints it (docs/design.md section 9):
    ``subject``, ``scorecard``, ``as_of``, ``score``, ``band``, ``features`` (name → value
    or null) and ``reasons``, each with ``feature``, ``points``, ``possible``, ``text``
    (the scorecard's own words, or ``language``'s) and ``raise``: the nearest bin that
    gives more points (``points``, and the values it holds, ``at_least`` ≤ value <
    ``below``), or null."""

    def text(reason: Reason) -> str:
        if language is not None and isinstance(reason.text, Text):
            return reason.text.in_language(language)
        return str(reason.text)

    return {
        "subject": subject,
        "scorecard": result.scorecard,
        "as_of": result.as_of.isoformat(),
        "score": result.score,
        "band": result.band,
        "features": dict(result.features),
        "reasons": [
            {
                "feature": r.feature,
                "points": r.points,
                "possible": r.possible,
                "text": text(r),
                "raise": None
                if r.raise_to is None
                else {"points": r.raise_to.points, "at_least": r.raise_to.at_least, "below": r.raise_to.below},
            }
            for r in result.reasons
        ],
    }
