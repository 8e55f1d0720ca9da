"""A training table for opt-in scorecards from a synthetic population
(:mod:`xinyong.synthetic.obligations`): for each person who consented and can be scored
on a snapshot day, the vocabulary's features on that day computed by the pure
:func:`xinyong.domain.optin.features` from the bills their consent names, the outcome
that followed, and group columns read by audits only. No identity is written: rows are
not named.

The outcome, ``missed_60d_12m``: a bill due in the 12 months from the snapshot day stayed
unpaid more than 60 days past its due day (paid later than that, or never). It is known
60 days after the horizon ends, so the population runs until then. A person with no
bill due in the horizon has no outcome and no row; so has one who withdrew consent (their
bills are erased).

The groups: ``sex`` from the identity number's 17th digit, which payment behaviour never
reads (the audit should find no gap), and ``age_band`` on the snapshot day, which it reads
mildly (payers under 30 are a little more often late, payments.toml): a gap the audit
shows and the behaviour explains.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from xinyong.domain.calendar import Duration
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.optin import Obligation, consent_in_force, features
from xinyong.domain.scorecard import VOCABULARY, Scorecard
from xinyong.synthetic.obligations import PayerRecord, payers
from xinyong.synthetic.population import persons as draw_persons

if TYPE_CHECKING:
    import pyarrow as pa

# The outcome of a sample table: the person left a bill unpaid for more than
# OVERDUE_DAYS days past its due day, among the bills due in the HORIZON after the
# snapshot. Persons with no bill due in the horizon have no outcome and no row.
OUTCOME = "missed_60d_12m"
OVERDUE_DAYS = 60
HORIZON = Duration(months=12)
# Group columns of a sample table, for the audit only: the scorecard never reads them.
GROUP_COLUMNS = ("sex", "age_band")
AGE_BANDS = ((18, "18-29"), (30, "30-44"), (45, "45-59"), (60, "60+"))


def age_band(subject: SubjectRef, day: dt.date) -> str | None:
    age = subject.age_on(day)
    if age is None:
        return None
    found = None
    for least, name in AGE_BANDS:
        if age >= least:
            found = name
    return found


def sex(subject: SubjectRef) -> str | None:
    """The sex a resident identity number gives (its 17th digit: odd male, even female)."""
    if subject.kind != "person":
        return None
    return "male" if int(subject.value[16]) % 2 else "female"


def outcome_observed(as_of: dt.date) -> dt.date:
    """The first day on which the outcome of a snapshot on ``as_of`` is known."""
    return Duration(days=OVERDUE_DAYS).after(HORIZON.after(as_of))


def missed(obligations: Iterable[Obligation], as_of: dt.date) -> int:
    """1 when a bill due in the horizon after ``as_of`` stayed unpaid more than
    OVERDUE_DAYS days past its due day, else 0."""
    until = HORIZON.after(as_of)
    limit = Duration(days=OVERDUE_DAYS)
    for o in obligations:
        if as_of <= o.due_on < until and (o.paid_on is None or o.paid_on > limit.after(o.due_on)):
            return 1
    return 0


def sample_row(record: PayerRecord, as_of: dt.date) -> dict[str, Any] | None:
    """The row of one generated person: the features on ``as_of`` from the bills their
    consent in force names (as :func:`xinyong.domain.optin.answer` reads them), the
    outcome after it, and the audit's groups; None for a person who cannot be scored on
    ``as_of`` or whose outcome is unknown (no bill due in the horizon, or a withdrawal
    before it is known)."""
    consent = consent_in_force(record.consents, as_of)
    if consent is None or record.withdrawn_on() is not None:
        return None
    kept = [b.obligation for b in record.bills if b.obligation.source in consent.sources]
    until = HORIZON.after(as_of)
    if not any(as_of <= o.due_on < until for o in kept):
        return None
    row: dict[str, Any] = dict(features(kept, as_of))
    row[OUTCOME] = missed(kept, as_of)
    subject = SubjectRef.parse(record.subject)
    row["sex"] = sex(subject)
    row["age_band"] = age_band(subject, as_of)
    return row


def sample_records(
    *,
    persons: int,
    seed: int,
    as_of: dt.date,
    scorecard: Scorecard,
    history_months: int = 48,
) -> list[PayerRecord]:
    """A generated population's payers for a snapshot on ``as_of``: bills from
    ``history_months`` before it until the outcome is known."""
    start = Duration(months=history_months).before(as_of)
    today = outcome_observed(as_of)
    people = draw_persons(seed=seed, count=persons, start=start, end=today)
    return payers(people, scorecard, seed=seed, start=start, today=today, id_prefix="sample")


def sample_table(
    records: Sequence[PayerRecord], as_of: dt.date, progress: Callable[[int, int], None] | None = None
) -> pa.Table:
    """The training table of ``records`` on ``as_of``: one row a person who can be scored
    and whose outcome is known, the vocabulary's columns, the outcome (OUTCOME) and the
    groups (GROUP_COLUMNS). No identity: rows are numbered, not named."""
    import pyarrow as pa

    rows: list[dict[str, Any]] = []
    for done, record in enumerate(records, start=1):
        if (row := sample_row(record, as_of)) is not None:
            rows.append(row)
        if progress is not None and (done % 500 == 0 or done == len(records)):
            progress(done, len(records))
    schema = pa.schema(
        [
            ("on_time_share_24m", pa.float64()),
            ("late_count_12m", pa.int32()),
            ("open_overdue", pa.int32()),
            ("history_months", pa.int32()),
            ("obligations_24m", pa.int32()),
            (OUTCOME, pa.int8()),
            ("sex", pa.string()),
            ("age_band", pa.string()),
        ]
    )
    assert set(schema.names) == {*VOCABULARY, OUTCOME, *GROUP_COLUMNS}
    return pa.Table.from_pylist(rows, schema=schema)
