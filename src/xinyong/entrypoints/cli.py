"""The command line: ``xinyong --db PATH COMMAND``.

Every command is a thin adapter: it parses its arguments, calls one service of the
deployment, and prints the answer, readable by default and as JSON with ``--json``."""

from __future__ import annotations

import datetime as dt
import io
import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from xinyong.adapters.event_files import BATCH_EXTRA
from xinyong.domain import calendar
from xinyong.domain.calendar import in_range, parse_date
from xinyong.domain.catalog.files import CatalogFileError, read_catalog
from xinyong.domain.identifiers import InvalidIdentifier, SubjectRef
from xinyong.domain.standing import CheckDecision, NotInForce, Standing
from xinyong.services.catalogs import CatalogLoadError
from xinyong.services.inquiries import check_json, standing_json
from xinyong.services.intake import ImportRefused

app = typer.Typer(
    name="xinyong",
    help="Xinyong: credit records with due process. Every point explained.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
catalog_app = typer.Typer(help="Load, lint and show rule catalogs.", no_args_is_help=True)
ledger_app = typer.Typer(help="Audit the ledger.", no_args_is_help=True)
app.add_typer(catalog_app, name="catalog")
app.add_typer(ledger_app, name="ledger")

out = Console(highlight=False, soft_wrap=True)
err = Console(stderr=True, highlight=False, soft_wrap=True)


class _State:
    db: str | None = None


state = _State()


def _print_version(given: bool) -> None:
    if given:
        from importlib.metadata import version

        out.print(f"xinyong {version('xinyong')}", markup=False)
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool,
        typer.Option("--version", help="Print the version and exit.", callback=_print_version, is_eager=True),
    ] = False,
    db: Annotated[
        str | None,
        typer.Option(
            "--db",
            help="SQLite file or database URL (default: $XINYONG_DB, else xinyong.db).",
            envvar="XINYONG_DB",
        ),
    ] = None,
) -> None:
    state.db = db


def _deployment():
    from xinyong.adapters.storage.sealing import KeyError_
    from xinyong.bootstrap import open_deployment

    try:
        return open_deployment(state.db)
    except KeyError_ as refused:
        raise fail(escape(str(refused)), 3) from None


def fail(message: str, code: int = 1) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", markup=True)
    return typer.Exit(code)


def _subject(text: str) -> SubjectRef:
    try:
        return SubjectRef.parse(text)
    except InvalidIdentifier as error:
        raise fail(str(error), 2) from None


def _as_of(text: str | None) -> dt.date:
    if text is None:
        return calendar.today()
    try:
        return in_range(parse_date(text))
    except ValueError as error:
        raise fail(f"--as-of: {error}", 2) from None


def _print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False) + "\n")


AsOf = Annotated[str | None, typer.Option("--as-of", help="The day asked about, YYYY-MM-DD (default: today).")]
AsJson = Annotated[bool, typer.Option("--json", help="Print the JSON object of docs/design.md section 6.")]
Lang = Annotated[str, typer.Option("--lang", help="The language of notices and the outlook: en or zh-CN.")]


# ----------------------------------------------------------------------------- catalogs


@catalog_app.command("load")
def catalog_load(
    files: Annotated[list[Path], typer.Argument(help="Catalog TOML files.")],
) -> None:
    """Load catalog versions, all or nothing. Loading an identical version again is a no-op."""
    deployment = _deployment()
    try:
        outcomes = deployment.catalogs.load(files)
    except CatalogLoadError as error:
        raise fail(f"{escape(str(error))}\nnothing was loaded") from None
    for outcome in outcomes:
        c = outcome.catalog
        verb = "loaded" if outcome.added else "already loaded"
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
    catalogs = []
    problems = []
    for path in files:
        try:
            catalogs.append((str(path), read_catalog(path)))
        except CatalogFileError as error:
            problems.append(str(error))
    if problems:
        raise fail("\n".join(problems))
    context = _loaded_catalogs_if_any()
    linted = {(c.id, c.version) for _, c in catalogs}
    context = [c for c in context if (c.id, c.version) not in linted]
    findings = [f for f in lint([c for _, c in catalogs] + context, profile) if (f.catalog, f.version) in linted]
    where = {(c.id, c.version): path for path, c in catalogs}
    errors = [f for f in findings if f.severity == "error"]
    if as_json:
        _print_json(
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


def _loaded_catalogs_if_any():
    from sqlalchemy.engine import make_url

    from xinyong.adapters.storage.store import database_url
    from xinyong.settings import Settings

    db = state.db or Settings.from_environment().db
    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite" and not (url.database and Path(url.database).exists()):
        return []
    return list(_deployment().catalogs.registry().all())


@catalog_app.command("show")
def catalog_show(
    catalog_id: Annotated[str | None, typer.Argument(help="Catalog id; all catalogs if omitted.")] = None,
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """Show loaded catalogs, or one catalog's rules, lists and measures in force on a day."""
    registry = _deployment().catalogs.registry()
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
        _print_json(rows) if as_json else out.print(table)
        return
    if catalog_id not in registry:
        raise fail(f"no catalog {catalog_id!r} is loaded; loaded: {', '.join(registry.ids()) or 'none'}")
    day = _as_of(as_of)
    version = registry.in_force(catalog_id, day) or registry.versions(catalog_id)[-1]
    if as_json:
        _print_json(version.model_dump(mode="json", exclude_none=True))
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


# ------------------------------------------------------------------------------- import


def _first_line_not_utf8(path: Path) -> str:
    """Where a file stops being UTF-8: ``FILE:LINE: not valid UTF-8 (...)``."""
    with path.open("rb") as raw:
        for number, line in enumerate(raw, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as error:
                return (
                    f"{path}:{number}: not valid UTF-8: byte 0x{line[error.start]:02x} "
                    f"at byte {error.start + 1} of the line"
                )
    return f"{path}: not valid UTF-8"


@app.command("import")
def import_events(
    file: Annotated[
        Path, typer.Argument(help="Events: JSON Lines, CSV or Parquet ('-' for JSON Lines on standard input).")
    ],
    skip_invalid: Annotated[
        bool, typer.Option("--skip-invalid", help="Write the good lines; put the bad ones in a rejects file.")
    ] = False,
    rejects: Annotated[
        Path | None,
        typer.Option("--rejects", help="Where bad lines go with --skip-invalid (default: FILE.rejects.jsonl)."),
    ] = None,
    file_format: Annotated[
        str | None, typer.Option("--format", help="jsonl, csv or parquet (default: from the file's extension).")
    ] = None,
) -> None:
    """Apply events in file order, in one transaction: a bad line is reported with its
    number and nothing of the file is written. Re-importing the same file is a no-op.
    Files of any size stream through in batches."""
    from xinyong.adapters.event_files import EventFileError, open_event_file
    from xinyong.domain.events import parse_lines

    if str(file) == "-":
        # Bytes that are not UTF-8 reach parse_event_line as lone surrogates, which it
        # refuses with the line's number, like any other bad line.
        stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="surrogateescape")
        events, total = parse_lines(stdin), None
    else:
        try:
            source = open_event_file(file, file_format)
        except EventFileError as error:
            raise fail(str(error), 2) from None
        events, total = source.events(), source.total
    deployment = _deployment()
    target = rejects or Path(f"{file}.rejects.jsonl")
    handle = None

    def on_reject(r) -> None:
        nonlocal handle
        if skip_invalid:
            if handle is None:
                handle = target.open("w", encoding="utf-8", errors="backslashreplace")
            handle.write(json.dumps({"line": r.line, "reason": r.reason, "text": r.text}, ensure_ascii=False) + "\n")

    with Progress(
        TextColumn("[bold]importing[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TaskProgressColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("import", total=total, rate="")
        started = time.perf_counter()

        def advance(done: int) -> None:
            rate = done / max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=done, rate=f"{rate:,.0f} events/s")

        try:
            result = deployment.intake.apply(events, skip_invalid=skip_invalid, progress=advance, on_reject=on_reject)
        except ImportRefused as refused:
            progress.stop()
            for r in refused.rejections[:20]:
                err.print(f"{file}:{r.line}: {r.reason}", markup=False)
            if refused.count > 20:
                err.print(f"... and {refused.count - 20} more bad lines")
            raise fail(
                f"{refused.count} bad line(s) in {file}; nothing was written "
                "(use --skip-invalid to write the good lines)"
            ) from None
        except EventFileError as error:
            raise fail(f"{error}; nothing was written") from None
        except UnicodeDecodeError:
            progress.stop()
            raise fail(f"{_first_line_not_utf8(file)}; nothing was written") from None
        finally:
            if handle is not None:
                handle.close()
    if result.rejected_count:
        err.print(f"{result.rejected_count} bad line(s) skipped; written to {target}")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(result.written_by_type.items())) or "nothing new"
    out.print(
        f"{file}: {result.read} event(s) read, {result.written} written ({kinds}), {result.unchanged} already applied"
    )


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
        else:
            why = f"grade {t['grade']} (score {t['score']})"
        benefit = f": {r.benefit}" if r.benefit else ""
        out.print(
            f"- {r.effect}{benefit} by {r.catalog} {r.measure} ({r.action}) because {why}; legal basis: {r.legal_basis}"
        )
    if decision.decision != "allow":
        from xinyong import messages
        from xinyong.services.inquiries import HOW_TO_DISPUTE

        out.print(messages.render(HOW_TO_DISPUTE, {}, "en", "api"))


@app.command("score")
def score(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    catalog: Annotated[str, typer.Option("--catalog", help="Catalog id.")],
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """A subject's score, grade, contributions and list entries under a catalog on a day."""
    ref, day = _subject(subject), _as_of(as_of)
    try:
        answer = _deployment().inquiries.standing(ref, catalog, day)
    except NotInForce as error:
        raise fail(escape(str(error))) from None
    if as_json:
        _print_json(standing_json(answer))
    else:
        _explain_standing(answer)


@app.command("check")
def check(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    action: Annotated[str, typer.Argument(help="The action asked for, e.g. rail.high_speed.ticket")],
    as_of: AsOf = None,
    as_json: AsJson = False,
) -> None:
    """A service point's decision on one action for one subject on a day, with reasons."""
    ref, day = _subject(subject), _as_of(as_of)
    decision = _deployment().inquiries.check(ref, action, day)
    if as_json:
        _print_json(check_json(decision))
    else:
        _explain_check(decision)


@app.command("query")
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
    answers = _deployment().inquiries.answer_many(questions)
    failed = 0
    for question, answer in zip(questions, answers, strict=False):
        if isinstance(question, str):
            answer = {"error": question}
        if "error" in answer:
            failed += 1
        _print_json(answer)
    if failed:
        err.print(f"{failed} question(s) could not be answered")
        raise typer.Exit(1)


# ------------------------------------------------------------------------------- ledger


@ledger_app.command("verify")
def ledger_verify(
    checkpoint: Annotated[
        Path | None,
        typer.Option(
            "--checkpoint",
            help="A signed checkpoint: fail on anything added, altered, removed or reordered "
            "before it. Default: the newest in $XINYONG_CHECKPOINT_DIR, if any.",
        ),
    ] = None,
    trust: Annotated[
        str | None,
        typer.Option("--trust", help="The public key the checkpoint must be signed with (default: this node's)."),
    ] = None,
) -> None:
    """Recompute the keyed chain of every append-only table (the ledger, catalogs,
    notices, deliveries, cases, access log) and check it against a signed checkpoint."""
    from xinyong.adapters.storage import checkpoint as checkpoints
    from xinyong.settings import Settings

    deployment = _deployment()
    settings = Settings.from_environment()
    if checkpoint is None and settings.checkpoint_dir:
        checkpoint = checkpoints.newest(Path(settings.checkpoint_dir))
    anchor = None
    if checkpoint is not None:
        try:
            anchor = checkpoints.read(checkpoint, trust or deployment.node_key().public_key)
        except checkpoints.CheckpointError as error:
            raise fail(escape(str(error))) from None
    marks = {name: length for name, (length, _) in anchor.tables.items()} if anchor else None
    with deployment.store.reading() as connection:
        reports = deployment.store.verify(connection, marks)
        drift = deployment.store.directory_drift(connection)
    problems = [f"{r.table} broken at row {r.broken_at}: {r.problem}" for r in reports if not r.intact]
    problems += [f"directory: {d}" for d in drift[:20]]
    if anchor is not None:
        problems += checkpoints.compare(anchor, reports)
    for report in reports:
        out.print(f"{report.table}: {report.rows} rows, head {report.head}")
    if problems:
        for problem in problems:
            err.print(f"[bold red]error:[/] {escape(problem)}", markup=True)
        raise typer.Exit(1)
    ledger = reports[0]
    suffix = (
        f"; agrees with the checkpoint of {anchor.time} ({checkpoint})"
        if anchor
        else " (no checkpoint: rows removed from the end cannot be told; see `ledger checkpoint`)"
    )
    out.print(f"ledger intact: {ledger.rows} events, head {ledger.head}{suffix}")


@ledger_app.command("checkpoint")
def ledger_checkpoint(
    out_file: Annotated[Path, typer.Option("--out", help="Where to write the signed checkpoint (JSON).")],
) -> None:
    """Sign the length and head of every chained table with the node's Ed25519 key
    (made on first use). Keep checkpoints away from the database: `ledger verify
    --checkpoint FILE` then fails on any row added, altered, removed or reordered before
    it, even by someone who can write the database file."""
    deployment = _deployment()
    document = deployment.checkpoint()
    try:
        out_file.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    except OSError as error:
        raise fail(f"{out_file}: cannot write: {error.strerror}") from None
    out.print(
        f"checkpoint of {document['length']} events, head {document['head']}, "
        f"signed by {document['public_key']}: {out_file}"
    )


privacy_app = typer.Typer(help="Erase free text once its retention ends.", no_args_is_help=True)
app.add_typer(privacy_app, name="privacy")


@privacy_app.command("erase")
def privacy_erase(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    as_of: AsOf = None,
) -> None:
    """Erase what people typed about SUBJECT (grounds, reasons, purposes) by destroying
    the subject's own key; refused while its retention lasts. Scores, grades, list
    entries and the chain are unchanged."""
    from xinyong.services.erasure import ErasureRefused

    ref, day = _subject(subject), _as_of(as_of)
    deployment = _deployment()
    try:
        erased = deployment.erasure.erase(ref, day)
    except ErasureRefused as refused:
        raise fail(escape(str(refused))) from None
    out.print("free text erased" if erased else "nothing to erase")


@privacy_app.command("sweep")
def privacy_sweep(as_of: AsOf = None) -> None:
    """Erase the free text of every subject whose retention has ended (run it daily)."""
    deployment = _deployment()
    out.print(f"free text of {deployment.erasure.sweep(_as_of(as_of))} subject(s) erased")


keys_app = typer.Typer(help="The secret key: its id, and rotation.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


@keys_app.command("show")
def keys_show() -> None:
    """The public id of the secret key this database is written under, and where the
    key comes from (never the key itself)."""
    from xinyong.adapters.storage.sealing import master_key_id, read_key
    from xinyong.bootstrap import key_file_for
    from xinyong.settings import Settings

    deployment = _deployment()
    settings = Settings.from_environment()
    db = state.db or settings.db
    source = "XINYONG_SECRET_KEY" if settings.secret_key else str(key_file_for(db, settings))
    key = read_key(settings.secret_key, key_file_for(db, settings))
    assert key is not None
    out.print(
        f"secret key {master_key_id(key)} from {source}; "
        f"current seal key {deployment.store.sealer.current_seal_key}; "
        f"node key {deployment.node_key().public_key}"
    )


@keys_app.command("rotate")
def keys_rotate() -> None:
    """Make a new secret key: the data keys are re-wrapped under it and a new seal key
    takes over for what is sealed from now on; sealed values keep the id of the key that
    sealed them, so everything still opens and the chain and checkpoints still verify.
    The old key file is replaced: keep no copy of it."""
    from xinyong.adapters.storage.sealing import KeyError_
    from xinyong.bootstrap import rotate_key
    from xinyong.settings import Settings

    settings = Settings.from_environment()
    try:
        old, new = rotate_key(state.db or settings.db, settings)
    except KeyError_ as refused:
        raise fail(escape(str(refused)), 3) from None
    out.print(f"secret key rotated: {old} -> {new}")


# -------------------------------------------------------------- outlook and notices

notices_app = typer.Typer(
    help="Notices: send those that time brings, deliver email, read an inbox.", no_args_is_help=True
)
app.add_typer(notices_app, name="notices")


@app.command("outlook")
def outlook_command(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    catalog: Annotated[str, typer.Option("--catalog", help="Catalog id.")],
    as_of: AsOf = None,
    as_json: AsJson = False,
    lang: Lang = "en",
) -> None:
    """The way back: each future day on which the score or grade changes or a list entry
    ends if nothing new happens, and which repairs become possible when."""
    ref, day = _subject(subject), _as_of(as_of)
    try:
        view = _deployment().due_process.outlook(ref, catalog, day, _language(lang))
    except NotInForce as error:
        raise fail(escape(str(error))) from None
    if as_json:
        _print_json(view)
        return
    out.print(f"[bold]{ref}[/] under [bold]{catalog}[/] on {day}: score {view['score']}, grade {view['grade']}")
    for e in view["lists"]:
        out.print(f"on list {e['list']} (record {e['record']}) until {e['until'] or 'removed'}")
    if not view["changes"]:
        out.print("nothing changes from here if nothing new happens")
    for c in view["changes"]:
        out.print(f"  {c['day']}: score {c['score']}, grade {c['grade']}: " + "; ".join(c["what"]), markup=False)
    for r in view["repairs"]:
        out.print(f"repair of record {r['record']} ({r['rule']}) possible from {r['possible_from']}")


def _language(lang: str) -> str:
    from xinyong import messages

    if lang not in messages.LANGUAGES:
        raise fail(f"--lang: one of {', '.join(messages.LANGUAGES)}", 2)
    return lang


@notices_app.command("run")
def notices_run(as_of: AsOf = None) -> None:
    """Write the notices that time brings by a day (records taking effect, list entries
    starting and ending); each is written once however often this runs."""
    written = _deployment().due_process.send_due_notices(_as_of(as_of))
    out.print(f"{written} notice(s) written")


@notices_app.command("deliver")
def notices_deliver(
    lang: Annotated[str, typer.Option("--lang", help="The language of the emails: zh-CN or en.")] = "zh-CN",
) -> None:
    """Send due email notices through SMTP (XINYONG_SMTP_HOST, _PORT, _FROM), in Chinese
    unless ``--lang en``; failures are retried with backoff on later runs."""
    language = _language(lang)
    from xinyong.adapters.smtp import SmtpChannel
    from xinyong.services.delivery import deliver_email
    from xinyong.settings import Settings

    settings = Settings.from_environment()
    if not settings.smtp_host:
        raise fail("set XINYONG_SMTP_HOST (and XINYONG_SMTP_PORT, XINYONG_SMTP_FROM) to deliver email", 2)
    d = _deployment()
    channel = SmtpChannel(settings.smtp_host, settings.smtp_port, settings.smtp_from)
    report = deliver_email(d.store, d.outbox, channel, language=language)
    out.print(f"sent {report.sent}, failed {report.failed} (to be retried), no address {report.skipped}")


@notices_app.command("list")
def notices_list(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    as_json: AsJson = False,
    lang: Lang = "en",
) -> None:
    """A subject's inbox, newest first."""
    language = _language(lang)
    notices = _deployment().outbox.inbox(_subject(subject))
    if as_json:
        _print_json([n.as_json(language) for n in notices])
        return
    for n in notices:
        title, text = n.rendered(language, "api")
        out.print(f"[bold]{n.created_at[:10]} {escape(title)}[/] ({n.kind}, {n.id})")
        out.print(f"  {text}", markup=False)


# ------------------------------------------------------------------------ serve, tokens

token_app = typer.Typer(help="Create, list and revoke bearer tokens for the service.", no_args_is_help=True)
app.add_typer(token_app, name="token")


@app.command("serve")
def serve(
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port", help="Port to listen on.")] = 8000,
) -> None:
    """Serve the HTTP API (OpenAPI at /openapi.json, docs at /docs)."""
    import logging

    import uvicorn

    from xinyong.entrypoints.api.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    application = create_app(_deployment())
    out.print(
        f"serving on http://{host}:{port}/ — public lookup /, resident portal /portal, "
        f"officer console /console, API docs /docs"
    )
    # uvicorn's own access log prints paths, which can carry identity numbers: ours
    # prints route templates instead.
    uvicorn.run(application, host=host, port=port, access_log=False, log_level="warning")


@token_app.command("create")
def token_create(
    role: Annotated[str, typer.Option("--role", help="source, registry, service-point, subject, officer or auditor.")],
    name: Annotated[str | None, typer.Option("--name", help="Who holds it (a source's name).")] = None,
    scope: Annotated[
        list[str] | None,
        typer.Option("--scope", help="A rule pattern (sources) or action (service points); repeatable."),
    ] = None,
    subject: Annotated[str | None, typer.Option("--subject", help="The subject a subject token reads.")] = None,
) -> None:
    """Create a token; it is printed once, on the last line, and stored only as a digest.

    Roles: source (files records under --scope rules), registry (the civil registry or
    market regulator: the one writer of subject facts and contact addresses),
    service-point (asks checks for --scope actions), subject (--subject: its own file),
    officer, auditor."""
    ref = _subject(subject) if subject else None
    try:
        info, secret = _deployment().tokens.create(role, name, tuple(scope or ()), ref)
    except ValueError as error:
        raise fail(str(error), 2) from None
    scopes = ", ".join(info.scopes) or "-"
    if info.role == "source" and not name:
        err.print(
            "note: a source token without --name may file records in any source's name; "
            "with --name it files them only in its own"
        )
    err.print(
        f"token {info.id}: role {info.role}, name {info.name}, scopes {scopes}"
        + (f", subject {info.subject}" if info.subject else "")
    )
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list(as_json: AsJson = False) -> None:
    """List tokens (never their secrets)."""
    tokens = _deployment().tokens.list()
    if as_json:
        _print_json([t.__dict__ | {"scopes": list(t.scopes)} for t in tokens])
        return
    table = Table("id", "role", "name", "scopes", "subject", "created", "revoked")
    for t in tokens:
        table.add_row(
            t.id, t.role, t.name, ", ".join(t.scopes) or "-", t.subject or "-", t.created_at, t.revoked_at or "-"
        )
    out.print(table)


@token_app.command("revoke")
def token_revoke(token_id: Annotated[str, typer.Argument(help="The token's id (from token list).")]) -> None:
    """Revoke a token: it is refused from the next request on."""
    if not _deployment().tokens.revoke(token_id):
        raise fail(f"no live token {token_id!r}")
    out.print(f"revoked {token_id}")


# --------------------------------------------------------------------------------- demo


@app.command("demo")
def demo(
    catalogs: Annotated[
        Path | None,
        typer.Option(
            "--catalogs", help="Folder of catalogs (default: ./catalogs if present, else the packaged samples)."
        ),
    ] = None,
    persons: Annotated[int, typer.Option("--persons", min=1)] = 3000,
    organisations: Annotated[int, typer.Option("--organisations", min=1)] = 300,
    seed: Annotated[int, typer.Option("--seed")] = 2024,
    serve_after: Annotated[bool, typer.Option("--serve/--no-serve", help="Serve the demo when it is built.")] = True,
    host: Annotated[str, typer.Option("--host")] = "127.0.0.1",
    port: Annotated[int, typer.Option("--port")] = 8000,
) -> None:
    """Build a fresh demo database from the sample catalogs and a synthetic population
    (seeded, so the same every time), show subjects worth trying, and serve it. A SQLite
    file is replaced; a database URL (PostgreSQL) must name an empty database, which is
    filled and never wiped."""
    import shlex

    from sqlalchemy.engine import make_url

    from xinyong.adapters.storage.store import database_url
    from xinyong.settings import Settings
    from xinyong.synthetic.demo import DemoRefused, build_demo, sample_catalogs

    db = state.db or Settings.from_environment().db
    url = make_url(database_url(db))
    if url.get_backend_name() == "sqlite":
        if not url.database or url.database == ":memory:":
            raise fail("the demo builds a SQLite file or fills an empty database: give --db a path or a URL", 2)
        target = shown = url.database
    else:
        target = db
        shown = shlex.quote(url.render_as_string(hide_password=True))
    catalogs = catalogs or sample_catalogs()
    files = sorted(catalogs.glob("*.toml"))
    if not files:
        raise fail(f"no catalogs in {catalogs}/", 2)
    with Progress(
        TextColumn("[bold]{task.description}[/]"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=not err.is_terminal,
    ) as progress:
        task = progress.add_task("generating a synthetic population", total=None)

        def importing(done: int, total: int) -> None:
            progress.update(task, description="importing", completed=done, total=total)

        try:
            built = build_demo(
                target, files, persons=persons, organisations=organisations, seed=seed, progress=importing
            )
        except CatalogLoadError as error:
            raise fail(escape(str(error))) from None
        except DemoRefused as error:
            raise fail(escape(str(error))) from None
    for c in built.catalogs:
        out.print(f"catalog {c.id} {c.version}: {len(c.rules)} rules, {len(c.lists)} lists, {len(c.measures)} measures")
    kinds = ", ".join(f"{n} {k}" for k, n in sorted(built.written_by_type.items()))
    out.print(f"population: {persons} persons and {organisations} organisations, {built.start} to {built.end}: {kinds}")
    cmd = f".venv/bin/xinyong --db {shown}"
    out.print(f"\n[bold]The demo database is {shown}[/]. Subjects worth a look:")
    for notable in built.notable:
        out.print(f"\n  [bold]{notable.subject}[/]: {notable.why}")
        if notable.catalog:
            out.print(f"    {cmd} score {notable.subject} --catalog {notable.catalog}")
        out.print(f"    {cmd} check {notable.subject} {notable.action}")
    lint = f".venv/bin/xinyong catalog lint --profile eu {catalogs}/*.toml"
    out.print(f"\nAlso: {cmd} catalog show; {cmd} ledger verify; {lint}")
    out.print("\n[bold]Tokens for the service[/] (send as 'Authorization: Bearer TOKEN'):")
    for label, token in built.tokens.items():
        out.print(f"  {label}: {token}", markup=False)
    if not serve_after:
        return
    out.print(
        f"\n[bold]Point a browser at http://{host}:{port}/[/]: the public lookup; "
        f"/portal signs in with the subject token above, /console with the officer token; "
        f"/docs is the API (Authorize with any token). Ctrl-C stops."
    )
    state.db = target
    serve(host=host, port=port)


# ------------------------------------------------------------------ batch: export, rescore


def _batch_progress() -> Progress:
    from rich.progress import SpinnerColumn

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


def _export_to(folder: Path, progress: Progress):
    """Export the deployment's ledger to ``folder``, showing each phase."""
    try:
        from xinyong.batch.export import ExportError, export_ledger
    except ImportError:
        raise fail(f"batch jobs need the batch extra: {BATCH_EXTRA}", 2) from None

    deployment = _deployment()
    task = progress.add_task("exporting", total=None)
    labels = {
        "subjects": "exporting subjects",
        "records": "exporting records",
        "partitioning": "partitioning by jurisdiction",
    }

    def report(phase: str, done: int, total: int | None) -> None:
        progress.update(task, description=labels.get(phase, phase), completed=done, total=total)

    try:
        summary = export_ledger(deployment.store, deployment.catalogs.registry(), folder, progress=report)
    except ExportError as error:
        raise fail(escape(str(error)), 2) from None
    progress.remove_task(task)
    return summary


@app.command("export")
def export_command(
    out_dir: Annotated[Path, typer.Option("--out", help="Folder for the export (new, empty, or an earlier export).")],
) -> None:
    """Export the ledger and the catalogs to Parquet for batch jobs: records, their
    events and subjects partitioned by jurisdiction (hive-style folders), subjects keyed
    by a keyed hash, no names or identity numbers. See docs/spark.md."""
    started = time.perf_counter()
    with _batch_progress() as progress:
        summary = _export_to(out_dir, progress)
    out.print(
        f"exported {summary.records} records, {summary.events} later events, {summary.subjects} "
        f"subjects and {summary.catalog_versions} catalog versions to {escape(str(out_dir))} "
        f"in {time.perf_counter() - started:.1f}s; partitions: {', '.join(summary.jurisdictions) or 'none'}"
    )


@app.command("rescore")
def rescore_command(
    catalog: Annotated[str, typer.Option("--catalog", help="Catalog id.")],
    out_file: Annotated[
        Path, typer.Option("--out", help="Parquet file for the standings (a folder of part files on Spark).")
    ],
    as_of: AsOf = None,
    engine: Annotated[
        str, typer.Option("--engine", help="duckdb (one machine) or spark (PySpark; the 'spark' extra).")
    ] = "duckdb",
    export_dir: Annotated[
        Path | None,
        typer.Option("--export-dir", help="Where the export is written and kept (default: a temporary folder)."),
    ] = None,
    from_export: Annotated[
        str | None,
        typer.Option("--from-export", help="Rescore an existing export (folder or URL) instead of exporting --db."),
    ] = None,
    lists_out: Annotated[
        Path | None,
        typer.Option("--lists-out", help="Parquet for the list entries (default: FILE.lists.parquet beside --out)."),
    ] = None,
    jurisdiction: Annotated[
        str | None,
        typer.Option(
            "--jurisdiction", help="Only subjects of this jurisdiction and those inside it (a province's partitions)."
        ),
    ] = None,
    spark_master: Annotated[
        str | None, typer.Option("--spark-master", help="Spark master URL, e.g. local[4], yarn, spark://host:7077.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as one JSON object.")] = False,
) -> None:
    """Rescore every subject of a catalog's kind on a day: score, grade, coverage and
    list entries, as a dataframe job on DuckDB or Spark over the ledger exported to
    Parquet. Prints the grade distribution and the time each phase took."""
    import tempfile

    try:
        from xinyong.batch.engines import ENGINES, SPARK_EXTRA, EngineUnavailable, connect, read_export
        from xinyong.batch.job import run_rescore
    except ImportError:
        raise fail(f"batch jobs need the batch extra: {BATCH_EXTRA}", 2) from None

    if engine not in ENGINES:
        raise fail(f"--engine: {engine!r} is not one of {', '.join(ENGINES)}", 2)
    if from_export and export_dir:
        raise fail("give --export-dir (export --db there) or --from-export (use an export), not both", 2)
    day = _as_of(as_of)
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="xinyong-export-") as scratch, _batch_progress() as progress:
        source: str | Path
        if from_export:
            source = from_export
            if "://" not in from_export and not (Path(from_export) / "manifest.json").is_file():
                progress.stop()
                raise fail(
                    f"--from-export: {escape(from_export)} is not an export (no manifest.json); "
                    "make one with: xinyong export --out DIR",
                    2,
                )
        else:
            source = export_dir or Path(scratch) / "export"
            started = time.perf_counter()
            _export_to(Path(source), progress)
            timings["export"] = time.perf_counter() - started
        task = progress.add_task(f"starting {engine}", total=None)
        started = time.perf_counter()
        try:
            backend = connect(engine, master=spark_master)  # type: ignore[arg-type]
        except EngineUnavailable:
            progress.stop()
            raise fail(f"the Spark engine needs PySpark: {SPARK_EXTRA}", 2) from None
        tables = read_export(backend, source, jurisdiction=jurisdiction)
        timings["engine"] = time.perf_counter() - started
        try:
            report = run_rescore(
                backend,
                tables,
                catalog,
                day,
                out_file,
                lists_out=lists_out,
                phase=lambda name: progress.update(task, description=name),
            )
        except NotInForce as error:
            progress.stop()
            raise fail(escape(str(error))) from None
    timings.update(report.timings)
    if as_json:
        _print_json(
            {
                "catalog": report.catalog,
                "as_of": report.as_of.isoformat(),
                "version": report.version,
                "engine": report.engine,
                "out": report.out,
                "lists_out": report.lists_out,
                "subjects": report.subjects,
                "entries": report.entries,
                "distribution": [{"grade": g, "subjects": n} for g, n in report.distribution],
                "timings": {k: round(v, 3) for k, v in timings.items()},
            }
        )
        return
    table = Table("grade", "subjects", "share", title=f"{report.catalog} {report.version} on {report.as_of}")
    for grade, count in report.distribution:
        share = f"{count / report.subjects:.1%}" if report.subjects else "-"
        table.add_row(grade, str(count), share)
    out.print(table)
    out.print(f"{report.subjects} subjects, {report.entries} list entries in effect ({report.engine})")
    out.print("time: " + ", ".join(f"{phase} {seconds:.2f}s" for phase, seconds in timings.items()))
    out.print(f"standings: {escape(report.out)}\nlist entries: {escape(report.lists_out)}")


if __name__ == "__main__":  # pragma: no cover
    app()
