"""Catalogs: load, lint and show the rule catalogs."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from xinyong.domain.catalog.files import CatalogFileError
from xinyong.domain.catalog.lint import Finding
from xinyong.domain.catalog.model import Catalog
from xinyong.domain.scorecard import Scorecard, ScorecardFileError
from xinyong.entrypoints.cli.root import (
    AsJson,
    AsOf,
    configured,
    day_asked,
    deployment_or_exit,
    fail,
    out,
    print_json,
    state,
)
from xinyong.services.catalogs import CatalogLoadError, parse_library_file

catalog_app = typer.Typer(help="Load, lint and show rule catalogs.", no_args_is_help=True)

# ----------------------------------------------------------------------------- catalogs


@catalog_app.command("load")
def catalog_load(
    files: Annotated[list[Path], typer.Argument(help="Catalog TOML files.")],
) -> None:
    """Load catalog versions, all or nothing. Loading an identical version again is a no-op."""
    deployment = deployment_or_exit()
    try:
        outcomes = deployment.catalogs.load(files)
    except CatalogLoadError as error:
        raise fail(f"{escape(str(error))}\nnothing was loaded") from None
    for outcome in outcomes:
        c = outcome.catalog
        verb = "loaded" if outcome.added else "already loaded"
        if isinstance(c, Scorecard):
            out.print(
                f"{verb}: scorecard {c.id} version {c.version} (in force from {c.effective_from}; "
                f"{len(c.features)} features, sources {', '.join(c.sources)}; opt-in, walled off from catalogs)"
            )
            continue
        out.print(
            f"{verb}: {c.id} version {c.version} (in force from {c.effective_from}; "
            f"{len(c.rules)} rules, {len(c.lists)} lists, {len(c.measures)} measures)"
        )


@catalog_app.command("lint")
def catalog_lint(
    files: Annotated[list[Path], typer.Argument(help="Catalog TOML files.")],
    profile: Annotated[
        str, typer.Option("--profile", help="Lint profile: 'default' or 'eu' (EU AI Act art. 5).")
    ] = "default",
    as_json: AsJson = False,
) -> None:
    """Check catalogs against the refused matters and rules of docs/design.md sections 2 and 5.

    Exits non-zero on any error. Catalogs already loaded into --db (if it exists) are
    used to resolve lists that a measure names but another catalog defines."""
    from xinyong.domain.catalog.lint import PROFILES, lint

    if profile not in PROFILES:
        raise fail(f"--profile: {profile!r} is not one of {', '.join(PROFILES)}", 2)
    catalogs: list[tuple[str, Catalog]] = []
    cards: list[tuple[str, Scorecard]] = []
    problems = []
    for path in files:
        try:
            parsed = parse_library_file(path.read_text(encoding="utf-8"), str(path))
        except OSError as error:
            problems.append(f"{path}: cannot read: {error.strerror}")
            continue
        except UnicodeDecodeError:
            problems.append(f"{path}: not UTF-8 text")
            continue
        except (CatalogFileError, ScorecardFileError) as error:
            problems.append(str(error))
            continue
        if isinstance(parsed, Scorecard):
            cards.append((str(path), parsed))
        else:
            catalogs.append((str(path), parsed))
    if problems:
        raise fail("\n".join(problems))
    context, loaded_cards, imported = _loaded_catalogs_if_any()
    linted = {(c.id, c.version) for _, c in catalogs} | {(c.id, c.version) for _, c in cards}
    context = [c for c in context if (c.id, c.version) not in linted]
    scorecards = {c.id for _, c in cards} | set(loaded_cards)
    findings = [
        f
        for f in lint([c for _, c in catalogs] + context, profile, imported, scorecards=scorecards)
        if (f.catalog, f.version) in linted
    ]
    for _, card in cards:
        findings.extend(scorecard_findings(card))
    where = {(c.id, c.version): path for path, c in catalogs} | {(c.id, c.version): path for path, c in cards}
    errors = [f for f in findings if f.severity == "error"]
    if as_json:
        print_json(
            [
                {
                    "file": where[(f.catalog, f.version)],
                    "severity": f.severity,
                    "catalog": f.catalog,
                    "version": f.version,
                    "where": f.where,
                    "code": f.code,
                    "message": f.message,
                }
                for f in findings
            ]
        )
    else:
        for f in findings:
            colour = "red" if f.severity == "error" else "yellow"
            out.print(
                f"{escape(where[(f.catalog, f.version)])}: [{colour}]{f.severity}[/] "
                f"{escape('[' + f.code + ']')} {escape(f.where)}: {escape(f.message)}"
            )
        warnings = len(findings) - len(errors)
        summary = f"{len(files)} file(s), profile {profile}: {len(errors)} error(s), {warnings} warning(s)"
        out.print(("[red]" if errors else "[green]") + summary + "[/]")
    if errors:
        raise typer.Exit(1)


def scorecard_findings(card: Scorecard) -> list[Finding]:
    """Warnings for a scorecard that loads: bins whose points fall as a feature's value
    gets better (a payment on time would lower the score), and texts not translated into
    a language the scorecard declares."""
    found = []
    for index, feature in enumerate(card.features):
        problem = feature.monotone_problem()
        if problem is not None:
            found.append(
                Finding(
                    "warning",
                    card.id,
                    card.version,
                    f"features[{index}].bins",
                    "not-monotone",
                    f"feature {feature.name!r}: {problem}",
                )
            )
    for language, paths in card.missing_translations().items():
        for path in paths:
            found.append(
                Finding(
                    "warning",
                    card.id,
                    card.version,
                    f"translations.{language}",
                    "missing-translation",
                    f"{path!r} has no {language} translation",
                )
            )
    return found


def _loaded_catalogs_if_any():
    """The catalogs loaded into --db, and the foreign lists with a bundle imported there
    (none of either when the database does not exist)."""
    from sqlalchemy.engine import make_url

    from xinyong.adapters.storage.store import database_url

    db = state.db or configured().db
    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).exists()):
        return [], [], set()
    deployment = deployment_or_exit()
    imported = {a.latest.name for a in deployment.federation.lists()}
    return list(deployment.catalogs.registry().all()), deployment.catalogs.scorecards().ids(), imported


@catalog_app.command("show")
def catalog_show(
    catalog_id: Annotated[str | None, typer.Argument(help="Catalog id; all catalogs if omitted.")] = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Show loaded catalogs (and opt-in scorecards), or one catalog's rules, lists and
    measures in force on a day."""
    deployment = deployment_or_exit()
    registry = deployment.catalogs.registry()
    if catalog_id is None:
        table = Table("catalog", "version", "in force from", "kind", "jurisdiction", "rules", title="Loaded catalogs")
        rows = []
        for c in registry.all():
            rows.append(
                {
                    "id": c.id,
                    "version": c.version,
                    "effective_from": c.effective_from.isoformat(),
                    "subject_kind": c.subject_kind,
                    "jurisdiction": c.jurisdiction,
                }
            )
            table.add_row(c.id, c.version, str(c.effective_from), c.subject_kind, c.jurisdiction, str(len(c.rules)))
        cards = deployment.catalogs.scorecards().all()
        scorecards = Table("scorecard", "version", "in force from", "kind", "sources", "purposes", title="Scorecards")
        for card in cards:
            rows.append(
                {
                    "id": card.id,
                    "version": card.version,
                    "effective_from": card.effective_from.isoformat(),
                    "subject_kind": card.subject_kind,
                    "kind": "scorecard",
                    "sources": list(card.sources),
                    "purposes": list(card.purposes),
                }
            )
            scorecards.add_row(
                card.id,
                card.version,
                str(card.effective_from),
                card.subject_kind,
                ", ".join(card.sources),
                ", ".join(card.purposes),
            )
        if as_json:
            print_json(rows)
        else:
            out.print(table)
            if cards:
                out.print(scorecards)
        return
    if catalog_id not in registry:
        raise fail(f"no catalog {catalog_id!r} is loaded; loaded: {', '.join(registry.ids()) or 'none'}")
    day = day_asked(as_of)
    version = registry.in_force(catalog_id, day) or registry.versions(catalog_id)[-1]
    if as_json:
        print_json(version.model_dump(mode="json", exclude_none=True))
        return
    out.print(f"[bold]{version.id}[/] version {version.version}: {version.title or ''}")
    out.print(
        f"in force from {version.effective_from}; {version.subject_kind}s in {version.jurisdiction}; "
        f"base {version.base}; legal basis: {version.legal_basis or '-'}"
    )
    if version.dispute_deadline:
        out.print(f"disputes must be decided within {version.dispute_deadline}")
    grades = ", ".join(f"{g.name} ≥ {g.min}" if g.min is not None else f"{g.name} below" for g in version.grades)
    out.print(f"grades: {grades}")
    rules = Table(
        "rule",
        "category",
        "points",
        "valid for",
        "notice",
        "repair after",
        "cap/yr",
        "list",
        "legal basis",
        title="Rules",
    )
    for name, r in version.rules.items():
        rules.add_row(
            name,
            r.category,
            f"{r.points:+d}",
            str(r.valid_for),
            str(r.notice or "-"),
            str(r.repairable_after or "-"),
            str(r.cap_per_year or "-"),
            r.list or "-",
            r.legal_basis or "-",
        )
    out.print(rules)
    if version.lists:
        lists = Table("list", "kind", "duration", "removal", "title", title="Lists")
        for name, lst in version.lists.items():
            lists.add_row(name, lst.kind, str(lst.duration or "open"), ", ".join(lst.removal) or "-", lst.title or "")
        out.print(lists)
    measures = Table("measure", "when", "action", "effect", "legal basis", title="Measures")
    for i, m in enumerate(version.measures):
        when = f"list {m.when.list}" if m.when.list else "grade " + "/".join(m.when.grades or ())
        effect = m.effect + (f" ({m.benefit})" if m.benefit else "")
        measures.add_row(version.measure_name(i), when, m.action, effect, m.legal_basis or "-")
    out.print(measures)
