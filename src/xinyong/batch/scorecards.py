"""Fitting and auditing opt-in scorecards (docs/design.md section 9) from a table of
feature values and an outcome.

(:mod:`xinyong.synthetic.training` makes such a table from a synthetic population.)

- :func:`fit_scorecard` learns monotonic bins for each feature with optbinning, fits a
  logistic regression on their weights of evidence and turns it into points by
  points-to-double-the-odds scaling inside the scorecard's range, and writes a scorecard
  file that :func:`xinyong.domain.scorecard.parse_scorecard` loads;
- :func:`audit_scorecard` scores every row with :func:`xinyong.domain.optin.score` and
  measures discrimination (AUC, KS, Gini), calibration by band and, for a group column
  that the scorecard never reads, approval rates, the disparate-impact ratio and the
  equalised-odds differences with fairlearn.

The heavy libraries (optbinning, scikit-learn, fairlearn) are imported when a function
needs them: the ``scorecards`` extra (``SCORECARDS_EXTRA`` says how to install it).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import math
import warnings
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from xinyong.domain import calendar
from xinyong.domain.optin import score
from xinyong.domain.scorecard import VOCABULARY, Scorecard, parse_scorecard, refused_matter

if TYPE_CHECKING:
    import numpy as np
    import pyarrow as pa


SCORECARDS_EXTRA = "uv sync --extra scorecards (installed: pip install 'xinyong[scorecards]')"
LANGUAGES = ("en", "zh-CN")

# The bands of a fitted scorecard unless told, highest first: each from the score at
# which the fitted odds of paying reach ODDS:1 (a band's floor may also be a score).
DEFAULT_BANDS: tuple[tuple[str, str | None], ...] = (
    ("excellent", "30:1"),
    ("good", "15:1"),
    ("fair", "6:1"),
    ("poor", None),
)


class ScorecardDataError(ValueError):
    """A table, option or scorecard that cannot be fitted or audited; the message names
    the column, option or value."""


class ExtraMissing(ImportError):
    """The ``scorecards`` extra is not installed."""


def need_extra() -> None:
    try:
        import fairlearn  # noqa: F401
        import optbinning  # noqa: F401
        import pyarrow  # noqa: F401
        import sklearn  # noqa: F401
    except ImportError as missing:
        raise ExtraMissing(f"this needs the scorecards extra ({missing.name} is missing): {SCORECARDS_EXTRA}") from None


@cache
def words(language: str) -> dict[str, str]:
    """The words of fitted scorecards and of the audit report in ``language``."""
    text = resources.files("xinyong.messages").joinpath(f"scorecard.{language}.json").read_text("utf-8")
    table: dict[str, str] = json.loads(text)
    return table


# ------------------------------------------------------------------ reading a table


def read_table(path: Path) -> pa.Table:
    """A Parquet (or CSV) table of feature values."""
    need_extra()
    import pyarrow as pa
    import pyarrow.csv as pacsv
    import pyarrow.parquet as pq

    try:
        if path.suffix.lower() == ".csv":
            return pacsv.read_csv(path)
        return pq.read_table(path)
    except (OSError, pa.ArrowInvalid) as error:
        raise ScorecardDataError(f"{path}: not a readable Parquet or CSV table: {error}") from None


def _column(table: pa.Table, name: str, what: str) -> list[Any]:
    if name not in table.column_names:
        raise ScorecardDataError(f"{what} {name!r} is not a column of the table ({', '.join(table.column_names)})")
    values: list[Any] = table.column(name).to_pylist()
    return values


def _outcome(table: pa.Table, name: str) -> list[int]:
    values = _column(table, name, "--target")
    found = set(values)
    if not found <= {0, 1}:
        strange = sorted((v for v in found if v not in (0, 1)), key=repr)[:3]
        raise ScorecardDataError(f"--target {name!r}: an outcome is 0 or 1, got {strange}")
    return [int(v) for v in values]


def _feature(table: pa.Table, name: str) -> list[float | None]:
    values = _column(table, name, "feature")
    out: list[float | None] = []
    for row, value in enumerate(values, start=1):
        if value is None or (isinstance(value, float) and math.isnan(value)):
            out.append(None)
        elif isinstance(value, bool) or not isinstance(value, int | float):
            raise ScorecardDataError(f"column {name!r}, row {row}: a feature value is a number, got {value!r}")
        else:
            out.append(value)
    return out


def feature_columns(table: pa.Table, target: str, ignore: Iterable[str] = ()) -> list[str]:
    """The vocabulary's features among the table's columns, in the vocabulary's order;
    any other column but ``target`` and ``ignore`` is refused: an opt-in score reads
    nothing else."""
    skipped = {target, *ignore}
    for name in table.column_names:
        if name in skipped or name in VOCABULARY:
            continue
        matter = refused_matter(name)
        why = f"; scoring {matter} is refused by design (docs/design.md section 2)" if matter else ""
        raise ScorecardDataError(
            f"column {name!r} is not a feature of the vocabulary ({', '.join(VOCABULARY)}): an opt-in score reads "
            f"credit behaviour only{why}. Name it with --ignore to leave it out of the fit"
        )
    found = [name for name in VOCABULARY if name in table.column_names and name not in skipped]
    if not found:
        raise ScorecardDataError(f"the table has no feature of the vocabulary ({', '.join(VOCABULARY)})")
    return found


# ------------------------------------------------------------------ discrimination


@dataclass(frozen=True)
class Discrimination:
    """How well scores rank those with the outcome (1) below those without: AUC, KS and
    Gini (2·AUC − 1), over ``rows`` rows of which ``events`` had the outcome."""

    rows: int
    events: int
    auc: float
    ks: float
    gini: float

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "events": self.events,
            "auc": round(self.auc, 4),
            "ks": round(self.ks, 4),
            "gini": round(self.gini, 4),
        }


def discrimination(outcomes: Sequence[int], scores: Sequence[float]) -> Discrimination:
    """AUC, KS and Gini of ``scores`` (higher: better) against ``outcomes`` (1: missed)."""
    from sklearn.metrics import roc_auc_score, roc_curve

    events = sum(outcomes)
    if events == 0 or events == len(outcomes):
        raise ScorecardDataError(f"the outcome must take both 0 and 1 to measure discrimination, got {events} of 1")
    risk = [-s for s in scores]  # a lower score says more risk
    auc = float(roc_auc_score(outcomes, risk))
    fpr, tpr, _ = roc_curve(outcomes, risk)
    ks = float(max(t - f for f, t in zip(fpr, tpr, strict=True)))
    return Discrimination(len(outcomes), events, auc, ks, 2 * auc - 1)


def roc_points(outcomes: Sequence[int], scores: Sequence[float], most: int = 200) -> list[tuple[float, float]]:
    """The ROC curve as (false positive rate, true positive rate), at most ``most`` points."""
    from sklearn.metrics import roc_curve

    fpr, tpr, _ = roc_curve(outcomes, [-s for s in scores])
    step = max(1, len(fpr) // most)
    points = [(float(f), float(t)) for f, t in zip(fpr[::step], tpr[::step], strict=True)]
    if points[-1] != (1.0, 1.0):
        points.append((1.0, 1.0))
    return points


# ------------------------------------------------------------------------ fitting


@dataclass(frozen=True)
class FitOptions:
    target: str
    ignore: tuple[str, ...] = ()
    id: str = "fitted-optin"
    title: str | None = None
    title_zh: str | None = None
    version: str | None = None
    range: tuple[int, int] = (350, 950)
    # The score at base odds (good to bad), and points to double them; None: five
    # twelfths up the range (600 of 350–950), and the most points that keep every score
    # in the range.
    base_score: int | None = None
    base_odds: float = 20.0
    pdo: float | None = None
    sources: tuple[str, ...] = ("water-co", "city-bank")
    purposes: tuple[str, ...] = ("lending", "rental-deposit")
    # Readers' names of the sources: (id, English, Chinese).
    source_names: tuple[tuple[str, str, str], ...] = ()
    effective_from: dt.date = dt.date(2026, 1, 1)
    # Names and floors highest first: a score ("700"), odds of paying ("30:1"), or None
    # for the last.
    bands: tuple[tuple[str, str | None], ...] = DEFAULT_BANDS
    test_share: float = 0.3
    seed: int = 2024
    max_bins: int = 5
    min_bin_share: float = 0.05


@dataclass(frozen=True)
class FittedFeature:
    name: str
    trend: str
    splits: tuple[float, ...]
    points: tuple[int, ...]  # the missing bin's first, then the value bins'
    coefficient: float
    iv: float


@dataclass
class FitResult:
    text: str  # the scorecard file
    scorecard: Scorecard
    features: list[FittedFeature]
    dropped: dict[str, str]  # feature -> why it was left out
    train: Discrimination
    test: Discrimination
    pdo: float
    base_score: int
    base_odds: float
    rows: int
    notes: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "scorecard": self.scorecard.id,
            "version": self.scorecard.version,
            "rows": self.rows,
            "features": [
                {"name": f.name, "trend": f.trend, "splits": list(f.splits), "points": list(f.points), "iv": f.iv}
                for f in self.features
            ],
            "dropped": self.dropped,
            "pdo": self.pdo,
            "base_score": self.base_score,
            "base_odds": self.base_odds,
            "base": self.scorecard.base,
            "train": self.train.as_dict(),
            "test": self.test.as_dict(),
        }


def _trend(name: str) -> str:
    # optbinning's trend is the outcome's rate as the value rises: where a higher value
    # is better, fewer missed payments.
    direction = VOCABULARY[name]
    return {"higher": "descending", "lower": "ascending"}.get(direction or "", "auto")


def default_base_score(score_range: tuple[int, int]) -> int:
    """The score at the base odds unless told: five twelfths up the range, 600 of
    350–950 as in the sample scorecard, so that good payers reach the upper bands and
    the range has room below for those who miss payments."""
    low, high = score_range
    return round(low + (high - low) * 5 / 12)


def _round_down(value: float) -> float:
    """Points to double the odds as a reader would write them: whole points, or tenths
    below ten."""
    if value >= 10:
        return float(math.floor(value))
    return max(math.floor(value * 10) / 10, 0.1)


def _number(value: float) -> str:
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _toml_string(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def scorecard_text(
    options: FitOptions,
    bands: Sequence[tuple[str, int | None]],
    base: int,
    fitted: Sequence[FittedFeature],
    description: Mapping[str, str],
    comment: Sequence[str],
) -> str:
    """The TOML of a fitted scorecard, in the layout of docs/design.md section 9."""
    en, zh = words("en"), words("zh-CN")
    title_en = options.title or en["title"]
    title_zh = options.title_zh or zh["title"]
    version = options.version or options.effective_from.isoformat()
    lines = [f"# {line}" if line else "#" for line in comment]
    lines += [
        'kind = "scorecard"',
        f"id = {_toml_string(options.id)}",
        f"title = {_toml_string(title_en)}",
        f"description = {_toml_string(description['en'])}",
        f"version = {_toml_string(version)}",
        f'effective_from = "{options.effective_from.isoformat()}"',
        'subject_kind = "person"',
        f"range = [{options.range[0]}, {options.range[1]}]",
        f"base = {base}",
        f"sources = [{', '.join(_toml_string(s) for s in options.sources)}]",
        f"purposes = [{', '.join(_toml_string(p) for p in options.purposes)}]",
        'language = "en"',
        'languages = ["en", "zh-CN"]',
        "bands = [",
    ]
    for name, least in bands:
        bound = f", min = {least}" if least is not None else ""
        lines.append(f"  {{ name = {_toml_string(name)}{bound} }},")
    lines.append("]")
    if options.source_names:
        lines += ["", "[source_names]"]
        lines += [f"{_toml_string(source)} = {_toml_string(name)}" for source, name, _ in options.source_names]
    for feature in fitted:
        lines += ["", "[[features]]", f"name = {_toml_string(feature.name)}"]
        lines.append(f"reason = {_toml_string(en[f'reason.{feature.name}'])}")
        lines.append("bins = [")
        lines.append(f"  {{ missing = true, points = {feature.points[0]} }},")
        for split, points in zip(feature.splits, feature.points[1:], strict=False):
            lines.append(f"  {{ below = {_number(split)}, points = {points} }},")
        lines.append(f"  {{ points = {feature.points[-1]} }},")
        lines.append("]")
    lines += ["", '[translations."zh-CN"]']
    lines.append(f"title = {_toml_string(title_zh)}")
    lines.append(f"description = {_toml_string(description['zh-CN'])}")
    for feature in fitted:
        lines.append(f'"features.{feature.name}.reason" = {_toml_string(zh[f"reason.{feature.name}"])}')
    for name, _ in bands:
        lines.append(f'"bands.{name}" = {_toml_string(zh[f"band.{name}"])}')
    for source, _, name in options.source_names:
        lines.append(f'"source_names.{source}" = {_toml_string(name)}')
    return "\n".join(lines) + "\n"


def like(card: Scorecard, sources: Sequence[str] | None = None) -> dict[str, Any]:
    """Options of a fit taken from an existing scorecard: its sources (or ``sources``),
    its purposes, and the names of those sources in English and Chinese."""
    kept = tuple(sources) if sources is not None else card.sources
    names = tuple(
        (source, card.source_names[source], card.text(f"source_names.{source}", "zh-CN") or card.source_names[source])
        for source in kept
        if source in card.source_names
    )
    return {"sources": kept, "purposes": card.purposes, "source_names": names}


def _check_options(options: FitOptions) -> None:
    low, high = options.range
    if not low < high:
        raise ScorecardDataError(f"--range: the lowest score must be below the highest, got {low} {high}")
    if options.base_score is not None and not low <= options.base_score <= high:
        raise ScorecardDataError(f"--base-score: {options.base_score} lies outside the range {low}–{high}")
    if not options.base_odds > 0:
        raise ScorecardDataError(f"--base-odds: odds are above 0, got {options.base_odds}")
    if options.pdo is not None and not options.pdo > 0:
        raise ScorecardDataError(f"--pdo: points to double the odds are above 0, got {options.pdo}")
    if not 0 < options.test_share < 1:
        raise ScorecardDataError(f"--test-share: a share between 0 and 1, got {options.test_share}")
    if (options.title is None) != (options.title_zh is None):
        raise ScorecardDataError(
            "--title and --title-zh go together: the file is written in en and zh-CN (give both, or neither for "
            "the default title)"
        )
    for name, _ in options.bands:
        if f"band.{name}" not in words("zh-CN"):
            raise ScorecardDataError(
                f"--bands: band {name!r} has no zh-CN name (bands: {', '.join(n for n, _ in DEFAULT_BANDS)})"
            )


def fit_scorecard(
    table: pa.Table, options: FitOptions, phase: Callable[[str], None] | None = None, source: str = "table"
) -> FitResult:
    """Learn a scorecard from ``table``: monotonic bins per feature (optbinning, each
    feature's trend from the vocabulary's better direction), a logistic regression on
    their weights of evidence fitted on all but ``test_share`` of the rows, and points
    by points-to-double-the-odds scaling, rounded to whole points and kept inside the
    range. A feature whose fitted weight runs against its better direction is left out
    and the rest refitted. The file is checked by parsing it back."""
    need_extra()
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import train_test_split

    _check_options(options)
    say = phase or (lambda _: None)
    outcome = np.array(_outcome(table, options.target))
    names = feature_columns(table, options.target, options.ignore)
    if outcome.sum() < 10 or (len(outcome) - outcome.sum()) < 10:
        raise ScorecardDataError(
            f"--target {options.target!r}: too few rows of one outcome to fit ({int(outcome.sum())} of 1, "
            f"{int(len(outcome) - outcome.sum())} of 0; at least 10 each)"
        )
    columns = {name: np.array([np.nan if v is None else float(v) for v in _feature(table, name)]) for name in names}
    index = np.arange(len(outcome))
    train, test = train_test_split(index, test_size=options.test_share, random_state=options.seed, stratify=outcome)
    y_train = outcome[train]

    say("binning")
    binned = {}
    dropped: dict[str, str] = {}
    for name in names:
        binning = _binning(name, options)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            binning.fit(columns[name][train], y_train)
        if binning.status not in ("OPTIMAL", "FEASIBLE") or len(binning.splits) == 0:
            dropped[name] = "no monotonic split separates the outcomes"
            continue
        binned[name] = binning

    say("fitting")
    used = list(binned)
    while True:
        if not used:
            raise ScorecardDataError("no feature of the table separates the outcomes: nothing to fit")
        woe = np.column_stack([_woe(binned[n], columns[n][train]) for n in used])
        model = LogisticRegression(C=1e6, max_iter=1000)
        model.fit(woe, y_train)
        # A higher weight of evidence says fewer missed payments: its coefficient must
        # not be positive, or the points would run against the better direction.
        # Leave out the worst one at a time: with it gone, another's sign may come right.
        coefficient, worst_name = max(zip(model.coef_[0], used, strict=True))
        if coefficient <= 0:
            break
        dropped[worst_name] = "its weight ran against its better direction next to the other features"
        used = [n for n in used if n != worst_name]

    coefficients = dict(zip(used, (float(c) for c in model.coef_[0]), strict=True))
    intercept = float(model.intercept_[0])
    low, high = options.range
    ln_odds = math.log(options.base_odds)
    # The log-odds of paying (good over missed) are -(intercept + Σ coef·woe): each bin
    # adds -coef·woe, and the scores reach from the worst bins' sum to the best bins'.
    bin_woes = {n: _bin_woes(binned[n]) for n in used}
    contributions = {n: [-coefficients[n] * w for w in bin_woes[n]] for n in used}
    worst = -intercept + sum(min(c) for c in contributions.values())
    best = -intercept + sum(max(c) for c in contributions.values())
    notes: list[str] = []
    base_score = options.base_score if options.base_score is not None else default_base_score(options.range)
    if options.pdo is not None:
        pdo = options.pdo
    else:  # the most points that keep every score in the range (less a point a feature for rounding)
        limits = []
        margin = len(used)
        if best > ln_odds:
            limits.append(max(high - base_score - margin, 1) * math.log(2) / (best - ln_odds))
        if worst < ln_odds:
            limits.append(min(low - base_score + margin, -1) * math.log(2) / (worst - ln_odds))
        pdo = _round_down(min(limits)) if limits else 50.0
    factor = pdo / math.log(2)
    base_exact = base_score + factor * (-intercept - ln_odds)
    base = min(max(round(base_exact), low), high)
    fitted: list[FittedFeature] = []
    for name in used:
        points = tuple(round(factor * c) for c in contributions[name])
        fitted.append(
            FittedFeature(
                name=name,
                trend=_trend(name),
                splits=tuple(_short(float(s), columns[name][train]) for s in binned[name].splits),
                points=points,
                coefficient=coefficients[name],
                iv=round(float(binned[name].binning_table.iv), 4),
            )
        )
    bands = _band_floors(options.bands, lambda odds: base_score + factor * (math.log(odds) - ln_odds))
    lowest = base + sum(min(f.points) for f in fitted)
    highest = base + sum(max(f.points) for f in fitted)
    if lowest < low or highest > high:
        notes.append(
            f"scores reach {lowest}–{highest} before clamping to the range {low}–{high}: a smaller --pdo keeps "
            "every score inside"
        )

    say("scoring")
    own = f"the scorecard fitted from {source}"
    draft = parse_scorecard(scorecard_text(options, bands, base, fitted, {"en": "-", "zh-CN": "-"}, ()), own)
    rows = _rows(table, names)
    scores = [float(score(draft, rows[i], options.effective_from).score) for i in range(len(outcome))]
    train_fit = discrimination(outcome[train].tolist(), [scores[i] for i in train])
    test_fit = discrimination(outcome[test].tolist(), [scores[i] for i in test])
    auc = f"{test_fit.auc:.3f}"
    description = {
        language: words(language)["description"].format(rows=len(outcome), events=int(outcome.sum()), auc=auc)
        for language in LANGUAGES
    }
    comment = [
        f"Fitted by `xinyong scorecard fit` from {source}, target {options.target}: {len(train)} rows to fit,",
        f"{len(test)} held out (seed {options.seed}). pdo {_number(pdo)}, {base_score} points at odds "
        f"{_number(options.base_odds)}:1.",
        f"AUC {train_fit.auc:.4f} on the rows fitted, {test_fit.auc:.4f} held out; KS {test_fit.ks:.4f}, Gini "
        f"{test_fit.gini:.4f} held out.",
    ]
    comment += [f"Left out: {n} ({why})." for n, why in dropped.items()]
    text = scorecard_text(options, bands, base, fitted, description, comment)
    card = parse_scorecard(text, own)
    for feature in card.features:
        problem = feature.monotone_problem()
        if problem is not None:  # the fit guards against it; never write such a file
            raise ScorecardDataError(f"feature {feature.name!r}: {problem}")
    return FitResult(
        text=text,
        scorecard=card,
        features=fitted,
        dropped=dropped,
        train=train_fit,
        test=test_fit,
        pdo=pdo,
        base_score=base_score,
        base_odds=options.base_odds,
        rows=len(outcome),
        notes=notes,
    )


def _band_floors(
    given: Sequence[tuple[str, str | None]], score_at: Callable[[float], float]
) -> list[tuple[str, int | None]]:
    """The bands with their floors as scores: ``ODDS:1`` becomes the score at those odds."""
    floors: list[tuple[str, int | None]] = []
    for name, floor in given:
        if floor is None:
            floors.append((name, None))
            continue
        odds, colon, one = floor.partition(":")
        try:
            if colon:
                if one.strip() != "1" or not float(odds) > 0:
                    raise ValueError
                floors.append((name, round(score_at(float(odds)))))
            else:
                floors.append((name, int(floor)))
        except ValueError:
            raise ScorecardDataError(
                f"--bands: {name}={floor}: a floor is a score (700) or odds of paying (30:1)"
            ) from None
    shown = [f for _, f in floors if f is not None]
    if shown != sorted(shown, reverse=True) or len(set(shown)) != len(shown):
        raise ScorecardDataError(
            f"--bands: the floors must fall from band to band, got {', '.join(f'{n}={f}' for n, f in floors)}"
        )
    return floors


def _short(split: float, values: np.ndarray) -> float:
    """``split`` with the fewest decimals (up to six) that leaves every value of the fit
    on the same side of it: 0.9560386538505554 reads 0.956, and 2.5 between counts 3."""
    import numpy as np

    seen = values[~np.isnan(values)]
    below = seen < split
    for shorter in (math.ceil(split), *(round(split, decimals) for decimals in range(1, 7))):
        if np.array_equal(seen < shorter, below):
            return float(shorter)
    return split


def _binning(name: str, options: FitOptions) -> Any:
    from optbinning import OptimalBinning

    return OptimalBinning(
        name=name,
        dtype="numerical",
        solver="cp",
        monotonic_trend=_trend(name),
        max_n_bins=options.max_bins,
        min_bin_size=options.min_bin_share,
    )


def _woe(binning: Any, values: np.ndarray) -> np.ndarray:
    result: np.ndarray = binning.transform(values, metric="woe", metric_missing="empirical")
    return result


def _bin_woes(binning: Any) -> list[float]:
    """The weight of evidence of the missing bin (0 when the fit saw no missing value),
    then of each value bin in order."""
    with warnings.catch_warnings():  # optbinning's own use of pandas, not ours
        warnings.simplefilter("ignore")
        table = binning.binning_table.build()
    value_bins = len(binning.splits) + 1
    woes = [float(w) for w in table["WoE"].iloc[:value_bins]]
    missing_count = int(table["Count"].iloc[value_bins + 1])
    missing = float(table["WoE"].iloc[value_bins + 1]) if missing_count else 0.0
    return [missing, *woes]


def _rows(table: pa.Table, names: Sequence[str]) -> list[dict[str, float | int | None]]:
    columns = {name: _feature(table, name) for name in names}
    return [{name: columns[name][i] for name in names} for i in range(table.num_rows)]


# ------------------------------------------------------------------------ auditing


@dataclass(frozen=True)
class BandFigures:
    band: str
    min: int | float | None
    rows: int
    events: int | None  # None without an outcome
    mean_score: float | None

    @property
    def rate(self) -> float | None:
        return self.events / self.rows if self.events is not None and self.rows else None


@dataclass(frozen=True)
class GroupFigures:
    group: str
    rows: int
    approved: int
    events: int | None
    tpr: float | None  # the share of good payers approved
    fpr: float | None  # the share of those who missed a payment approved

    @property
    def approval_rate(self) -> float:
        return self.approved / self.rows if self.rows else 0.0


@dataclass
class AuditReport:
    scorecard: Scorecard
    data: str
    target: str | None
    group: str
    approve_from: str
    approve_min: int | float | None
    rows: int
    discrimination: Discrimination | None
    bands: list[BandFigures]
    calibration_monotone: bool | None
    groups: list[GroupFigures]
    demographic_parity_ratio: float
    demographic_parity_difference: float
    equalized_odds_difference: float | None
    equalized_odds_ratio: float | None
    roc: list[tuple[float, float]]
    scores: list[float]
    made: dt.date

    def as_dict(self) -> dict[str, Any]:
        def rate(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "scorecard": self.scorecard.id,
            "version": self.scorecard.version,
            "data": self.data,
            "rows": self.rows,
            "target": self.target,
            "group": self.group,
            "approve_from": self.approve_from,
            "approve_min": self.approve_min,
            "discrimination": self.discrimination.as_dict() if self.discrimination else None,
            "calibration": {
                "monotone": self.calibration_monotone,
                "bands": [
                    {
                        "band": b.band,
                        "min": b.min,
                        "rows": b.rows,
                        "events": b.events,
                        "rate": rate(b.rate),
                        "mean_score": rate(b.mean_score),
                    }
                    for b in self.bands
                ],
            },
            "fairness": {
                "groups": [
                    {
                        "group": g.group,
                        "rows": g.rows,
                        "approved": g.approved,
                        "approval_rate": rate(g.approval_rate),
                        "events": g.events,
                        "tpr": rate(g.tpr),
                        "fpr": rate(g.fpr),
                    }
                    for g in self.groups
                ],
                "demographic_parity_ratio": rate(self.demographic_parity_ratio),
                "demographic_parity_difference": rate(self.demographic_parity_difference),
                "equalized_odds_difference": rate(self.equalized_odds_difference),
                "equalized_odds_ratio": rate(self.equalized_odds_ratio),
            },
        }


def approval_band(scorecard: Scorecard, band: str | None) -> tuple[str, int | float | None]:
    """The lowest band approved and its ``min``: ``band``, or by default the band above
    the lowest."""
    names = [b.name for b in scorecard.bands]
    if band is None:
        chosen = scorecard.bands[-2] if len(scorecard.bands) > 1 else scorecard.bands[-1]
        return chosen.name, chosen.min
    if band not in names:
        raise ScorecardDataError(f"--approve-from: {band!r} is not a band of {scorecard.id} ({', '.join(names)})")
    chosen = scorecard.bands[names.index(band)]
    return chosen.name, chosen.min


def audit_scorecard(
    table: pa.Table,
    scorecard: Scorecard,
    *,
    group: str,
    target: str | None,
    approve_from: str | None = None,
    data: str = "table",
    made: dt.date | None = None,
) -> AuditReport:
    """Score every row of ``table`` with ``scorecard`` (the pure
    :func:`xinyong.domain.optin.score`) and measure it: discrimination and calibration by
    band against ``target`` (when given), approval from band ``approve_from`` by the
    ``group`` column, the disparate-impact ratio (fairlearn's demographic parity ratio)
    and the equalised-odds differences (fairlearn, with paying on time as the favourable
    outcome and approval as the favourable decision). The group column is read for the
    audit only."""
    need_extra()
    from fairlearn.metrics import (
        demographic_parity_difference,
        demographic_parity_ratio,
        equalized_odds_difference,
        equalized_odds_ratio,
    )

    given = _column(table, group, "--group")
    if None in given:
        raise ScorecardDataError(f"--group {group!r}: row {given.index(None) + 1} has no group")
    groups = [str(g) for g in given]
    if len(set(groups)) < 2:
        raise ScorecardDataError(f"--group {group!r}: an audit compares groups, the column has {len(set(groups))}")
    outcomes = _outcome(table, target) if target is not None else None
    names = [f.name for f in scorecard.features]
    for name in names:
        _column(table, name, f"feature of scorecard {scorecard.id}")
    rows = _rows(table, names)
    answers = [score(scorecard, row, scorecard.effective_from) for row in rows]
    scores = [float(a.score) for a in answers]
    band_of = [a.band for a in answers]
    approve_name, approve_min = approval_band(scorecard, approve_from)
    order = [b.name for b in scorecard.bands]
    approved = [order.index(b or order[-1]) <= order.index(approve_name) for b in band_of]

    bands: list[BandFigures] = []
    for band in scorecard.bands:
        members = [i for i, b in enumerate(band_of) if b == band.name]
        events = sum(outcomes[i] for i in members) if outcomes is not None else None
        mean = sum(scores[i] for i in members) / len(members) if members else None
        bands.append(BandFigures(band.name, band.min, len(members), events, mean))
    monotone = None
    if outcomes is not None:
        rates = [b.rate for b in bands if b.rate is not None]  # highest band first
        monotone = all(a <= b for a, b in itertools.pairwise(rates))

    y_pred = [int(a) for a in approved]
    figures: list[GroupFigures] = []
    for name in sorted(set(groups)):
        members = [i for i, g in enumerate(groups) if g == name]
        if outcomes is not None:
            good = [i for i in members if outcomes[i] == 0]
            bad = [i for i in members if outcomes[i] == 1]
            tpr = sum(y_pred[i] for i in good) / len(good) if good else None
            fpr = sum(y_pred[i] for i in bad) / len(bad) if bad else None
            events = len(bad)
        else:
            tpr = fpr = None
            events = None
        figures.append(GroupFigures(name, len(members), sum(y_pred[i] for i in members), events, tpr, fpr))
    # fairlearn's y_true only matters for the equalised odds; demographic parity reads
    # the decisions alone.
    favourable = [1 - o for o in outcomes] if outcomes is not None else [1] * len(y_pred)
    dp_ratio = float(demographic_parity_ratio(favourable, y_pred, sensitive_features=groups))
    dp_difference = float(demographic_parity_difference(favourable, y_pred, sensitive_features=groups))
    eo_difference = eo_ratio = None
    found = None
    roc: list[tuple[float, float]] = []
    if outcomes is not None:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            eo_difference = float(equalized_odds_difference(favourable, y_pred, sensitive_features=groups))
            eo_ratio = float(equalized_odds_ratio(favourable, y_pred, sensitive_features=groups))
        found = discrimination(outcomes, scores)
        roc = roc_points(outcomes, scores)
    return AuditReport(
        scorecard=scorecard,
        data=data,
        target=target,
        group=group,
        approve_from=approve_name,
        approve_min=approve_min,
        rows=len(rows),
        discrimination=found,
        bands=bands,
        calibration_monotone=monotone,
        groups=figures,
        demographic_parity_ratio=dp_ratio,
        demographic_parity_difference=dp_difference,
        equalized_odds_difference=eo_difference,
        equalized_odds_ratio=eo_ratio,
        roc=roc,
        scores=scores,
        made=made or calendar.today(),
    )
