"""Read models kept current: every subject's standing as a function of the day
(:mod:`xinyong.domain.read_model`), recomputed by the standing module in the same
transaction as the events that change it, so that a score or a check is a lookup.

* :meth:`ReadModels.keep_current` runs at every commit (a ``before_commit`` hook of the
  units of work, wired in :mod:`xinyong.bootstrap`): the subjects this unit appended
  events under get their read models recomputed from their whole history; a unit that
  loaded a catalog version recomputes every subject (a new version can change anyone's
  points, grade or list entries).
* :meth:`ReadModels.keep` is intake's way, batch by batch: the subjects a batch touched
  are recomputed from the record files intake already holds (only records it does not
  hold are read back) and settled in the unit's ledger, so that the commit leaves them
  alone unless events filed afterwards in the unit touch them again. What the unit holds
  for its commit is the subjects of the appends since: memory stays bounded whatever the
  import's size.
* :meth:`ReadModels.model_of` answers from the stored read model when it is current (the
  latest event filed under the subject and the catalogs loaded are those it was computed
  from, and its keyed hash holds) and otherwise computes it from the ledger, the one
  source of truth: a database upgraded from before read models, or a row altered or
  removed outside the service, never changes an answer. ``stale`` counts those.
* :meth:`ReadModels.rebuild` recomputes every read model from the ledger
  (``xinyong rebuild``); :meth:`ReadModels.differences` compares what is stored with a
  recomputation without writing (``xinyong rebuild --check``).
"""

from __future__ import annotations

import hashlib
import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager

from xinyong.domain.catalog.registry import CatalogRegistry
from xinyong.domain.identifiers import SubjectRef
from xinyong.domain.read_model import ReadModel, standing_changes
from xinyong.domain.standing import RecordFile, Timelines
from xinyong.services.catalogs import CatalogLibrary
from xinyong.services.unit_of_work import StoredModel, SubjectHistory, UnitOfWork, UnitsOfWork

log = logging.getLogger(__name__)

PAGE = 500  # subjects recomputed per read and write
# Ledger events read back at once to recompute read models: a page of subjects with long
# histories (firms whose records run through a whole import, each held back to the
# commit) is recomputed a part at a time, so that memory is bounded by this and not by
# PAGE times the longest history. A subject with more events than this is one part.
PAGE_EVENTS = 50_000
# A subject with this many records already in the ledger (outside the files at hand) is
# not kept batch by batch (:meth:`ReadModels.keep`): its commit recomputes it once.
LONG_HISTORY = 1_000


def catalogs_fingerprint(registry: CatalogRegistry) -> str:
    """What identifies the loaded catalog versions: versions are append-only and known
    by ``(id, version)``, so the set of those is the registry."""
    names = sorted(f"{c.id}\x1f{c.version}" for c in registry.all())
    return hashlib.sha256("\x1e".join(names).encode()).hexdigest()[:32]


class ReadModels:
    def __init__(self, units: UnitsOfWork, library: CatalogLibrary):
        self.units = units
        self.library = library
        self._fingerprints: dict[int, tuple[CatalogRegistry, str]] = {}
        self._lock = threading.Lock()
        self._reporting = threading.local()
        self.stale = 0  # answers computed from the ledger because the stored model was not current

    def fingerprint(self, registry: CatalogRegistry) -> str:
        with self._lock:
            found = self._fingerprints.get(id(registry))
            if found is not None and found[0] is registry:
                return found[1]
            value = catalogs_fingerprint(registry)
            self._fingerprints = {id(registry): (registry, value)}
            return value

    # ----------------------------------------------------------------- writing

    @contextmanager
    def reporting(self, progress: Callable[[int, int | None], None]) -> Iterator[None]:
        """Report ``(subjects done, subjects in all or None)`` to ``progress`` while the
        read models of commits made in this thread are brought up to date."""
        self._reporting.progress = progress
        try:
            yield
        finally:
            self._reporting.progress = None

    def keep_current(self, uow: UnitOfWork) -> None:
        """Recompute the read models of what this unit changed, in its transaction."""
        report = getattr(self._reporting, "progress", None)
        if uow.catalogs.added():
            self._recompute(uow, self._all_keys(uow), report and (lambda done: report(done, None)))
            return
        # Those kept during the unit (intake's batches) were settled, unless touched since.
        keys = sorted(uow.ledger.appended_subjects())
        if keys:
            self._recompute(uow, _pages(keys, PAGE), report and (lambda done: report(done, len(keys))))

    def keep(
        self,
        uow: UnitOfWork,
        subjects: Iterable[SubjectRef],
        files: Mapping[str, RecordFile],
        timelines: Timelines | None = None,
    ) -> int:
        """Recompute and store now, in the unit's transaction, the read models of
        ``subjects``, each from its whole history: the record files of ``files`` (as they
        stand in the unit, events applied) and those of its records not among them, read
        back from the ledger. Its commit then recomputes them only if events filed after
        this touch them. ``timelines``, of the registry the caller read in this unit,
        reuses the timelines it has derived (intake's, for the batch's notices), under
        that registry. A subject with ``LONG_HISTORY`` records or more in the ledger
        besides ``files`` is not stored now but at the commit, once. Returns how many
        were stored."""
        keys = {uow.ledger.subject_key(s): s for s in subjects}
        if not keys:
            return 0
        # The caller's registry, read in this unit, is the one its events were admitted
        # under (a writing unit's registry is read afresh on each call, not cached).
        registry = timelines.registry if timelines is not None else self.library.registry(uow)
        if timelines is None:
            timelines = Timelines(registry)
        outlines = uow.ledger.subject_outlines(keys)
        # A subject with a long history already in the ledger (a firm whose records run
        # through a whole import file, batch after batch) is left to the commit, which
        # recomputes what was appended under it since it was last kept: read back and
        # recomputed at every batch it appears in, it cost the square of its records.
        # Those left wait as keys in the unit, at most one for every LONG_HISTORY records.
        read_back = {key: [rid for rid in o.records if rid not in files] for key, o in outlines.items()}
        outlines = {key: o for key, o in outlines.items() if len(read_back[key]) < LONG_HISTORY}
        missing = [rid for key in outlines for rid in read_back[key]]
        loaded = {rid: r.file for rid, r in uow.ledger.records(missing, text=False).items()} if missing else {}
        uow.read_models.put(
            (
                (
                    key,
                    o.head,
                    standing_changes(
                        keys[key],
                        [files[r] if r in files else loaded[r] for r in o.records],
                        registry,
                        o.jurisdiction,
                        timelines,
                    ),
                )
                for key, o in outlines.items()
            ),
            self.fingerprint(registry),
        )
        # Current as the ledger stands: the commit recomputes them only if events are
        # filed under them after this.
        uow.ledger.settled(outlines)
        return len(outlines)

    def rebuild(self, progress: Callable[[int], None] | None = None) -> int:
        """Recompute every subject's read model from the ledger; returns how many were
        recomputed. Each page of subjects is its own unit of work, so that a rebuild of
        a large ledger holds the write lock for moments, not minutes: events arriving
        meanwhile keep their subjects' models current themselves, and a page reads the
        ledger as it stands when the page is written."""
        done = 0
        # The subjects' keys are listed from one snapshot while each page is written in
        # a unit of its own (subjects filed after the snapshot are kept by their events).
        with self.units(read_only=True) as listing:
            for keys in self._all_keys(listing):
                with self.units() as uow:
                    done += self._recompute(uow, [keys])
                    uow.commit()
                if progress is not None:
                    progress(done)
        return done

    def subjects(self) -> tuple[int, int]:
        """How many subjects the ledger holds and how many have a stored read model."""
        with self.units(read_only=True) as uow:
            return sum(len(keys) for keys in self._all_keys(uow)), uow.read_models.count()

    def complete(self, uow: UnitOfWork) -> bool:
        """Whether every subject filed in the ledger has a stored read model (not so in a
        database upgraded from before read models until ``xinyong rebuild``)."""
        return uow.read_models.count() == sum(len(keys) for keys in self._all_keys(uow))

    def differences(self, progress: Callable[[int], None] | None = None) -> list[str]:
        """The lookup keys of the subjects whose stored read model is missing, stale,
        altered or different from a recomputation now (nothing is written)."""
        with self.units(read_only=True) as uow:
            return self._differences(uow, progress)

    def _differences(self, uow: UnitOfWork, progress: Callable[[int], None] | None) -> list[str]:
        registry = self.library.registry(uow)
        fingerprint = self.fingerprint(registry)
        wrong: list[str] = []
        done = 0
        for keys in _parts(uow, self._all_keys(uow)):
            pieces = uow.read_models.pieces_of(keys)
            for key, history in uow.ledger.subject_histories(keys).items():
                stored = uow.read_models.stored(history.subject)
                expected = _compute(history, registry)
                listed = {(p.entry, p.active_from, p.active_until) for p in pieces.get(key, ())}
                if (
                    stored is None
                    or stored.head != history.head
                    or stored.catalogs != fingerprint
                    or stored.model != expected
                    or listed != {(p.entry, p.active_from, p.active_until) for p in expected.lists}
                    or len(pieces.get(key, ())) != len(expected.lists)
                ):
                    wrong.append(key)
            done += len(keys)
            if progress is not None:
                progress(done)
        return wrong

    def _all_keys(self, uow: UnitOfWork) -> Iterator[list[str]]:
        return uow.ledger.subject_key_pages(PAGE)

    def _recompute(
        self, uow: UnitOfWork, pages: Iterable[list[str]], progress: Callable[[int], None] | None = None
    ) -> int:
        registry = self.library.registry(uow)
        fingerprint = self.fingerprint(registry)
        done = 0
        for keys in _parts(uow, pages):
            histories = uow.ledger.subject_histories(keys)
            uow.read_models.put(
                ((key, h.head, _compute(h, registry)) for key, h in histories.items()),
                fingerprint,
            )
            done += len(histories)
            if progress is not None:
                progress(done)
        return done

    # ----------------------------------------------------------------- reading

    def model_of(self, uow: UnitOfWork, subject: SubjectRef, registry: CatalogRegistry) -> ReadModel:
        """The subject's read model as of the ledger in ``uow``: the stored one when it is
        current, else computed from the ledger."""
        return self.current(uow, subject, uow.read_models.stored(subject), registry)

    def current(
        self, uow: UnitOfWork, subject: SubjectRef, stored: StoredModel | None, registry: CatalogRegistry
    ) -> ReadModel:
        """:meth:`model_of`, given what ``uow`` holds stored of the subject (``stored``,
        read by the caller in the same unit)."""
        fingerprint = self.fingerprint(registry)
        if stored is not None and stored.catalogs == fingerprint and stored.head == stored.latest:
            return stored.model
        filed = uow.ledger.subject_ledger(subject, text=False)
        model = standing_changes(subject, filed.files, registry, filed.jurisdiction)
        if stored is not None or filed.files or filed.facts is not None:
            self.stale += 1
            log.warning("read model of a subject was not current: answered from the ledger (run xinyong rebuild)")
        return model


def _compute(history: SubjectHistory, registry: CatalogRegistry) -> ReadModel:
    return standing_changes(history.subject, history.files, registry, history.jurisdiction)


def _parts(uow: UnitOfWork, pages: Iterable[list[str]]) -> Iterator[list[str]]:
    """Each page of subjects' keys, in parts of at most ``PAGE_EVENTS`` ledger events
    (a subject with more is a part of its own), in the page's order."""
    for keys in pages:
        if len(keys) == 1:  # one subject is a part, whatever its size: nothing to count
            yield keys
            continue
        sizes = uow.ledger.subject_sizes(keys)
        part: list[str] = []
        events = 0
        for key in keys:
            size = sizes.get(key, 0)
            if part and events + size > PAGE_EVENTS:
                yield part
                part, events = [], 0
            part.append(key)
            events += size
        if part:
            yield part


def _pages(keys: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(keys), size):
        yield keys[start : start + size]


class KeptUnits:
    """Units of work whose commits first run ``before_commit`` (the read models kept
    current): what every service writes through."""

    def __init__(self, units: UnitsOfWork):
        self.units = units
        self.before_commit: list[Callable[[UnitOfWork], None]] = []

    def __call__(self, *, read_only: bool = False, bulk: bool = False, wait: float | None = None) -> UnitOfWork:
        uow = self.units(read_only=read_only, bulk=bulk, wait=wait)
        if not read_only:
            uow.before_commit = [*self.before_commit]
        return uow


__all__ = ["KeptUnits", "ReadModels", "catalogs_fingerprint"]
