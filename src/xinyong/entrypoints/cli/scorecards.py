"""Opt-in scorecards from data: ``xinyong scorecard sample-data`` (a training table from
a synthetic population), ``fit`` (monotonic bins and points with optbinning) and
``audit`` (discrimination, calibration and fairness, as an HTML report). They need the
``scorecards`` extra and never open the database."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from xinyong.domain.calendar import in_range, parse_date
from xinyong.entrypoints.cli.root import err, fail, out, print_json

if TYPE_CHECKING:
    from xinyong.domain.scorecard import Scorecard

scorecard_app = typer.Typer(
    help="Fit an opt-in scorecard from data and audit it (the 'scorecards' extra).", no_args_is_help=True
)

AsJson = Annotated[bool, typer.Option("--json", help="Print the figures as one JSON object.")]


def _progress() -> Progress:
    return Progress(
        SpinnerColumn(),
        TextColumn("[bold]{task.description}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    )


def _batch():
    """The fitting and auditing module, or a clear exit saying how to install its extra."""
    from xinyong.batch import scorecards

    try:
        scorecards.need_extra()
    except scorecards.ExtraMissing as missing:
        raise fail(escape(str(missing)), 2) from None
    return scorecards


def _day(option: str, text: str) -> dt.date:
    try:
        return in_range(parse_date(text))
    except ValueError as error:
        raise fail(f"{option}: {escape(str(error))}", 2) from None


def _scorecard_file(option: str, path: Path) -> Scorecard:
    from xinyong.domain.scorecard import ScorecardFileError, parse_scorecard

    try:
        return parse_scorecard(path.read_text(encoding="utf-8"), str(path))
    except OSError as error:
        raise fail(f"{option}: cannot read {escape(str(path))}: {escape(error.strerror or str(error))}", 2) from None
    except ScorecardFileError as error:
        raise fail(escape(str(error)), 2) from None


def _default_scorecard() -> Path:
    from xinyong.synthetic.demo import sample_catalogs

    return sample_catalogs() / "civic-optin.toml"


@scorecard_app.command("sample-data")
def sample_data(
    out_file: Annotated[Path, typer.Option("--out", help="Parquet file for the table.")],
    persons: Annotated[
        int, typer.Option("--persons", min=1, help="Persons to generate (about 4 in 10 get a row).")
    ] = 20000,
    seed: Annotated[int, typer.Option("--seed", help="The population's seed: the same seed, the same table.")] = 2024,
    as_of: Annotated[str, typer.Option("--as-of", help="The snapshot day of the features, YYYY-MM-DD.")] = "2025-01-01",
    scorecard_path: Annotated[
        Path | None,
        typer.Option("--scorecard", help="The scorecard people consent to (default: the sample civic-optin.toml)."),
    ] = None,
    events_out: Annotated[
        Path | None,
        typer.Option("--events-out", help="Also write the generated events (consents, bills, payments) as JSON lines."),
    ] = None,
    as_json: AsJson = False,
) -> None:
    """A training table from a synthetic population: for each person who consented and
    can be scored on --as-of, the vocabulary's features on that day (docs/design.md
    section 9), the outcome missed_60d_12m (a bill due in the 12 months after it stayed
    unpaid more than 60 days past its due day) and, for audits only, sex and age_band.
    No identity is written."""
    _batch()
    from xinyong.synthetic import training

    day = _day("--as-of", as_of)
    card = _scorecard_file("--scorecard", scorecard_path or _default_scorecard())
    with _progress() as progress:
        task = progress.add_task("generating bills and payments", total=None)
        try:
            records = training.sample_records(persons=persons, seed=seed, as_of=day, scorecard=card)
        except ValueError as refused:  # the payment behaviour names sources the scorecard has not
            progress.stop()
            raise fail(escape(str(refused)), 2) from None
        progress.update(task, description="computing features", total=len(records), completed=0)
        table = training.sample_table(
            records, day, progress=lambda done, total: progress.update(task, completed=done, total=total)
        )
        if events_out is not None:
            from xinyong.synthetic.obligations import events_of

            progress.update(task, description="writing events", total=None)
            with events_out.open("w", encoding="utf-8") as stream:
                for event in events_of(records, card):
                    stream.write(json.dumps(event, ensure_ascii=False) + "\n")
    import pyarrow.parquet as pq

    out_file.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, out_file)
    outcomes = sum(table.column(training.OUTCOME).to_pylist())
    figures = {
        "out": str(out_file),
        "persons": persons,
        "consented": len(records),
        "rows": table.num_rows,
        "outcome": training.OUTCOME,
        "outcomes": outcomes,
        "as_of": day.isoformat(),
        "observed_until": training.outcome_observed(day).isoformat(),
        "columns": table.column_names,
    }
    if as_json:
        print_json(figures)
        return
    share = f"{outcomes / table.num_rows:.1%}" if table.num_rows else "-"
    out.print(
        f"{table.num_rows} rows ({len(records)} of {persons} persons consented) on {day}, "
        f"{outcomes} ({share}) with {training.OUTCOME} = 1, to {escape(str(out_file))}"
    )


@scorecard_app.command("fit")
def fit(
    data: Annotated[Path, typer.Argument(help="Parquet (or CSV) table: feature columns and a 0/1 outcome.")],
    target: Annotated[str, typer.Option("--target", help="The outcome column: 1 when the person missed a payment.")],
    out_file: Annotated[Path, typer.Option("--out", help="The scorecard file to write (TOML).")],
    ignore: Annotated[
        list[str] | None,
        typer.Option("--ignore", help="A column never used for fitting (a group column for the audit); repeatable."),
    ] = None,
    scorecard_id: Annotated[str, typer.Option("--id", help="The scorecard's id.")] = "fitted-optin",
    title: Annotated[str | None, typer.Option("--title", help="Its title in English (with --title-zh).")] = None,
    title_zh: Annotated[str | None, typer.Option("--title-zh", help="Its title in Chinese (with --title).")] = None,
    version: Annotated[str | None, typer.Option("--version", help="Its version (default: --effective-from).")] = None,
    score_range: Annotated[tuple[int, int], typer.Option("--range", help="The lowest and highest score.")] = (350, 950),
    pdo: Annotated[
        float | None,
        typer.Option("--pdo", help="Points to double the odds (default: the most that keep every score in range)."),
    ] = None,
    base_odds: Annotated[float, typer.Option("--base-odds", help="Odds of paying to missing at --base-score.")] = 20.0,
    base_score: Annotated[
        int | None,
        typer.Option(
            "--base-score", help="The score at --base-odds (default: five twelfths up the range, 600 of 350–950)."
        ),
    ] = None,
    like_path: Annotated[
        Path | None,
        typer.Option(
            "--like",
            help="A scorecard to take sources, purposes and the sources' names from (default: the sample "
            "civic-optin.toml).",
        ),
    ] = None,
    sources: Annotated[
        str | None, typer.Option("--sources", help="Sources it may read, comma-separated (default: --like's).")
    ] = None,
    purposes: Annotated[
        str | None,
        typer.Option("--purposes", help="Purposes a lender may read it for, comma-separated (default: --like's)."),
    ] = None,
    effective_from: Annotated[str, typer.Option("--effective-from", help="YYYY-MM-DD.")] = "2026-01-01",
    bands: Annotated[
        str,
        typer.Option(
            "--bands",
            help="Bands highest first, NAME=FLOOR, the last NAME alone; a FLOOR is a score (700) or the odds of "
            "paying at which the band begins (30:1).",
        ),
    ] = "excellent=30:1,good=15:1,fair=6:1,poor",
    test_share: Annotated[float, typer.Option("--test-share", help="The share of rows held out.")] = 0.3,
    seed: Annotated[int, typer.Option("--seed", help="The seed of the split into fitted and held-out rows.")] = 2024,
    max_bins: Annotated[int, typer.Option("--max-bins", min=2, help="The most bins a feature gets.")] = 5,
    as_json: AsJson = False,
) -> None:
    """Learn a scorecard from DATA: monotonic bins for each feature of the vocabulary
    (optbinning; each rises in the feature's better direction), points by
    points-to-double-the-odds scaling inside --range, and a file that `catalog load`
    accepts, in English and Chinese. Prints AUC, KS and Gini on the fitted and the
    held-out rows. Any column not in the vocabulary is refused unless it is --target or
    named with --ignore."""
    scorecards = _batch()
    model = _scorecard_file("--like", like_path or _default_scorecard())
    taken = scorecards.like(model, _names("--sources", sources) if sources is not None else None)
    options = scorecards.FitOptions(
        target=target,
        ignore=tuple(ignore or ()),
        id=scorecard_id,
        title=title,
        title_zh=title_zh,
        version=version,
        range=score_range,
        base_score=base_score,
        base_odds=base_odds,
        pdo=pdo,
        sources=taken["sources"],
        purposes=_names("--purposes", purposes) if purposes is not None else taken["purposes"],
        source_names=taken["source_names"],
        effective_from=_day("--effective-from", effective_from),
        bands=_bands(bands),
        test_share=test_share,
        seed=seed,
        max_bins=max_bins,
    )
    from xinyong.domain.scorecard import ScorecardFileError

    with _progress() as progress:
        task = progress.add_task("reading", total=None)
        try:
            table = scorecards.read_table(data)
            result = scorecards.fit_scorecard(
                table, options, phase=lambda name: progress.update(task, description=name), source=data.name
            )
        except (scorecards.ScorecardDataError, ScorecardFileError) as error:
            progress.stop()
            raise fail(escape(str(error)), 2) from None
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(result.text, encoding="utf-8")
    if as_json:
        print_json({"out": str(out_file), **result.as_dict()})
        return
    table_out = Table("feature", "bins (below)", "points", "IV", title=f"{result.scorecard.id} → {out_file}")
    for feature in result.features:
        splits = ", ".join(f"{s:g}" for s in feature.splits)
        table_out.add_row(feature.name, splits, " ".join(f"{p:+d}" for p in feature.points), f"{feature.iv:.3f}")
    out.print(table_out)
    out.print(
        f"base {result.scorecard.base}, {result.base_score} points at odds {result.base_odds:g}:1, "
        f"pdo {result.pdo:g}, range {result.scorecard.range[0]}–{result.scorecard.range[1]}"
    )
    for name, figures in (("fitted", result.train), ("held out", result.test)):
        out.print(
            f"{name}: {figures.rows} rows, {figures.events} outcomes: AUC {figures.auc:.4f}, "
            f"KS {figures.ks:.4f}, Gini {figures.gini:.4f}"
        )
    for name, why in result.dropped.items():
        out.print(f"left out {name}: {why}")
    for note in result.notes:
        out.print(f"note: {escape(note)}")


def _names(option: str, text: str) -> tuple[str, ...]:
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise fail(f"{option}: name at least one", 2)
    return names


def _bands(text: str) -> tuple[tuple[str, str | None], ...]:
    found: list[tuple[str, str | None]] = []
    for part in (p.strip() for p in text.split(",")):
        name, _, floor = part.partition("=")
        if not name.strip():
            raise fail(f"--bands: {escape(text)!r}: each band is NAME=FLOOR, the last NAME alone", 2)
        found.append((name.strip(), floor.strip() or None))
    return tuple(found)


@scorecard_app.command("audit")
def audit(
    data: Annotated[Path, typer.Argument(help="Parquet (or CSV) table: the scorecard's features and a group column.")],
    scorecard_path: Annotated[Path, typer.Option("--scorecard", help="The scorecard file to audit.")],
    group: Annotated[str, typer.Option("--group", help="The column of groups to compare (read for the audit only).")],
    out_file: Annotated[Path, typer.Option("--out", help="The HTML report to write.")],
    target: Annotated[
        str | None, typer.Option("--target", help="The 0/1 outcome column (1: missed a payment).")
    ] = None,
    approve_from: Annotated[
        str | None,
        typer.Option("--approve-from", help="The lowest band approved (default: the band above the lowest)."),
    ] = None,
    language: Annotated[str, typer.Option("--lang", help="The report's language: en or zh-CN.")] = "en",
    as_json: AsJson = False,
) -> None:
    """Score every row of DATA with the scorecard and report how it ranks and whom it
    approves: AUC, KS and Gini, the observed outcome rate by band, and by --group the
    approval rates, the disparate-impact ratio and the equalised-odds differences
    (fairlearn). Writes a self-contained HTML report with charts; --json prints the
    figures."""
    scorecards = _batch()
    from xinyong.batch.scorecard_report import render_report

    if language not in scorecards.LANGUAGES:
        raise fail(f"--lang: one of {', '.join(scorecards.LANGUAGES)}", 2)
    card = _scorecard_file("--scorecard", scorecard_path)
    with _progress() as progress:
        task = progress.add_task("scoring", total=None)
        try:
            table = scorecards.read_table(data)
            progress.update(task, description=f"scoring {table.num_rows} rows")
            report = scorecards.audit_scorecard(
                table, card, group=group, target=target, approve_from=approve_from, data=data.name
            )
        except scorecards.ScorecardDataError as error:
            progress.stop()
            raise fail(escape(str(error)), 2) from None
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(render_report(report, language), encoding="utf-8")
    if as_json:
        print_json({"out": str(out_file), **report.as_dict()})
        return
    found = report.discrimination
    if found is not None:
        out.print(
            f"{report.rows} rows, {found.events} outcomes: "
            f"AUC {found.auc:.4f}, KS {found.ks:.4f}, Gini {found.gini:.4f}"
        )
    bands = Table("band", "from", "rows", "observed rate", title=f"{card.id} {card.version} by band")
    for band in report.bands:
        bands.add_row(
            band.band,
            "-" if band.min is None else f"{band.min:g}",
            str(band.rows),
            "-" if band.rate is None else f"{band.rate:.1%}",
        )
    out.print(bands)
    if report.calibration_monotone is not None:
        out.print("calibration: " + ("monotone" if report.calibration_monotone else "NOT monotone"))
    groups = Table("group", "rows", "approved", "rate", title=f"approved from {report.approve_from}, by {group}")
    for figures in report.groups:
        groups.add_row(figures.group, str(figures.rows), str(figures.approved), f"{figures.approval_rate:.1%}")
    out.print(groups)
    line = f"disparate-impact ratio {report.demographic_parity_ratio:.3f}"
    if report.equalized_odds_difference is not None:
        line += f", equalised-odds difference {report.equalized_odds_difference:.3f}"
    out.print(line)
    out.print(f"report: {escape(str(out_file))}")
