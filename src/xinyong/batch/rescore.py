"""Rescoring everyone: docs/design.md section 4 as one dataframe job, written once in Ibis.

:func:`rescore` builds the expressions that give every subject of a catalog's kind its
score, grade, coverage and list entries on a day, for any number of (catalog, day)
questions at once, over the tables of an export (:mod:`xinyong.batch.export`). The same
expressions run on DuckDB on one machine and on Apache Spark on a cluster
(:mod:`xinyong.batch.engines`). They mirror :mod:`xinyong.domain.standing` rule for rule, and
the tests hold them to its answers on both engines.

The job is set-based: each step is a join, an anti-join or a grouping over whole
tables, keyed by catalog.

- The version of a catalog in force on a day is found by a range join on the versions'
  intervals ``[effective_from, next effective_from)``.
- A record's rule is the one in the version in force on ``occurred_on``;
  ``effective_on = decided_on + notice`` and ``expires_on = effective_on + valid_for``.
  Durations are ``(months, days)``: months first, clamped to the month's end, then days.
  Both engines clamp when a date is moved by a month interval (the tests pin this
  against :mod:`xinyong.domain.calendar`), so the job uses their own interval arithmetic.
- ``ends_on`` is the earliest of ``expires_on``, a repair, and a fulfilment when the
  rule restores on fulfilment. An ``annulled`` event or a dispute resolved ``annulled``
  means the record never counts.
- Disputes are the n-th filing of a record paired with its n-th decision (one dispute
  is open at a time). A filing before ``effective_on`` suspends the record over
  ``[filed_on, resolved_on)``; a dispute deadline (of the version in force on the filing
  day) takes it out over ``[filed_on + deadline, resolved_on)``. These are the record's
  gaps; an undecided dispute's gap has no end.
- A record counts on D when ``effective_on ≤ D < ends_on`` and D is in none of its gaps.
- Points on D: the larger of the rule's points then and in the version in force on D; a
  rule dropped by that version counts 0 for a penalty, its points for a reward.
- Caps are per subject, rule and calendar year of ``occurred_on``: the cap of the
  version in force on D or, when that version dropped the rule, none if any record of
  the group was made under a rule without a cap, else the largest of theirs. A group
  whose sum exceeds the cap in absolute value counts the cap, with the sum's sign.
- The score is the D version's base plus the capped sum; the grade is the band with the
  highest ``min`` not above it, else the open band, else the lowest band.
- A list entry starts on the first day its record counts: the least of ``effective_on``
  and the gap ends at or after it, among those before ``ends_on`` and inside no gap. No
  entry for an annulled record or for a person under 18 on ``occurred_on`` (``minor``). It lasts the
  rule's ``list_duration`` or the list's duration in the version of its catalog in force
  on the start (open without either), ends early on repair and on fulfilment when the
  list's removal allows it, and is dropped when it would end on or before its start. It
  is in effect on D when ``start ≤ D < until`` and D is in none of the record's gaps.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

FOREVER = dt.date(9999, 12, 31)  # stands for "no end" inside the job; never output

Stage = Callable[[ir.Table], ir.Table]


@dataclass(frozen=True)
class LedgerTables:
    """The tables of the job, as Ibis tables on one backend: read from an export
    (:func:`xinyong.batch.engines.read_export`) or straight from the database
    (:func:`xinyong.batch.database.read_database`).

    ``records``: ``record_id, subject_key, kind, minor, catalog_id, rule, occurred_on,
    decided_on``, where ``minor`` says whether a person was under 18 on ``occurred_on``
    (null for an organisation); ``events``: ``record_id, catalog_id, seq, type, on,
    outcome``; ``subjects``: ``subject_key, kind, jurisdiction``; and the catalog tables
    of :func:`xinyong.batch.export.catalog_tables`.

    ``names``, when given, says that ``subject_key`` in ``records`` and ``subjects`` is a
    number standing for the subject's key, and gives each number its key
    (``subject_key, key``): a number takes 8 bytes in every join and grouping of the
    job where a key takes 64 characters (:func:`xinyong.batch.database.read_database`
    numbers them). The job's results carry the keys all the same (:meth:`keyed`)."""

    records: ir.Table
    events: ir.Table
    subjects: ir.Table
    versions: ir.Table
    rules: ir.Table
    lists: ir.Table
    grades: ir.Table
    names: ir.Table | None = None

    def keyed(self, table: ir.Table) -> ir.Table:
        """``table`` with the subject's key in its ``subject_key`` column where that
        column holds a number standing for it (see ``names``); the columns in their order."""
        if self.names is None:
            return table
        names = self.names
        named = table.left_join(names, table.subject_key == names.subject_key)
        return named.select(
            *[names.key.name(column) if column == "subject_key" else table[column] for column in table.columns]
        )


@dataclass(frozen=True)
class Rescoring:
    """The job's results, as expressions.

    ``standings``: one row per question and subject of the catalog's kind —
    ``catalog, as_of, subject_key, version, score, grade, covered, counting`` (how many
    records count). ``entries``: the list entries in effect, one row per question and
    entry — ``catalog, as_of, subject_key, list, record_id, rule, start, until``
    (``until`` null when open). ``distribution``: ``catalog, as_of, position, grade,
    subjects`` for every band of the version in force, highest band first."""

    standings: ir.Table
    entries: ir.Table
    distribution: ir.Table


def _forever() -> ir.DateScalar:
    return ibis.literal(FOREVER, type="date")


def after(day: ir.DateValue, months: ir.IntegerValue, days: ir.IntegerValue) -> ir.DateValue:
    """``day`` plus a duration of ``months`` and ``days`` (nulls count as 0): months
    first, clamped to the end of the month, then days, as :meth:`Duration.after`."""
    months = months.fill_null(0).cast("int32")
    days = days.fill_null(0).cast("int32")
    moved = (day + months.as_interval("M")) + days.as_interval("D")
    # DuckDB gives a timestamp for a date plus an interval, while Ibis types it a date
    # and drops a cast to the type it believes the value has: go through timestamp.
    return moved.cast("timestamp").cast("date")


def age_on(born: ir.DateValue, day: ir.DateValue) -> ir.IntegerValue:
    """Whole years of age on ``day``, as :meth:`SubjectRef.age_on` (adding P18Y to the
    birth date would clamp a 29 February birthday to the 28th)."""
    before_birthday = (day.month() < born.month()) | ((day.month() == born.month()) & (day.day() < born.day()))
    return day.year() - born.year() - before_birthday.cast("int32")


def _intervals(versions: ir.Table) -> ir.Table:
    """Each catalog version with the day the next one takes effect (``until``)."""
    w = ibis.window(group_by=versions.catalog_id, order_by=versions.effective_from)
    return versions.mutate(until=versions.effective_from.lead().over(w).fill_null(_forever()))


def _outside_gaps(rows: ir.Table, day: str, gaps: ir.Table) -> ir.Table:
    """The rows whose day (column ``day``) lies in none of their record's gaps."""
    return rows.anti_join(
        gaps,
        [rows.record_id == gaps.record_id, gaps.start <= rows[day], rows[day] < gaps.end],
    )


def rescore(
    tables: LedgerTables,
    questions: Iterable[tuple[str, dt.date]],
    *,
    stage: Stage | None = None,
) -> Rescoring:
    """Score, grade, coverage and list entries of every subject of the catalog's kind,
    for each ``(catalog_id, day)`` of ``questions``.

    A question about a day on which no version of its catalog is in force gives no
    rows; callers check the questions first (:func:`xinyong.batch.job.check_questions`).
    ``stage`` is applied to the intermediate tables that several steps share (each
    record's timeline, the gaps, the questions with their versions). By default they
    stay inline and nothing runs until an output is asked for; ``Table.cache`` has each
    computed once, which spares Spark a plan that repeats them."""
    keep = stage or (lambda table: table)
    asked = sorted(set(questions))
    if not asked:
        raise ValueError("rescore needs at least one (catalog, day) question")
    catalogs = sorted({catalog for catalog, _ in asked})
    intervals = _intervals(tables.versions)

    # The questions as a table on the tables' backend, one row each whose catalog is
    # loaded (the others give no rows anyway): a memtable would be built with pandas,
    # whose import is a good part of a command's start-up.
    loaded = tables.versions.select("catalog_id").distinct()
    wanted = functools.reduce(
        lambda one, other: one.union(other, distinct=False),
        [
            loaded.filter(loaded.catalog_id == catalog).select(
                "catalog_id",
                as_of=ibis.literal([day for c, day in asked if c == catalog], type="array<date>").unnest(),
            )
            for catalog in catalogs
        ],
    )
    days = wanted.join(
        intervals,
        [
            wanted.catalog_id == intervals.catalog_id,
            intervals.effective_from <= wanted.as_of,
            wanted.as_of < intervals.until,
        ],
    ).select(
        wanted.catalog_id,
        wanted.as_of,
        d_effective_from=intervals.effective_from,
        d_version=intervals.version,
        base=intervals.base,
        subject_kind=intervals.subject_kind,
        catalog_jurisdiction=intervals.jurisdiction,
    )
    days = keep(days)
    lines, gaps = _timelines(tables, catalogs, intervals)
    lines, gaps = keep(lines), keep(gaps)
    standings = tables.keyed(_standings(tables, days, lines, gaps))
    entries = tables.keyed(_entries(tables, intervals, days, lines, gaps))
    return Rescoring(
        standings=standings,
        entries=entries,
        distribution=grade_distribution(
            standings,
            tables,
            days.select(catalog=days.catalog_id, as_of=days.as_of, version=days.d_version),
        ),
    )


# ---------------------------------------------------------------------------- records


def _timelines(tables: LedgerTables, catalogs: list[str], intervals: ir.Table) -> tuple[ir.Table, ir.Table]:
    """Every record of the catalogs with its window, end and flags; and its gaps."""
    records = tables.records.filter(tables.records.catalog_id.isin(catalogs))
    events = tables.events.filter(tables.events.catalog_id.isin(catalogs))
    rules = tables.rules

    # The rule in force when the act happened.
    made = records.join(
        intervals,
        [
            records.catalog_id == intervals.catalog_id,
            intervals.effective_from <= records.occurred_on,
            records.occurred_on < intervals.until,
        ],
    ).select(records, occ_effective_from=intervals.effective_from)
    ruled = made.join(
        rules,
        [
            made.catalog_id == rules.catalog_id,
            made.occ_effective_from == rules.effective_from,
            made.rule == rules.rule,
        ],
    ).select(
        made.catalog_id,
        made.record_id,
        made.subject_key,
        made.minor,
        made.rule,
        made.occurred_on,
        then_points=rules.points,
        then_cap=rules.cap_per_year,
        list=rules.list,
        list_duration_months=rules.list_duration_months,
        list_duration_days=rules.list_duration_days,
        restore_on_fulfilment=rules.restore_on_fulfilment,
        effective_on=after(made.decided_on, rules.notice_months, rules.notice_days),
        valid_for_months=rules.valid_for_months,
        valid_for_days=rules.valid_for_days,
    )
    ruled = ruled.mutate(expires_on=after(ruled.effective_on, ruled.valid_for_months, ruled.valid_for_days)).drop(
        "valid_for_months", "valid_for_days"
    )

    annulling = (events.type == "annulled") | ((events.type == "dispute_resolved") & (events.outcome == "annulled"))
    flags = events.group_by(events.record_id).aggregate(
        annulled=annulling.any(),
        fulfilled_on=events.on.min(where=events.type == "fulfilled"),
        repaired_on=events.on.min(where=events.type == "repaired"),
    )
    joined = ruled.left_join(flags, ruled.record_id == flags.record_id).select(
        ruled, flags.annulled, flags.fulfilled_on, flags.repaired_on
    )
    forever = _forever()
    lines = joined.mutate(
        annulled=joined.annulled.fill_null(False),
        ends_on=ibis.least(
            joined.expires_on,
            joined.repaired_on.fill_null(forever),
            ibis.ifelse(
                joined.restore_on_fulfilment & joined.fulfilled_on.notnull(),
                joined.fulfilled_on,
                forever,
            ),
        ),
    )

    # Disputes: the n-th filing answered by the n-th decision.
    by_record = ibis.window(group_by="record_id", order_by="seq")
    filings = events.filter(events.type == "dispute_filed")
    filings = filings.select(
        filings.catalog_id,
        filings.record_id,
        filed_on=filings.on,
        n=ibis.row_number().over(by_record),
    )
    decisions = events.filter(events.type == "dispute_resolved")
    decisions = decisions.select(decisions.record_id, resolved_on=decisions.on, n=ibis.row_number().over(by_record))
    disputes = filings.left_join(
        decisions, [filings.record_id == decisions.record_id, filings.n == decisions.n]
    ).select(filings.catalog_id, filings.record_id, filings.filed_on, decisions.resolved_on)
    # The deadline of the version in force on the filing day.
    disputes = disputes.join(
        intervals,
        [
            disputes.catalog_id == intervals.catalog_id,
            intervals.effective_from <= disputes.filed_on,
            disputes.filed_on < intervals.until,
        ],
    ).select(
        disputes.record_id,
        disputes.filed_on,
        disputes.resolved_on,
        deadline=ibis.ifelse(
            intervals.dispute_deadline_months.notnull(),
            after(
                disputes.filed_on,
                intervals.dispute_deadline_months,
                intervals.dispute_deadline_days,
            ),
            ibis.null("date"),
        ),
    )
    disputes = disputes.join(lines, disputes.record_id == lines.record_id).select(disputes, lines.effective_on)
    until_decided = disputes.resolved_on.fill_null(forever)
    suspended = disputes.filter(disputes.filed_on < disputes.effective_on).select(
        disputes.record_id, start=disputes.filed_on, end=until_decided
    )
    overdue = disputes.filter(disputes.deadline.notnull()).select(
        disputes.record_id, start=disputes.deadline, end=until_decided
    )
    gaps = suspended.union(overdue, distinct=False)
    gaps = gaps.filter(gaps.start < gaps.end)
    return lines, gaps


# ----------------------------------------------------------------------------- scores


def _standings(tables: LedgerTables, days: ir.Table, lines: ir.Table, gaps: ir.Table) -> ir.Table:
    live = lines.filter(~lines.annulled)
    counting = live.join(
        days,
        [
            live.catalog_id == days.catalog_id,
            live.effective_on <= days.as_of,
            days.as_of < live.ends_on,
        ],
    ).select(
        live.catalog_id,
        live.record_id,
        live.subject_key,
        live.rule,
        live.occurred_on,
        live.then_points,
        live.then_cap,
        days.as_of,
        days.d_effective_from,
    )
    counting = _outside_gaps(counting, "as_of", gaps)

    # The more favourable rule: as it was, or as it is in the version in force on the day.
    rules = tables.rules
    now = counting.left_join(
        rules,
        [
            counting.catalog_id == rules.catalog_id,
            counting.d_effective_from == rules.effective_from,
            counting.rule == rules.rule,
        ],
    ).select(
        counting,
        now_present=rules.rule.notnull(),
        now_points=rules.points,
        now_cap=rules.cap_per_year,
    )
    points = ibis.ifelse(
        now.now_present,
        ibis.greatest(now.then_points, now.now_points),
        ibis.ifelse(now.then_points < 0, 0, now.then_points),
    )
    now = now.mutate(points=points.cast("int64"), year=now.occurred_on.year())

    groups = now.group_by(["catalog_id", "as_of", "subject_key", "rule", "year"]).aggregate(
        subtotal=now.points.sum(),
        records=now.count(),
        now_present=now.now_present.any(),
        now_cap=now.now_cap.max(),
        then_uncapped=now.then_cap.isnull().any(),
        then_cap=now.then_cap.max(),
    )
    cap = ibis.ifelse(
        groups.now_present,
        groups.now_cap,
        ibis.ifelse(groups.then_uncapped, ibis.null("int64"), groups.then_cap),
    )
    capped = cap.notnull() & (groups.subtotal.abs() > cap)
    share = ibis.ifelse(capped, ibis.ifelse(groups.subtotal > 0, cap, -cap), groups.subtotal)
    groups = groups.mutate(share=share.cast("int64"))
    sums = groups.group_by(["catalog_id", "as_of", "subject_key"]).aggregate(
        points=groups.share.sum(), counting=groups.records.sum()
    )

    # Every subject of the catalog's kind: those with a subject event or a record.
    known = tables.subjects.select("subject_key", "kind").union(
        tables.records.select("subject_key", "kind"), distinct=True
    )
    known = known.left_join(tables.subjects, known.subject_key == tables.subjects.subject_key).select(
        known.subject_key, known.kind, tables.subjects.jurisdiction
    )
    scored = known.join(days, known.kind == days.subject_kind).select(
        days.catalog_id,
        days.as_of,
        known.subject_key,
        known.jurisdiction,
        days.d_effective_from,
        days.d_version,
        days.base,
        days.catalog_jurisdiction,
    )
    scored = scored.left_join(
        sums,
        [
            scored.catalog_id == sums.catalog_id,
            scored.as_of == sums.as_of,
            scored.subject_key == sums.subject_key,
        ],
    ).select(scored, sums.points, sums.counting)
    scored = scored.mutate(
        score=(scored.base + scored.points.fill_null(0)).cast("int64"),
        counting=scored.counting.fill_null(0).cast("int64"),
        covered=scored.jurisdiction.notnull()
        & (
            (scored.jurisdiction == scored.catalog_jurisdiction)
            | scored.jurisdiction.startswith(scored.catalog_jurisdiction + "-")
        ),
    )

    # The band with the highest min not above the score; else the open band; else the lowest.
    grades = tables.grades
    reached = scored.join(
        grades,
        [
            scored.catalog_id == grades.catalog_id,
            scored.d_effective_from == grades.effective_from,
            grades["min"].notnull(),
            grades["min"] <= scored.score,
        ],
    ).select(scored.catalog_id, scored.as_of, scored.subject_key, grades.grade, grades["min"])
    best = reached.group_by(["catalog_id", "as_of", "subject_key"]).aggregate(
        grade=reached.grade.argmax(reached["min"])
    )
    fallback = grades.group_by(["catalog_id", "effective_from"]).aggregate(
        open_band=grades.grade.max(where=grades["min"].isnull()),
        lowest=grades.grade.argmax(grades.position),
    )
    graded = scored.left_join(
        best,
        [
            scored.catalog_id == best.catalog_id,
            scored.as_of == best.as_of,
            scored.subject_key == best.subject_key,
        ],
    ).select(scored, best_grade=best.grade)
    return graded.left_join(
        fallback,
        [
            graded.catalog_id == fallback.catalog_id,
            graded.d_effective_from == fallback.effective_from,
        ],
    ).select(
        catalog=graded.catalog_id,
        as_of=graded.as_of,
        subject_key=graded.subject_key,
        version=graded.d_version,
        score=graded.score,
        grade=ibis.coalesce(graded.best_grade, fallback.open_band, fallback.lowest),
        covered=graded.covered,
        counting=graded.counting,
    )


def grade_distribution(standings: ir.Table, tables: LedgerTables, asked: ir.Table | None = None) -> ir.Table:
    """How many subjects are in each band of the version in force, per question:
    ``catalog, as_of, position, grade, subjects``, highest band first, empty bands
    included. ``standings`` is :attr:`Rescoring.standings` or the table it was written
    to; ``asked`` (``catalog, as_of, version``) lists the questions, by default those
    that ``standings`` answers."""
    grades = tables.grades
    counts = standings.group_by(["catalog", "as_of", "grade"]).aggregate(subjects=standings.count())
    if asked is None:
        asked = standings.select("catalog", "as_of", "version").distinct()
    bands = asked.join(grades, [asked.catalog == grades.catalog_id, asked.version == grades.version]).select(
        asked.catalog, asked.as_of, grades.position, grades.grade
    )
    return (
        bands.left_join(
            counts,
            [
                bands.catalog == counts.catalog,
                bands.as_of == counts.as_of,
                bands.grade == counts.grade,
            ],
        )
        .select(
            bands.catalog,
            bands.as_of,
            bands.position,
            bands.grade,
            subjects=counts.subjects.fill_null(0).cast("int64"),
        )
        .order_by(["catalog", "as_of", "position"])
    )


# ------------------------------------------------------------------------------ lists


def _entries(tables: LedgerTables, intervals: ir.Table, days: ir.Table, lines: ir.Table, gaps: ir.Table) -> ir.Table:
    # ``minor`` is null for organisations: only a person under 18 is kept off the lists.
    listing = lines.filter(lines.list.notnull() & ~lines.annulled & ~lines.minor.fill_null(False))

    # The first day the record counts: effective_on or the end of a gap, whichever is
    # earliest of those that come before ends_on and lie inside no gap.
    ends = listing.join(gaps, [listing.record_id == gaps.record_id, gaps.end >= listing.effective_on]).select(
        listing.record_id, day=gaps.end, ends_on=listing.ends_on
    )
    candidates = listing.select(listing.record_id, day=listing.effective_on, ends_on=listing.ends_on).union(
        ends, distinct=False
    )
    candidates = _outside_gaps(candidates.filter(candidates.day < candidates.ends_on), "day", gaps)
    starts = candidates.group_by("record_id").aggregate(start=candidates.day.min())
    placed = listing.join(starts, listing.record_id == starts.record_id).select(listing, starts.start)

    # The list's definition in the version of its catalog in force on the start, else in
    # the latest version that defines it (list ids are global: one catalog defines each).
    lists = tables.lists
    defined = lists.join(
        intervals,
        [lists.catalog_id == intervals.catalog_id, lists.effective_from == intervals.effective_from],
    ).select(
        lists.list,
        lists.duration_months,
        lists.duration_days,
        lists.removal_fulfilment,
        since=intervals.effective_from,
        until=intervals.until,
    )
    latest_of = lists.group_by("list").aggregate(latest=lists.effective_from.max())
    latest = lists.join(latest_of, [lists.list == latest_of.list, lists.effective_from == latest_of.latest]).select(
        lists.list, lists.duration_months, lists.duration_days, lists.removal_fulfilment
    )
    placed = placed.left_join(
        defined,
        [placed.list == defined.list, defined.since <= placed.start, placed.start < defined.until],
    ).select(
        placed,
        found=defined.list.notnull(),
        in_force_months=defined.duration_months,
        in_force_days=defined.duration_days,
        in_force_fulfilment=defined.removal_fulfilment,
    )
    placed = placed.left_join(latest, placed.list == latest.list).select(
        placed,
        latest_months=latest.duration_months,
        latest_days=latest.duration_days,
        latest_fulfilment=latest.removal_fulfilment,
    )
    by_rule = placed.list_duration_months.notnull()
    months = ibis.ifelse(
        by_rule,
        placed.list_duration_months,
        ibis.ifelse(placed.found, placed.in_force_months, placed.latest_months),
    )
    days_ = ibis.ifelse(
        by_rule,
        placed.list_duration_days,
        ibis.ifelse(placed.found, placed.in_force_days, placed.latest_days),
    )
    on_fulfilment = ibis.ifelse(placed.found, placed.in_force_fulfilment, placed.latest_fulfilment).fill_null(False)
    forever = _forever()
    lasts = ibis.ifelse(months.notnull(), after(placed.start, months, days_), forever)
    fulfilled = ibis.ifelse(on_fulfilment & placed.fulfilled_on.notnull(), placed.fulfilled_on, forever)
    placed = placed.mutate(until=ibis.least(lasts, placed.repaired_on.fill_null(forever), fulfilled))
    placed = placed.filter(placed.until > placed.start)

    # In effect on a day: start ≤ D < until, and D in none of the record's gaps.
    effect = placed.join(
        days,
        [
            placed.catalog_id == days.catalog_id,
            placed.start <= days.as_of,
            days.as_of < placed.until,
        ],
    ).select(
        days.catalog_id,
        days.as_of,
        placed.subject_key,
        placed.list,
        placed.record_id,
        placed.rule,
        placed.start,
        placed.until,
    )
    effect = _outside_gaps(effect, "as_of", gaps)
    return effect.select(
        catalog=effect.catalog_id,
        as_of=effect.as_of,
        subject_key=effect.subject_key,
        list=effect.list,
        record_id=effect.record_id,
        rule=effect.rule,
        start=effect.start,
        until=ibis.ifelse(effect.until == forever, ibis.null("date"), effect.until),
    )
