"""Rescoring everyone: DESIGN.md section 4 as one dataframe job, written once in Ibis.

:func:`rescore` builds, without running anything, the expressions that give every
subject of a catalog's kind its score, grade, coverage and list entries on each of a
set of days, over the tables of an export (:mod:`xinyong.batch.export`). The same
expressions run on DuckDB on one machine and on Apache Spark on a cluster
(:mod:`xinyong.batch.engines`). They mirror :mod:`xinyong.standing` rule for rule, and
the tests hold them to its answers on both engines.

The job is set-based: each step is a join, an anti-join or a grouping over whole tables.

- The version of a catalog in force on a day is found by a range join on the versions'
  intervals ``[effective_from, next effective_from)``.
- A record's rule is the one in the version in force on ``occurred_on``;
  ``effective_on = decided_on + notice`` and ``expires_on = effective_on + valid_for``.
  Durations are ``(months, days)``: months first, clamped to the month's end, then days.
  Both engines clamp when a date is moved by a month interval (pinned by the tests), so
  the job uses their own interval arithmetic.
- ``ends_on`` is the earliest of ``expires_on``, a repair, and a fulfilment when the
  rule restores on fulfilment. An ``annulled`` event or a dispute resolved ``annulled``
  means the record never counts.
- Disputes are the n-th filing of a record paired with its n-th decision (one dispute
  is open at a time). A filing before ``effective_on`` suspends the record over
  ``[filed_on, resolved_on)``; a dispute deadline (of the version in force on the filing
  day) takes it out over ``[filed_on + deadline, resolved_on)``. These are the record's
  gaps; an unresolved dispute's gap is open-ended.
- A record counts on D when ``effective_on ≤ D < ends_on`` and D is in none of its gaps.
- Points on D: the larger of the rule's points then and in the version in force on D; a
  rule dropped by that version counts 0 for a penalty, its points for a reward.
- Caps are per subject, rule and calendar year of ``occurred_on``: the cap of the
  version in force on D, or, when it dropped the rule, none if any record of the group
  was made under a rule without cap, else the largest of theirs.
- The score is the D version's base plus the capped sum; the grade is the band with the
  highest ``min`` not above it, else the open band, else the lowest.
- A list entry starts on the first day its record counts: the least of ``effective_on``
  and the gap ends at or after it that fall before ``ends_on`` and inside no gap. No
  entry for an annulled record or for a person under 18 on ``occurred_on``. It lasts the
  rule's ``list_duration`` or the list's duration in the version of its catalog in force
  on the start (open without either), ends early on repair and on fulfilment when the
  list allows it, and is dropped when it would end on or before its start. It is in
  effect on D when ``start ≤ D < until`` and D is in none of the record's gaps.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import ibis
import ibis.expr.types as ir

FOREVER = dt.date(9999, 12, 31)  # stands for "no end" inside the job; never output


@dataclass(frozen=True)
class LedgerTables:
    """The tables of an export, as Ibis tables on one backend."""

    records: ir.Table
    events: ir.Table
    subjects: ir.Table
    versions: ir.Table
    rules: ir.Table
    lists: ir.Table
    grades: ir.Table


@dataclass(frozen=True)
class Rescoring:
    """The job's results, as unexecuted expressions.

    ``standings``: one row per subject of the catalog's kind and day —
    ``subject_key, as_of, catalog, version, score, grade, covered, counting`` (the number
    of records that count). ``entries``: the list entries in effect, one row per entry
    and day — ``subject_key, as_of, list, record_id, rule, start, until`` (``until`` null
    when open). ``distribution``: ``as_of, position, grade, subjects``, every band of the
    version in force, highest first."""

    standings: ir.Table
    entries: ir.Table
    distribution: ir.Table


def _forever() -> ir.DateScalar:
    return ibis.literal(FOREVER, type="date")


def after(day: ir.DateValue, months: ir.IntegerValue, days: ir.IntegerValue) -> ir.DateValue:
    """``day`` plus a duration of ``months`` and ``days`` (nulls count as 0): months
    first, clamped to the end of the month, then days — :meth:`Duration.after`."""
    months = months.fill_null(0).cast("int32")
    days = days.fill_null(0).cast("int32")
    return (day + months.as_interval("M")) + days.as_interval("D")


def _intervals(versions: ir.Table) -> ir.Table:
    """Each catalog version with the day the next one takes effect (``until``)."""
    w = ibis.window(group_by=versions.catalog_id, order_by=versions.effective_from)
    return versions.mutate(until=versions.effective_from.lead().over(w).fill_null(_forever()))


def _in_force(intervals: ir.Table, catalog_id: str) -> ir.Table:
    return intervals.filter(intervals.catalog_id == catalog_id)


def _age_on(born: ir.DateValue, day: ir.DateValue) -> ir.IntegerValue:
    """Whole years of age on ``day`` (as :meth:`SubjectRef.age_on`, not via P18Y, which
    would clamp a 29 February birthday)."""
    before_birthday = (day.month() < born.month()) | (
        (day.month() == born.month()) & (day.day() < born.day())
    )
    return day.year() - born.year() - before_birthday.cast("int32")


def rescore(
    tables: LedgerTables,
    catalog_id: str,
    days: Iterable[dt.date],
    *,
    stage: Callable[[ir.Table], ir.Table] | None = None,
) -> Rescoring:
    """Score, grade, coverage and list entries of every subject of ``catalog_id``'s kind
    on each of ``days``. Days on which no version of the catalog is in force give no
    rows; callers check the question first (:func:`xinyong.batch.job.check_question`).

    ``stage`` is applied to the intermediate tables that several outputs share (every
    record's timeline and gaps, the days with their versions): ``Table.cache`` keeps
    each computed once, which spares Spark a plan that repeats them many times. By
    default they are left inline, and nothing runs until an output is asked for."""
    keep = stage or (lambda table: table)
    days = sorted(set(days))
    if not days:
        raise ValueError("rescore needs at least one day")
    intervals = _intervals(tables.versions)
    mine = _in_force(intervals, catalog_id)
    rules = tables.rules.filter(tables.rules.catalog_id == catalog_id)
    grades = tables.grades.filter(tables.grades.catalog_id == catalog_id)

    # The days asked about, with the version in force on each.
    asked = ibis.memtable({"as_of": days}, schema={"as_of": "date"})
    day_versions = asked.join(
        mine, [mine.effective_from <= asked.as_of, asked.as_of < mine.until]
    ).select(
        asked.as_of,
        d_effective_from=mine.effective_from,
        d_version=mine.version,
        base=mine.base,
        catalog_jurisdiction=mine.jurisdiction,
    )

    day_versions = keep(day_versions)
    lines, gaps = _timelines(tables, catalog_id, mine, rules)
    lines, gaps = keep(lines), keep(gaps)
    standings = _standings(tables, catalog_id, day_versions, lines, gaps, rules, grades)
    entries = _entries(tables, intervals, day_versions, lines, gaps)
    distribution = grade_distribution(standings, tables, catalog_id)
    return Rescoring(standings=standings, entries=entries, distribution=distribution)


# ---------------------------------------------------------------------------- records


def _timelines(
    tables: LedgerTables, catalog_id: str, mine: ir.Table, rules: ir.Table
) -> tuple[ir.Table, ir.Table]:
    """Every record of the catalog with its window, end and flags; and its gaps."""
    records = tables.records.filter(tables.records.catalog_id == catalog_id)
    events = tables.events.filter(tables.events.catalog_id == catalog_id)

    # The rule in force when the act happened.
    made = records.join(
        mine, [mine.effective_from <= records.occurred_on, records.occurred_on < mine.until]
    ).select(records, occ_effective_from=mine.effective_from)
    ruled = made.join(
        rules, [rules.effective_from == made.occ_effective_from, rules.rule == made.rule]
    ).select(
        made.record_id,
        made.subject_key,
        made.kind,
        made.birth_date,
        made.rule,
        made.occurred_on,
        made.decided_on,
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
    ruled = ruled.mutate(
        expires_on=after(ruled.effective_on, ruled.valid_for_months, ruled.valid_for_days)
    ).drop("valid_for_months", "valid_for_days")

    annulling = (events.type == "annulled") | (
        (events.type == "dispute_resolved") & (events.outcome == "annulled")
    )
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
        filings.record_id, filed_on=filings.on, n=ibis.row_number().over(by_record)
    )
    decisions = events.filter(events.type == "dispute_resolved")
    decisions = decisions.select(
        decisions.record_id, resolved_on=decisions.on, n=ibis.row_number().over(by_record)
    )
    disputes = filings.left_join(
        decisions, [filings.record_id == decisions.record_id, filings.n == decisions.n]
    ).select(filings.record_id, filings.filed_on, decisions.resolved_on)
    # The deadline of the version in force on the filing day.
    disputes = disputes.join(
        mine, [mine.effective_from <= disputes.filed_on, disputes.filed_on < mine.until]
    ).select(
        disputes,
        deadline=ibis.ifelse(
            mine.dispute_deadline_months.notnull(),
            after(disputes.filed_on, mine.dispute_deadline_months, mine.dispute_deadline_days),
            ibis.null("date"),
        ),
    )
    disputes = disputes.join(lines, disputes.record_id == lines.record_id).select(
        disputes, lines.effective_on
    )
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


def _outside_gaps(rows: ir.Table, day: str, gaps: ir.Table) -> ir.Table:
    """The rows whose day (column ``day``) lies in none of their record's gaps."""
    return rows.anti_join(
        gaps,
        [rows.record_id == gaps.record_id, gaps.start <= rows[day], rows[day] < gaps.end],
    )


# ----------------------------------------------------------------------------- scores


def _standings(
    tables: LedgerTables,
    catalog_id: str,
    day_versions: ir.Table,
    lines: ir.Table,
    gaps: ir.Table,
    rules: ir.Table,
    grades: ir.Table,
) -> ir.Table:
    live = lines.filter(~lines.annulled)
    counting = live.join(
        day_versions,
        [live.effective_on <= day_versions.as_of, day_versions.as_of < live.ends_on],
    ).select(
        live.record_id,
        live.subject_key,
        live.rule,
        live.occurred_on,
        live.then_points,
        live.then_cap,
        day_versions.as_of,
        day_versions.d_effective_from,
    )
    counting = _outside_gaps(counting, "as_of", gaps)

    # The more favourable rule: then, or in the version in force on the day.
    now = counting.left_join(
        rules,
        [rules.effective_from == counting.d_effective_from, rules.rule == counting.rule],
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

    groups = now.group_by(["subject_key", "as_of", "rule", "year"]).aggregate(
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
    sums = groups.group_by(["subject_key", "as_of"]).aggregate(
        points=groups.share.sum(), counting=groups.records.sum()
    )

    # Every subject of the catalog's kind: those with a subject event or any record.
    kinds = tables.versions.filter(tables.versions.catalog_id == catalog_id).select(
        "subject_kind"
    ).distinct()
    known = (
        tables.subjects.select("subject_key", "kind")
        .union(tables.records.select("subject_key", "kind"), distinct=True)
    )
    everyone = known.join(kinds, known.kind == kinds.subject_kind).select(known.subject_key)
    everyone = everyone.left_join(
        tables.subjects, everyone.subject_key == tables.subjects.subject_key
    ).select(everyone.subject_key, tables.subjects.jurisdiction)

    scored = everyone.cross_join(day_versions).select(
        everyone.subject_key,
        everyone.jurisdiction,
        day_versions.as_of,
        day_versions.d_effective_from,
        day_versions.d_version,
        day_versions.base,
        day_versions.catalog_jurisdiction,
    )
    scored = scored.left_join(
        sums, [scored.subject_key == sums.subject_key, scored.as_of == sums.as_of]
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
    reached = scored.join(
        grades,
        [
            grades.effective_from == scored.d_effective_from,
            grades["min"].notnull(),
            grades["min"] <= scored.score,
        ],
    ).select(scored.subject_key, scored.as_of, grades.grade, grades["min"])
    best = reached.group_by(["subject_key", "as_of"]).aggregate(
        grade=reached.grade.argmax(reached["min"])
    )
    fallback = grades.group_by("effective_from").aggregate(
        open_band=grades.grade.max(where=grades["min"].isnull()),
        lowest=grades.grade.argmax(grades.position),
    )
    graded = scored.left_join(
        best, [scored.subject_key == best.subject_key, scored.as_of == best.as_of]
    ).select(scored, best_grade=best.grade)
    graded = graded.left_join(fallback, graded.d_effective_from == fallback.effective_from).select(
        graded.subject_key,
        graded.as_of,
        catalog=ibis.literal(catalog_id, type="string"),
        version=graded.d_version,
        score=graded.score,
        grade=ibis.coalesce(graded.best_grade, fallback.open_band, fallback.lowest),
        covered=graded.covered,
        counting=graded.counting,
    )
    return graded


def grade_distribution(standings: ir.Table, tables: LedgerTables, catalog_id: str) -> ir.Table:
    """How many subjects are in each band of the version in force, per day:
    ``as_of, position, grade, subjects``, highest band first. ``standings`` is
    :attr:`Rescoring.standings` or the table it was written to."""
    grades = tables.grades.filter(tables.grades.catalog_id == catalog_id)
    counts = standings.group_by(["as_of", "version", "grade"]).aggregate(subjects=standings.count())
    days = standings.select("as_of", "version").distinct()
    bands = days.join(grades, days.version == grades.version).select(
        days.as_of, days.version, grades.position, grades.grade
    )
    return (
        bands.left_join(
            counts,
            [bands.as_of == counts.as_of, bands.version == counts.version, bands.grade == counts.grade],
        )
        .select(
            bands.as_of,
            bands.position,
            bands.grade,
            subjects=counts.subjects.fill_null(0).cast("int64"),
        )
        .order_by(["as_of", "position"])
    )


# ------------------------------------------------------------------------------ lists


def _entries(
    tables: LedgerTables,
    intervals: ir.Table,
    day_versions: ir.Table,
    lines: ir.Table,
    gaps: ir.Table,
) -> ir.Table:
    adult = lines.birth_date.isnull() | (_age_on(lines.birth_date, lines.occurred_on) >= 18)
    listing = lines.filter(lines.list.notnull() & ~lines.annulled & adult)

    # The first day the record counts: effective_on or the end of a gap, whichever is
    # earliest of those that come before ends_on and lie inside no gap.
    ends = listing.join(
        gaps, [listing.record_id == gaps.record_id, gaps.end >= listing.effective_on]
    ).select(listing.record_id, day=gaps.end, ends_on=listing.ends_on)
    candidates = listing.select(
        listing.record_id, day=listing.effective_on, ends_on=listing.ends_on
    ).union(ends, distinct=False)
    candidates = _outside_gaps(candidates.filter(candidates.day < candidates.ends_on), "day", gaps)
    starts = candidates.group_by("record_id").aggregate(start=candidates.day.min())
    placed = listing.join(starts, listing.record_id == starts.record_id).select(
        listing, starts.start
    )

    # The list's definition in the version of its catalog in force on the start, else
    # in the latest version that defines it.
    defined = tables.lists.join(
        intervals,
        [
            tables.lists.catalog_id == intervals.catalog_id,
            tables.lists.effective_from == intervals.effective_from,
        ],
    ).select(
        tables.lists.list,
        tables.lists.duration_months,
        tables.lists.duration_days,
        tables.lists.removal_fulfilment,
        from_=intervals.effective_from,
        until=intervals.until,
    )
    latest_of = tables.lists.group_by("list").aggregate(latest=tables.lists.effective_from.max())
    latest = tables.lists.join(
        latest_of,
        [tables.lists.list == latest_of.list, tables.lists.effective_from == latest_of.latest],
    ).select(
        tables.lists.list,
        tables.lists.duration_months,
        tables.lists.duration_days,
        tables.lists.removal_fulfilment,
    )
    placed = placed.left_join(
        defined,
        [placed.list == defined.list, defined.from_ <= placed.start, placed.start < defined.until],
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
    rule_has = placed.list_duration_months.notnull()
    months = ibis.ifelse(
        rule_has,
        placed.list_duration_months,
        ibis.ifelse(placed.found, placed.in_force_months, placed.latest_months),
    )
    days = ibis.ifelse(
        rule_has,
        placed.list_duration_days,
        ibis.ifelse(placed.found, placed.in_force_days, placed.latest_days),
    )
    on_fulfilment = ibis.ifelse(
        placed.found, placed.in_force_fulfilment, placed.latest_fulfilment
    ).fill_null(False)
    forever = _forever()
    lasts = ibis.ifelse(months.notnull(), after(placed.start, months, days), forever)
    fulfilled = ibis.ifelse(
        on_fulfilment & placed.fulfilled_on.notnull(), placed.fulfilled_on, forever
    )
    placed = placed.mutate(
        until=ibis.least(lasts, placed.repaired_on.fill_null(forever), fulfilled)
    )
    placed = placed.filter(placed.until > placed.start)

    # In effect on a day: start ≤ D < until, and D in none of the record's gaps.
    effect = placed.join(
        day_versions,
        [placed.start <= day_versions.as_of, day_versions.as_of < placed.until],
    ).select(
        placed.subject_key,
        day_versions.as_of,
        placed.list,
        placed.record_id,
        placed.rule,
        placed.start,
        placed.until,
    )
    effect = _outside_gaps(effect, "as_of", gaps)
    return effect.select(
        effect.subject_key,
        effect.as_of,
        effect.list,
        effect.record_id,
        effect.rule,
        effect.start,
        until=ibis.ifelse(effect.until == forever, ibis.null("date"), effect.until),
    )
