"""BENCHMARKS.md, rendered from the results file that `python -m benchmarks` writes, with
the goals of issue 11 and a plain "met" or "not met" for each:

    python -m benchmarks.report [RESULTS.json] [--out BENCHMARKS.md]

Nothing in BENCHMARKS.md is written by hand: change this module, or run again."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from benchmarks.harness import MARKDOWN, RESULTS

GOAL_SIZE_CHECKS = 1_000_000
GOAL_SIZE_MEMORY = 10_000_000
GOAL_GROWTH = (1_000_000, 10_000_000)
# Per-record cost may grow this much from the smaller size to the larger and still be
# read as linear (a tenfold size with 25 % more cost a record is not).
LINEAR = 1.25

STEP_TITLES = {
    "import": "`xinyong import` of the JSON Lines file",
    "size": "database bytes per record",
    "rescore": "`xinyong rescore` from the database",
    "checks": "`POST /v1/checks` over HTTP",
}
BACKEND_TITLES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}


def _n(x: float) -> str:
    return f"{x:,.0f}"


def _mib(x: float) -> str:
    return f"{x:,.0f} MiB"


def _bytes(x: float) -> str:
    for unit, size in (("GB", 1e9), ("MB", 1e6), ("KB", 1e3)):
        if x >= size:
            return f"{x / size:,.1f} {unit}"
    return f"{x:,.0f} B"


def _records(n: int) -> str:
    if n >= 1_000_000 and n % 1_000_000 == 0:
        return f"{n // 1_000_000} M"
    if n >= 1_000 and n % 1_000 == 0:
        return f"{n // 1_000} k"
    return _n(n)


def _measured(results: dict, step: str) -> Iterator[tuple[dict, dict]]:
    for entry in results["runs"]:
        if step in entry["steps"]:
            yield entry, entry["steps"][step]


# ---------------------------------------------------------------------- goals


@dataclass
class Verdict:
    goal: str
    verdict: str  # "met", "not met", "not measured"
    evidence: list[str]


def _judge(
    goal: str, cases: list[tuple[str, bool]], absent: str, qualifier: str = "", at_goal_size: bool = True
) -> Verdict:
    """ "met" when every case meets the goal, "not met" when one does not; a goal stated
    at a size this run did not measure is "not met" only if it failed at the sizes that
    were, and otherwise "not measured": nothing is called met that was not measured."""
    if not cases:
        return Verdict(goal, "not measured", [absent])
    failed = [what for what, ok in cases if not ok]
    if at_goal_size:
        verdict = "not met" if failed else "met"
    else:
        verdict = "not met at the sizes run" if failed else "not measured at the goal's size"
    evidence = [f"{'✗' if not ok else '✓'} {what}" for what, ok in cases]
    if qualifier:
        evidence.append(qualifier)
    return Verdict(goal, verdict, evidence)


def _at(entry: dict) -> str:
    return f"{BACKEND_TITLES[entry['backend']]}, {_records(entry['records'])} records"


def _size_note(results: dict, wanted: int, step: str) -> str:
    sizes = sorted({e["records"] for e, _ in _measured(results, step)})
    if sizes and wanted not in sizes:
        measured = ", ".join(_records(s) for s in sizes)
        return f"measured at {measured} records only; the goal is stated at {_records(wanted)}"
    return ""


def _short_of(results: dict, step: str, sizes: tuple[int, ...]) -> list[str]:
    """The backends that ran ``step`` but not at every one of ``sizes``, said as a line
    each: a goal at those sizes is not met by the backends that were measured alone."""
    lines = []
    for backend, title in BACKEND_TITLES.items():
        have = {e["records"] for e, _ in _measured(results, step) if e["backend"] == backend}
        if have and not set(sizes) <= have:
            lines.append(
                f"{title}: not measured at {' and '.join(_records(n) for n in sizes if n not in have)} records"
            )
    return lines


def _partly(verdict: Verdict, missing: list[str]) -> Verdict:
    """``verdict`` with the backends it could not judge: "met" by some backends only is
    "not measured" for the goal as a whole."""
    if not missing:
        return verdict
    state = "not measured" if verdict.verdict == "met" else verdict.verdict
    return Verdict(verdict.goal, state, [*verdict.evidence, *missing])


def goals(results: dict) -> list[Verdict]:
    verdicts = []
    for backend, baseline in (("sqlite", "raw parse-and-insert"), ("postgresql", "binary COPY")):
        cases = [
            (f"{_at(e)}: {s['ratio']:.3f} of the baseline", s["ratio"] >= 0.5)
            for e, s in _measured(results, "import")
            if e["backend"] == backend
        ]
        verdicts.append(
            _judge(
                f"Intake ≥ 0.5 of {baseline} on {BACKEND_TITLES[backend]}",
                cases,
                f"import was not measured on {BACKEND_TITLES[backend]}",
            )
        )
    verdicts.append(
        _judge(
            "`xinyong rescore` from the database ≥ 0.5 of DuckDB's bare sum",
            [(f"{_at(e)}: {s['ratio']:.3f}", s["ratio"] >= 0.5) for e, s in _measured(results, "rescore")],
            "rescore was not measured",
        )
    )
    at_memory = [(e, s) for e, s in _measured(results, "rescore") if e["records"] == GOAL_SIZE_MEMORY]
    memory = _judge(
        "`xinyong rescore` of 10 M records within 8 GiB",
        [(f"{_at(e)}: peak {_mib(s['xinyong']['peak_mib'])}", s["xinyong"]["peak_mib"] <= 8192) for e, s in at_memory],
        "rescore was not measured at 10 M records"
        + (
            f" (largest measured: {_records(max(e['records'] for e, _ in _measured(results, 'rescore')))}"
            f", peak {_mib(max(s['xinyong']['peak_mib'] for _, s in _measured(results, 'rescore')))})"
            if any(True for _ in _measured(results, "rescore"))
            else ""
        ),
    )
    verdicts.append(_partly(memory, _short_of(results, "rescore", (GOAL_SIZE_MEMORY,)) if at_memory else []))
    checks = list(_measured(results, "checks"))
    at_goal = [(e, s) for e, s in checks if e["records"] == GOAL_SIZE_CHECKS] or checks
    verdicts.append(
        _judge(
            "Checks ≥ 0.7 of hello-world throughput with p99 < 10 ms at 32 connections on a 1 M-record database",
            [
                (
                    f"{_at(e)}: {s['ratio']:.3f} of hello-world, p99 {s['xinyong']['p99_ms']:.1f} ms"
                    + (f", {s['connections']} connections" if s["connections"] != 32 else ""),
                    s["ratio"] >= 0.7 and s["xinyong"]["p99_ms"] < 10 and s["connections"] == 32,
                )
                for e, s in at_goal
            ],
            "checks were not measured",
            _size_note(results, GOAL_SIZE_CHECKS, "checks"),
            at_goal_size=not _size_note(results, GOAL_SIZE_CHECKS, "checks"),
        )
    )
    verdicts.append(
        _judge(
            "Database ≤ 3 times the raw indexed table",
            [
                (f"{_at(e)}: {1 / s['ratio']:.1f} times", s["xinyong"]["bytes"] <= 3 * s["baseline"]["bytes"])
                for e, s in _measured(results, "size")
            ],
            "sizes were not measured",
        )
    )
    cases = []
    for g in growth(results):
        cases.append(
            (
                f"{g.path}, {BACKEND_TITLES[g.backend]}, {_records(g.small)} → {_records(g.large)}: "
                f"{g.unit} ×{g.factor:.2f}",
                g.factor <= LINEAR,
            )
        )
    sizes = sorted({e["records"] for e in results["runs"]})
    goal = f"Linear growth from 1 M to 10 M records on every path (cost a record ×{LINEAR} at most)"
    if cases and not set(GOAL_GROWTH) <= set(sizes):
        # Below 1 M, start-up costs a run pays once hide how the cost a record grows:
        # figures from smaller sizes are shown, not judged.
        verdicts.append(
            Verdict(
                goal,
                "not measured",
                [
                    f"needs 1 M and 10 M records; this run measured {', '.join(_records(s) for s in sizes)}, "
                    "where start-up costs hide growth (for information only):",
                    *(f"· {what}" for what, _ in cases),
                ],
            )
        )
    else:
        judged = _judge(
            goal, cases, f"needs two sizes; this run measured {', '.join(_records(s) for s in sizes) or 'none'}"
        )
        missing = [f"{line} ({step})" for step in STEP_TITLES for line in _short_of(results, step, GOAL_GROWTH)]
        verdicts.append(_partly(judged, missing if cases else []))
    return verdicts


# ---------------------------------------------------------------------- growth


@dataclass
class Growth:
    path: str
    backend: str
    small: int
    large: int
    cost_small: float
    cost_large: float
    unit: str

    @property
    def factor(self) -> float:
        return self.cost_large / self.cost_small


COSTS: dict[str, tuple[str, str, Callable[[dict, dict], float]]] = {
    # path: (step, unit, cost of one record or request, from the run entry and the step's figures)
    "import": ("import", "µs a record", lambda e, s: s["xinyong"]["seconds"] / e["records"] * 1e6),
    "import (baseline)": ("import", "µs a record", lambda e, s: s["baseline"]["seconds"] / e["records"] * 1e6),
    # Not a record's cost: the whole process's peak, which issue 11 wants flat whatever
    # the file's size (intake holds a batch at a time).
    "import, peak memory": ("import", "MiB", lambda e, s: s["xinyong"]["peak_mib"]),
    "rescore": ("rescore", "µs a record", lambda e, s: s["xinyong"]["seconds"] / e["records"] * 1e6),
    "rescore (baseline)": ("rescore", "µs a record", lambda e, s: s["baseline"]["seconds"] / e["records"] * 1e6),
    "checks": ("checks", "ms a request (1 / rate)", lambda e, s: 1000 / s["xinyong"]["rate"]),
    "database size": ("size", "bytes a record", lambda e, s: s["xinyong"]["bytes_per_record"]),
}


def growth(results: dict, baselines: bool = False) -> list[Growth]:
    """Per-record cost at the largest size measured against the smallest, each path and backend."""
    found = []
    for path, (step, unit, cost) in COSTS.items():
        if "(baseline)" in path and not baselines:
            continue
        for backend in BACKEND_TITLES:
            runs = sorted(
                ((e, s) for e, s in _measured(results, step) if e["backend"] == backend), key=lambda x: x[0]["records"]
            )
            if len(runs) >= 2 and runs[0][0]["records"] < runs[-1][0]["records"]:
                (e1, s1), (e2, s2) = runs[0], runs[-1]
                found.append(Growth(path, backend, e1["records"], e2["records"], cost(e1, s1), cost(e2, s2), unit))
    return found


# ---------------------------------------------------------------------- tables


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    return [
        "| " + " | ".join(header) + " |",
        "| " + " | ".join("---" for _ in header) + " |",
        *("| " + " | ".join(row) + " |" for row in rows),
    ]


def _import_rows(results: dict) -> list[list[str]]:
    rows = []
    for e, s in _measured(results, "import"):
        ours, base = s["xinyong"], s["baseline"]
        rows.append(
            [
                _at(e),
                f"{_n(e['records'] / ours['seconds'])} records/s ({ours['seconds']:,.1f} s, "
                f"{_n(e['events'] / ours['seconds'])} events/s)",
                f"{_n(e['records'] / base['seconds'])} records/s ({base['seconds']:,.1f} s)",
                f"{s['ratio']:.3f}",
                f"{_mib(ours['peak_mib'])} / {_mib(base['peak_mib'])}",
            ]
        )
    return rows


def _rescore_rows(results: dict) -> list[list[str]]:
    rows = []
    for e, s in _measured(results, "rescore"):
        ours, base = s["xinyong"], s["baseline"]
        export = ours["timings"].get("export")
        rows.append(
            [
                _at(e),
                f"{ours['seconds']:,.1f} s, {_n(e['records'] / ours['seconds'])} records/s"
                + (f" ({export:,.1f} s of it exporting the ledger)" if export is not None else ""),
                f"{base['seconds']:,.2f} s, {_n(e['records'] / base['seconds'])} records/s",
                f"{s['ratio']:.3f}",
                f"{_mib(ours['peak_mib'])} / {_mib(base['peak_mib'])}",
            ]
        )
    return rows


def _rounds(step: dict) -> str:
    """What the notice rounds of a server served as a user serves it did meanwhile, and
    the checks with the rounds off (runs from before the harness measured both say nothing)."""
    off = step.get("xinyong_rounds_off")
    if off is None:
        return ""
    rounds = step["xinyong"].get("notice_rounds", [])
    served = step["xinyong"]["served_seconds"]
    if not rounds:
        # How long the harness watched for the round (the load and the wait after it);
        # runs from before it was recorded say how long the load ran.
        watched = step["xinyong"].get("watched_seconds", served)
        done = f"its first notice round had not ended after {watched:,.0f} s"
    elif rounds[0]["seconds"] >= served:
        done = f"its first notice round took {rounds[0]['seconds']:,.1f} s: the load ran during it"
    else:
        done = f"its first notice round took {rounds[0]['seconds']:,.1f} s"
    return (
        f" ({done})<br>notice rounds off: {_n(off['rate'])} req/s, p50 {off['p50_ms']:.1f} ms, "
        f"p99 {off['p99_ms']:.1f} ms"
    )


def _checks_rows(results: dict) -> list[list[str]]:
    rows = []
    for e, s in _measured(results, "checks"):
        ours, base = s["xinyong"], s["baseline"]
        errors = ours["non_2xx"] + ours["socket_errors"]
        rows.append(
            [
                _at(e),
                f"{_n(ours['rate'])} req/s, p50 {ours['p50_ms']:.1f} ms, p99 {ours['p99_ms']:.1f} ms"
                + (f", **{errors} errors**" if errors else "")
                + _rounds(s),
                f"{_n(base['rate'])} req/s, p50 {base['p50_ms']:.1f} ms, p99 {base['p99_ms']:.1f} ms",
                f"{s['ratio']:.3f}",
                f"{s['workers']}" + ("" if s["serve_takes_workers"] else " (`serve` has no `--workers`)"),
                f"{_mib(ours['peak_mib'])} / {_mib(base['peak_mib'])}",
            ]
        )
    return rows


def _size_rows(results: dict) -> list[list[str]]:
    rows = []
    for e, s in _measured(results, "size"):
        ours, base = s["xinyong"], s["baseline"]
        largest = sorted(ours["tables"].items(), key=lambda kv: -kv[1])[:4]
        rows.append(
            [
                _at(e),
                f"{_n(ours['bytes_per_record'])} B a record ({_bytes(ours['bytes'])})",
                f"{_n(base['bytes_per_record'])} B a record ({_bytes(base['bytes'])})",
                f"{s['ratio']:.3f} ({1 / s['ratio']:.1f} times)",
                ", ".join(f"{name} {_bytes(size)}" for name, size in largest),
            ]
        )
    return rows


def _commands(results: dict) -> list[str]:
    lines = [f"- the harness: `{results['command']}`"]
    seen: set[str] = set()
    for entry in results["runs"]:
        for step, s in entry["steps"].items():
            key = f"{entry['backend']}-{step}"
            if key in seen:
                continue
            seen.add(key)
            for side in ("xinyong", "xinyong_rounds_off", "baseline"):
                if side not in s:
                    continue
                figures = s[side]
                command = figures.get("command")
                if step == "checks":
                    command = f"{figures['server']}` loaded by `{figures['command']}"
                if command:
                    lines.append(f"- {step}, {BACKEND_TITLES[entry['backend']]}, {side}: `{command}`")
            if step == "checks":
                lines.append(f"- checks, {BACKEND_TITLES[entry['backend']]}, token: `{s['token']}`")
    return lines


def _hours(seconds: float) -> str:
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min"


def estimate(results: dict, records: int) -> tuple[float, float] | None:
    """Seconds and bytes of disk a run of every step at ``records`` would take, each
    backend's per-record costs taken from its largest size in these results and
    extrapolated linearly (checks: their time as measured, which does not depend on size)."""
    seconds = 0.0
    disk = 0.0
    per_backend = 0
    for backend in BACKEND_TITLES:
        runs = [e for e in results["runs"] if e["backend"] == backend and e["steps"]]
        if not runs:
            continue
        largest = max(runs, key=lambda e: e["records"])
        steps = largest["steps"]
        if not {"import", "rescore", "size"} <= set(steps):
            continue
        per_backend += 1
        per_record = sum(steps[n]["measured_in_seconds"] for n in ("import", "rescore", "size")) / largest["records"]
        seconds += per_record * records + steps.get("checks", {}).get("measured_in_seconds", 0.0)
        size = steps["size"]
        disk = max(disk, (size["xinyong"]["bytes_per_record"] + size["baseline"]["bytes_per_record"]) * records)
        disk_file = largest["file_bytes"] / largest["records"] * records
    if not per_backend:
        return None
    return seconds, disk + disk_file


def _loaded(machine: dict) -> bool:
    loads = [float(x) for x in str(machine.get("load_at_start") or "0").split(",") if x.strip() not in ("", "None")]
    return bool(loads) and max(loads) > (machine.get("cores") or 1)


def render(results: dict, results_name: str = "BENCHMARKS.json") -> str:
    machine, settings = results["machine"], results["settings"]
    verdicts = goals(results)
    met = [v for v in verdicts if v.verdict == "met"]
    not_met = [v for v in verdicts if v.verdict.startswith("not met")]
    unmeasured = [v for v in verdicts if v.verdict.startswith("not measured")]
    out = [
        "# Benchmarks",
        "",
        f"<!-- Generated by `python -m benchmarks` from {results_name}: do not edit by hand. -->",
        "",
        "`make bench` times the commands a user runs, end to end, each against a bare baseline on the same",
        f"data in the same run, and writes the figures to [`{results_name}`]({results_name}); this page is",
        "rendered from that file (`python -m benchmarks.report`). Earlier, hand-written figures and what they",
        "taught are in [docs/benchmarks-history.md](docs/benchmarks-history.md).",
        "",
        f"**Run**: {results['started']} to {results.get('finished', '(unfinished)')}, commit "
        + ", ".join(dict.fromkeys(r["machine"]["commit"] for r in results.get("merged_from", [results])))
        + (" with uncommitted changes" if machine.get("uncommitted_changes") else "")
        + f", `{results['command']}`.",
        "",
        f"**Machine**: {machine['cpu']}, {machine['cores']} cores, {machine['memory_gib']} GiB, "
        f"{machine['system']}, Python {machine['python']}; load {machine['load_at_start']} when the run started"
        + (
            " (more than its cores: other work shared the machine, so compare the ratios, each from one run, "
            "rather than absolute rates)."
            if _loaded(machine)
            else "."
        ),
        "",
        f"**Data**: one catalog (`{settings['catalog']}`), {settings['records_per_resident']} records a resident, "
        "a subject event for each resident, about 4 % of records disputed (filed in the notice window, then "
        "resolved) and 2 % fulfilled; seed "
        f"{settings['seed']}. Rescoring and checks ask about {settings['as_of']}; checks ask for "
        f"`{settings['action']}`.",
    ]
    if results.get("remarks"):
        out += ["", "**Remarks** (written by whoever ran it, not measured):", ""]
        out += [f"- {remark}" for remark in results["remarks"]]
    if results.get("postgresql"):
        pg = results["postgresql"]
        out += [
            "",
            f"**PostgreSQL**: {pg['version']}, a throwaway server started by the harness (as the tests start it: "
            f"fsync {pg['fsync']}, synchronous_commit {pg['synchronous_commit']}, full_page_writes "
            f"{pg['full_page_writes']}, shared_buffers {pg['shared_buffers']}), for both sides alike.",
        ]
    out += ["", "## Goals (issue 11)", ""]
    out.append(
        f"**{len(met)} of {len(verdicts)} met.**"
        + (f" Not met: {'; '.join(v.goal for v in not_met)}." if not_met else "")
        + (f" Not measured in this run: {'; '.join(v.goal for v in unmeasured)}." if unmeasured else "")
    )
    out.append("")
    out += _table(
        ["goal", "verdict", "figures"],
        [[v.goal, f"**{v.verdict}**", "<br>".join(v.evidence)] for v in verdicts],
    )
    sections = [
        ("import", ["", "Xinyong", "baseline (same run)", "ratio", "peak memory (Xinyong / baseline)"], _import_rows),
        (
            "rescore",
            ["", "Xinyong", "baseline: DuckDB's bare sum (same run)", "ratio", "peak memory (Xinyong / baseline)"],
            _rescore_rows,
        ),
        (
            "checks",
            [
                "",
                "Xinyong",
                "hello-world (same server software, same run)",
                "ratio",
                "workers",
                "peak memory (Xinyong / hello)",
            ],
            _checks_rows,
        ),
        ("size", ["", "Xinyong", "raw indexed table", "ratio", "largest tables (indexes included)"], _size_rows),
    ]
    notes = {
        "import": "Baseline: parse each line and insert it into one table with the indexes a ledger needs (record, "
        "subject, rule, one row per record): `executemany` on SQLite, binary `COPY` on PostgreSQL. Ratio: "
        "baseline time / Xinyong's time. Both are whole processes, start-up included.",
        "rescore": "Xinyong: `xinyong rescore` as a user runs it, from the database to its Parquet output, "
        "start-up included. Baseline: "
        "DuckDB reading the same JSON Lines file and summing each subject's records' points (no windows, "
        "disputes, caps or lists), written to Parquet.",
        "checks": f"wrk with {settings['connections']} connections for {settings['check_seconds']} s against each "
        "server (after 2 s of warm-up), cycling through up to 1,000 residents of the file; the hello-world "
        "(`benchmarks/hello.py`) accepts the same request and answers a fixed decision. Ratio: Xinyong's "
        "requests/s / hello-world's. Peak memory: the largest server process. Xinyong is served as a user "
        "serves it: its notice rounds on, the first at start and then hourly, made by a child process at a "
        "lower priority; the first of a day reads every record for the notices that time brings. The "
        "figures with the rounds off (`XINYONG_NOTICE_INTERVAL=0`) show what a round costs the checks "
        "served meanwhile.",
        "size": "Xinyong: the database file with its write-ahead log (SQLite) or the relations of the schema with "
        "their indexes and TOAST (PostgreSQL), after the import. Raw: the baseline's table. Ratio: raw / Xinyong.",
    }
    for step, header, rows in sections:
        found = rows(results)
        out += ["", f"## {STEP_TITLES[step][0].upper()}{STEP_TITLES[step][1:]}", ""]
        out += _table(header, found) if found else ["Not measured in this run."]
        out += ["", notes[step]]
    grown = growth(results, baselines=True)
    out += ["", "## How cost grows with size", ""]
    if grown:
        out += _table(
            ["path", "backend", "at the smaller size", "at the larger size", "factor"],
            [
                [
                    g.path,
                    BACKEND_TITLES[g.backend],
                    f"{g.cost_small:,.1f} {g.unit} ({_records(g.small)})",
                    f"{g.cost_large:,.1f} {g.unit} ({_records(g.large)})",
                    f"×{g.factor:.2f}",
                ]
                for g in grown
            ],
        )
        out += ["", f"Linear growth keeps the factor near 1; this page reads ×{LINEAR} or less as linear."]
    else:
        out.append("One size only in this run: nothing to compare.")
    problems = [
        f"- {step}, {_at(e)}: {kind} — {why}"
        for e in results["runs"]
        for kind, table in (("skipped", e["skipped"]), ("failed", e["failed"]))
        for step, why in table.items()
    ]
    if problems:
        out += ["", "## Skipped or failed", "", *problems]
    out += ["", "## Commands", "", *_commands(results)]
    out += [
        "",
        "## Running it",
        "",
        "`make bench` runs every step at 1 M records on SQLite and PostgreSQL (`python -m benchmarks`); "
        "`make bench BENCH_SIZES=1000000,10000000` adds the 10 M run of issue 11, and "
        "`make bench BENCH_SIZES=20000` is the quick setting. Steps are chosen by "
        "name (`python -m benchmarks rescore checks --sizes 1000000 --backends sqlite`); "
        "`python -m benchmarks --help` lists the options and their environment variables. Event files are "
        "made once a size and seed in the cache folder; a step that needs a database this run did not "
        "import imports it first, untimed (`--keep` keeps the SQLite databases for that).",
    ]
    sizes = sorted({e["records"] for e in results["runs"] if e["steps"]})
    backends = " and ".join(
        BACKEND_TITLES[b] for b in BACKEND_TITLES if any(e["backend"] == b for e in results["runs"])
    )
    guesses = [(n, estimate(results, n)) for n in (1_000_000, 10_000_000)]
    steeper = [g for g in grown if g.factor > LINEAR and g.path in ("import", "rescore", "database size")]
    if sizes and all(g for _, g in guesses):
        out += [
            "",
            f"How long: extrapolated linearly from this run's cost a record at {_records(sizes[-1])} records (its "
            f"machine and load), every step on {backends} takes about "
            + ", and ".join(
                f"{_hours(g[0])} at {_records(n)} records ({_bytes(g[1])} of disk at most)" for n, g in guesses if g
            )
            + "."
            + (
                " Where the cost a record grows with size (above), this underestimates: "
                + ", ".join(sorted({f"{g.path} on {BACKEND_TITLES[g.backend]}" for g in steeper}))
                + "."
                if steeper
                else ""
            ),
        ]
    out.append("")
    return "\n".join(out)


def _runs_merged(many: list[dict]) -> list[dict]:
    """The runs of several results, one entry a backend and size: a step measured again
    in a later result replaces the earlier figure of that step, the others stay."""
    by_key: dict[tuple[str, int], dict] = {}
    for results in many:
        for entry in results["runs"]:
            key = (entry["backend"], entry["records"])
            if key not in by_key:
                by_key[key] = {**entry, "steps": dict(entry["steps"])}
                continue
            kept = by_key[key]
            kept["steps"].update(entry["steps"])
            for field in ("skipped", "failed"):
                if field in entry or field in kept:
                    held = {k: v for k, v in kept.get(field, {}).items() if k not in entry["steps"]}
                    kept[field] = held | entry.get(field, {})
    return list(by_key.values())


def merge(many: list[dict]) -> dict:
    """Results of several runs as one (a backend or a size measured in another run, or
    a step measured again): each run's command kept, the machine of the first."""
    first = many[0]
    merged = {
        **first,
        "started": min(r["started"] for r in many),
        "finished": max(r.get("finished", r["started"]) for r in many),
        "command": "; ".join(r["command"] for r in many),
        "postgresql": next((r["postgresql"] for r in many if r.get("postgresql")), None),
        "runs": _runs_merged(many),
        # A results file merged before keeps the runs it was merged from.
        "merged_from": [
            kept
            for r in many
            for kept in r.get("merged_from")
            or [{"command": r["command"], "started": r["started"], "machine": r["machine"]}]
        ],
        "remarks": [remark for r in many for remark in r.get("remarks", [])],
    }
    loads = [r["machine"].get("load_at_start") for r in many]
    merged["machine"] = {**first["machine"], "load_at_start": ", ".join(str(x) for x in loads)}
    return merged


def main(argv: list[str]) -> None:
    import json
    import os

    p = argparse.ArgumentParser(prog="python -m benchmarks.report", description=__doc__.split("\n\n")[0])
    p.add_argument(
        "results", nargs="*", type=Path, default=[RESULTS], help="results file(s) (default: BENCHMARKS.json)"
    )
    p.add_argument("--out", type=Path, default=MARKDOWN, help="the page (default: BENCHMARKS.md)")
    p.add_argument(
        "--merged-into", type=Path, help="with several results files: write them merged here, and render that"
    )
    p.add_argument(
        "--remark",
        action="append",
        default=[],
        help="what the figures do not say of the run (other work on the machine meanwhile, say), kept in the "
        "results and shown on the page as written by whoever ran it; with --merged-into, or added to the one "
        "results file",
    )
    args = p.parse_args(argv)
    loaded = [json.loads(path.read_text()) for path in args.results]
    source = args.results[0]
    results = loaded[0]
    if len(loaded) > 1 and args.merged_into is None:
        p.error("several results files: say where the merged results go (--merged-into FILE)")
    if len(loaded) > 1 or args.remark:
        results = merge(loaded) if len(loaded) > 1 else results
        results["remarks"] = [*results.get("remarks", []), *args.remark]
        source = args.merged_into or source
        source.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    args.out.write_text(render(results, results_name=os.path.relpath(source, args.out.parent)))


if __name__ == "__main__":
    main(sys.argv[1:])
