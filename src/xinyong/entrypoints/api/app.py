"""The HTTP service: FastAPI over the deployment. Routers parse, call one service and
answer; this module wires them with errors, limits, metrics and a request log that
never carries an identity number."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from importlib.metadata import version
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, generate_latest
from prometheus_client.core import CounterMetricFamily
from pydantic.json_schema import models_json_schema

from xinyong.adapters.storage.rounds import RoundsLock
from xinyong.adapters.storage.store import sqlite_path
from xinyong.adapters.storage.wal import WalCheckpointer
from xinyong.bootstrap import Deployment
from xinyong.domain import calendar
from xinyong.domain.attachments import MAX_BYTES, MAX_PER_CASE
from xinyong.entrypoints.api import problems
from xinyong.entrypoints.api.deps import parameters_in_range
from xinyong.entrypoints.api.event_models import EventBatch
from xinyong.entrypoints.api.group_commit import CheckLog
from xinyong.entrypoints.api.limits import BodyLimit
from xinyong.entrypoints.api.models import CheckManifest, CheckQuestion, Health, Liveness
from xinyong.entrypoints.api.observe import Observe
from xinyong.entrypoints.api.problems import ProblemDetail
from xinyong.entrypoints.api.rate import Rate, RateLimiter
from xinyong.entrypoints.api.round_process import RoundProcess
from xinyong.entrypoints.api.routers import (
    audit,
    due_process,
    events,
    federation,
    me,
    optin,
    public,
    subjects,
    webhooks,
)
from xinyong.services.publication import PublicLookups
from xinyong.settings import Settings

MAX_BODY = 2 * 1024 * 1024
# A multipart body: the most files a case takes, each of the largest size, and room for
# the form's other fields and the parts' headers.
MAX_UPLOAD_BODY = MAX_PER_CASE * MAX_BYTES + 256 * 1024


# A process that does not hold the rounds lock tries to take it this often (seconds), so
# that the rounds go on soon after the process that did them dies.
ROUNDS_RETRY = 30.0
# How often a server process copies SQLite's write-ahead log back into the database file
# (seconds): often enough that no commit reaches the log's own threshold
# (adapters/storage/wal.py), even under a notice round's writes.
WAL_CHECKPOINT_INTERVAL = 0.5


def _lifespan(
    deployment: Deployment, settings: Settings, check_log: CheckLog, owns_deployment: bool, metrics: CollectorRegistry
):
    """Time passes while the service runs: the notices it brings are written, and email
    is delivered, every ``notice_interval`` seconds; webhooks are sent every
    ``webhook_interval`` seconds; a signed checkpoint is written every
    ``checkpoint_interval`` seconds. Of the processes serving one database, only the one
    holding the rounds lock (:mod:`xinyong.adapters.storage.rounds`) does them, so that
    no email is sent twice; it makes the notice rounds in a child process of lower
    priority (:mod:`~xinyong.entrypoints.api.round_process`), so that they do not slow
    the checks it serves. On a SQLite file, each process copies the write-ahead log back
    into the database beside the writers (:mod:`xinyong.adapters.storage.wal`), so that
    no writer's commit does it."""
    rounds_lock = RoundsLock(deployment.store.engine)
    url = deployment.store.engine.url
    in_memory = url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:")
    sqlite_file = sqlite_path(deployment.database)
    wal = WalCheckpointer(sqlite_file) if sqlite_file is not None else None
    wal_checkpoints = Counter(
        "xinyong_wal_checkpoints", "Checkpoints of SQLite's write-ahead log made by this process", registry=metrics
    )
    wal_pages = Gauge(
        "xinyong_wal_pages",
        "Pages in SQLite's write-ahead log, and of them copied back, at this process's last checkpoint",
        ["state"],
        registry=metrics,
    )
    # A database in this process's memory has no other process to make its rounds.
    notice_rounds = deployment.due_process if in_memory else RoundProcess(deployment.database, settings)

    async def leading() -> bool:
        try:
            return await run_in_threadpool(rounds_lock.take)
        except Exception:  # keep serving; the next round tries again
            logging.getLogger("xinyong.rounds").exception("cannot take the rounds lock")
            return False

    async def work() -> None:
        from xinyong.adapters.smtp import SmtpChannel
        from xinyong.services.delivery import deliver_email

        while True:
            if not await leading():
                await asyncio.sleep(min(settings.notice_interval, ROUNDS_RETRY))
                continue
            try:
                started = time.perf_counter()
                written = await run_in_threadpool(notice_rounds.send_due_notices, calendar.today())
                # How long a round takes tells an operator how long the cores were shared
                # with it (the first of a day reads every record).
                logging.getLogger("xinyong.notices").info(
                    "notice round: %d notices came due, written in %.1f s", written, time.perf_counter() - started
                )
                if settings.smtp_host:
                    channel = SmtpChannel(settings.smtp_host, settings.smtp_port, settings.smtp_from)
                    await run_in_threadpool(deliver_email, deployment.units, channel)
            except Exception:  # keep serving; the next round tries again
                logging.getLogger("xinyong.notices").exception("notice round failed")
            await asyncio.sleep(settings.notice_interval)

    async def webhooks() -> None:
        from xinyong.adapters.webhook_http import HttpSender

        # Messages are written with the events that cause them; a round sends the new ones
        # and the retries come due (the first retry is 5 s after a failure).
        sender = HttpSender()
        try:
            while True:
                if not await leading():
                    await asyncio.sleep(min(settings.webhook_interval, ROUNDS_RETRY))
                    continue
                try:
                    await run_in_threadpool(deployment.webhooks.deliver, sender)
                except Exception:  # keep serving; the next round tries again
                    logging.getLogger("xinyong.webhooks").exception("webhook round failed")
                await asyncio.sleep(settings.webhook_interval)
        finally:
            sender.close()

    async def checkpoints() -> None:
        from pathlib import Path

        from xinyong.adapters.storage.checkpoint import write

        while True:
            if not await leading():
                await asyncio.sleep(min(settings.checkpoint_interval, ROUNDS_RETRY))
                continue
            try:
                document = await run_in_threadpool(deployment.checkpoint)
                await run_in_threadpool(write, Path(settings.checkpoint_dir), document)  # type: ignore[arg-type]
            except Exception:  # keep serving; the next round tries again
                logging.getLogger("xinyong.checkpoints").exception("checkpoint failed")
            await asyncio.sleep(settings.checkpoint_interval)

    async def checkpoints_of_wal(checkpointer: WalCheckpointer) -> None:
        # In every process serving the file: of two at once, one finds the other under
        # way and leaves the copying to it.
        while True:
            try:
                done = await run_in_threadpool(checkpointer.checkpoint)
            except Exception:  # keep serving; the commits' own threshold copies the log meanwhile
                logging.getLogger("xinyong.storage").exception("checkpoint of the write-ahead log failed")
                await asyncio.sleep(ROUNDS_RETRY)  # a failure that lasts is logged twice a minute, not twice a second
                continue
            wal_checkpoints.inc()
            wal_pages.labels("logged").set(done.logged)
            wal_pages.labels("copied").set(done.copied)
            await asyncio.sleep(WAL_CHECKPOINT_INTERVAL)

    async def pulls() -> None:
        # Partners' lists that local measures name, pulled as `lists pull` pulls them.
        from xinyong.adapters.federation_http import fetch_bundle

        tokens = settings.partner_tokens()
        while True:
            if not await leading():
                await asyncio.sleep(min(settings.pull_interval, ROUNDS_RETRY))
                continue
            try:
                done = await run_in_threadpool(deployment.federation.pull_partners, fetch_bundle, tokens)
                for partner, list_id, outcome in done:
                    logging.getLogger("xinyong.federation").info("pull of %s/%s: %s", partner, list_id, outcome)
            except Exception:  # keep serving; the next round tries again
                logging.getLogger("xinyong.federation").exception("pull round failed")
            await asyncio.sleep(settings.pull_interval)

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        tasks = []
        if settings.node_tokens and settings.pull_interval > 0:
            tasks.append(asyncio.create_task(pulls()))
        if settings.notice_interval > 0:
            tasks.append(asyncio.create_task(work()))
        # XINYONG_NOTICE_INTERVAL=0 turns every round of deliveries off, webhooks too.
        if settings.notice_interval > 0 and settings.webhook_interval > 0:
            tasks.append(asyncio.create_task(webhooks()))
        # Signed checkpoints on a schedule, kept outside the database: `ledger verify`
        # then catches rows removed from the end.
        if settings.checkpoint_dir and settings.checkpoint_interval > 0:
            tasks.append(asyncio.create_task(checkpoints()))
        if wal is not None:
            tasks.append(asyncio.create_task(checkpoints_of_wal(wal)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await check_log.close()
            if isinstance(notice_rounds, RoundProcess):
                await run_in_threadpool(notice_rounds.close)
            if wal is not None:
                await run_in_threadpool(wal.close)
            rounds_lock.release()
            if owns_deployment:
                deployment.close()

    return lifespan


def per_process(rate: Rate, processes: int) -> Rate:
    """The public rate one of ``processes`` server processes allows each client: the
    rate and the burst shared out, so that a client never gets more than ``rate`` from
    all of them together (a burst of at least 1 each)."""
    if processes <= 1 or not rate.limited:
        return rate
    return Rate(rate.per_second / processes, max(1, rate.burst // processes))


class _PublicLookupsCollector:
    """``xinyong_public_lookups_total{what}``: anonymous public lookups this process answered."""

    def __init__(self, lookups: PublicLookups):
        self.lookups = lookups

    def describe(self):
        return [CounterMetricFamily("xinyong_public_lookups", "Anonymous public lookups answered", labels=["what"])]

    def collect(self):
        family = CounterMetricFamily("xinyong_public_lookups", "Anonymous public lookups answered", labels=["what"])
        for what, count in sorted(self.lookups.counts().items()):
            family.add_metric([what], count)
        yield family


# Components the routes document without FastAPI knowing them: bodies the routes read
# themselves (events, checks) and the problem document of every error.
DOCUMENTED = (ProblemDetail, CheckQuestion, CheckManifest, EventBatch)


def _with_components(app: FastAPI) -> Callable[[], dict[str, Any]]:
    """``app.openapi`` with the components of :data:`DOCUMENTED` added, once."""

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            document = FastAPI.openapi(app)
            _, definitions = models_json_schema(
                [(model, "validation") for model in DOCUMENTED], ref_template="#/components/schemas/{model}"
            )
            schemas = document.setdefault("components", {}).setdefault("schemas", {})
            for name, schema in definitions["$defs"].items():
                if name in schemas and schemas[name] != schema:
                    raise RuntimeError(f"two components are named {name}")
                schemas[name] = schema
            document["components"]["schemas"] = dict(sorted(schemas.items()))
        return app.openapi_schema  # type: ignore[return-value]

    return openapi


def create_app(
    deployment: Deployment,
    max_body: int = MAX_BODY,
    settings: Settings | None = None,
    *,
    owns_deployment: bool = False,
) -> FastAPI:
    """The API alone; :func:`xinyong.entrypoints.server.create_app` adds the web pages.
    ``settings`` (default: the deployment's own, read once where it was opened) set the
    public rate (shared out among ``settings.workers`` processes) and the background
    rounds. With ``owns_deployment`` the deployment is closed when the app shuts down."""
    settings = settings or deployment.settings
    check_log = CheckLog(deployment.inquiries, wait=settings.check_lock_wait)
    metrics = CollectorRegistry()
    app = FastAPI(
        # Before every route: dates and integers in path and query within their ranges.
        dependencies=[Depends(parameters_in_range)],
        lifespan=_lifespan(deployment, settings, check_log, owns_deployment, metrics),
        title="Xinyong",
        version=version("xinyong"),
        summary="Credit records with due process: every point explained.",
        description=(
            "Sources submit records; service points ask for decisions with reasons; "
            "subjects read their whole file and who looked; the public looks up "
            "organisations and published lists. Errors are RFC 9457 problem details."
        ),
    )
    app.openapi = _with_components(app)  # type: ignore[method-assign]
    app.state.deployment = deployment
    app.state.check_log = check_log
    app.state.public_limiter = RateLimiter(per_process(Rate.parse(settings.public_rate), settings.workers))
    problems.install(app)
    for router in (
        events.router,
        subjects.router,
        me.router,
        optin.router,
        due_process.router,
        public.router,
        audit.router,
        webhooks.router,
        federation.router,
    ):
        app.include_router(router)

    app.state.metrics = metrics
    metrics.register(_PublicLookupsCollector(deployment.publication.lookups))

    @app.get(
        "/livez",
        response_model=Liveness,
        tags=["operations"],
        summary="Liveness: answers without touching the database",
    )
    async def livez() -> dict:
        return {"status": "ok"}

    @app.get("/healthz", response_model=Health, tags=["operations"], summary="Liveness and counts")
    def healthz() -> dict:
        with deployment.units(read_only=True) as uow:
            count = uow.ledger.event_count()
        return {"status": "ok", "ledger_events": count, "catalogs": len(deployment.catalogs.registry().ids())}

    @app.get("/metrics", response_class=PlainTextResponse, tags=["operations"], summary="Prometheus metrics")
    def prometheus() -> PlainTextResponse:
        return PlainTextResponse(generate_latest(metrics), media_type=CONTENT_TYPE_LATEST)

    app.add_middleware(BodyLimit, max_bytes=max_body, upload_bytes=max(max_body, MAX_UPLOAD_BODY))
    app.add_middleware(Observe, registry=metrics)  # added last: outermost, it sees every answer
    return app
