"""Who may do what: roles, their scopes, and the reader named in the access log.

Pure: the rules of access are decided here; tokens are kept by the storage adapter."""

from __future__ import annotations

import fnmatch
import getpass
from dataclasses import dataclass, replace

from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.standing import CheckDecision

ROLES = ("source", "registry", "service-point", "subject", "officer", "auditor", "lender", "node")
ROLE_HELP = {
    "source": "submits records for rules matching its scopes (e.g. 'city-personal/traffic.*') "
    "and events on its own records",
    "registry": "the civil registry or market regulator: the one authority over a subject's facts "
    "(subject events: jurisdiction, name, kind) and may set its contact address; files no records",
    "service-point": "asks checks for actions matching its scopes (e.g. 'air_travel.*'); "
    "sees decisions and reasons, never scores",
    "subject": "reads its own report, files disputes and repair applications, sets its own contact address",
    "officer": "reads standings and reports with a purpose; resolves disputes and repairs",
    "auditor": "reads the access log and verifies the ledger",
    "lender": "reads a subject's opt-in score for the purposes in its scopes (e.g. 'lending'), "
    "only where the subject consented to that purpose; never public credit",
    "node": "a partner node: pulls this node's signed list bundles and hears of new ones, nothing else",
}


class AccessDenied(PermissionError):
    """A known reader acting outside its role or scopes."""


# A stated purpose is kept in the access log with the read; longer ones are refused.
MAX_PURPOSE = 500


class PurposeRequired(ValueError):
    """An officer read or checked a subject without stating a purpose. ``key`` names the
    refusal for every entrypoint (the API's problem type, the pages' message)."""

    key = "purpose.required"

    def __init__(self) -> None:
        super().__init__("officers give a purpose with every read or check of a subject; it is logged")


@dataclass(frozen=True, slots=True)
class Reader:
    """Who is asking: the name and role written to the access log with every read."""

    name: str
    role: str
    token_id: str | None = None
    scopes: tuple[str, ...] = ()
    subject: SubjectRef | None = None

    @property
    def named(self) -> bool:
        """Whether the token was given a name (``--name``) rather than the default
        ``ROLE-ID``: a named source files records only in its own name."""
        return self.token_id is None or self.name != f"{self.role}-{self.token_id}"

    def may_record(self, rule: str) -> bool:
        """A source may record under ``rule`` (``CATALOG/RULE``) if a scope matches it."""
        return self.role == "source" and any(fnmatch.fnmatchcase(rule, p) for p in self.scopes)

    def may_check(self, action: str) -> bool:
        """A service point may ask about ``action`` if a scope equals it, is a dotted
        prefix of it, or matches it as a pattern (``air_travel.*``)."""
        if self.role not in ("service-point", "officer"):
            return False
        if self.role == "officer":
            return True
        return any(action == p or action.startswith(p + ".") or fnmatch.fnmatchcase(action, p) for p in self.scopes)

    def may_read(self, subject: SubjectRef) -> bool:
        """Scores and reports: officers read any subject, a subject only itself."""
        if self.role == "officer" or self.role == "operator":
            return True
        return self.role == "subject" and self.subject == subject

    @property
    def sees_scores(self) -> bool:
        """Service points see decisions and their reasons, never a score."""
        return self.role != "service-point"

    def stated_purpose(self, purpose: str | None) -> str | None:
        """The one rule for reads of a subject (scores, reports, the console's look-up)
        and checks: an officer states a purpose, anything but blank, which the access log
        keeps with the read; other readers may give one or not. Returns ``purpose`` as
        given, or raises :class:`PurposeRequired`."""
        if self.role == "officer" and not (purpose and purpose.strip()):
            raise PurposeRequired()
        return purpose

    def sees(self, decision: CheckDecision) -> CheckDecision:
        """``decision`` as this reader may see it: without the score in any reason's
        trigger for a reader who does not see scores (a service point)."""
        if self.sees_scores:
            return decision
        reasons = tuple(
            replace(r, trigger={k: v for k, v in r.trigger.items() if k != "score"}) for r in decision.reasons
        )
        return replace(decision, reasons=reasons)


def operator() -> Reader:
    """The person at the command line, named by the operating system account."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return Reader(name=f"cli:{user}", role="operator")


PUBLIC = Reader(name="public", role="public")


def validate_grant(role: str, scopes: tuple[str, ...], subject: SubjectRef | None) -> None:
    """Check that a token about to be created makes sense for its role."""
    if role not in ROLES:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if role in ("source", "service-point", "lender") and not scopes:
        raise ValueError(f"a {role} token needs at least one --scope")
    if role == "subject" and subject is None:
        raise ValueError("a subject token needs --subject")
    if role != "subject" and subject is not None:
        raise ValueError("--subject goes only with --role subject")
    if role not in ("source", "service-point", "lender") and scopes:
        raise ValueError(f"--scope goes only with --role source, service-point or lender, not {role}")
