"""The outlook, and notices: send those that time brings, deliver email, read an inbox."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.markup import escape

from xinyong.domain.standing import NotInForce
from xinyong.entrypoints.cli.root import (
    AsJson,
    AsOf,
    configured,
    day_asked,
    deployment_or_exit,
    fail,
    out,
    print_json,
    subject_ref,
)

# -------------------------------------------------------------- outlook and notices

Lang = Annotated[str, typer.Option("--lang", help="The language of notices and the outlook: en or zh-CN.")]

notices_app = typer.Typer(
    help="Notices: send those that time brings, deliver email, read an inbox.", no_args_is_help=True
)


def outlook_command(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    catalog: Annotated[str, typer.Option("--catalog", help="Catalog id.")],
    as_of: AsOf = None,
    as_json: AsJson = False,
    lang: Lang = "en",
) -> None:
    """The way back: each future day on which the score or grade changes or a list entry
    ends if nothing new happens, and which repairs become possible when."""
    ref, day = subject_ref(subject), day_asked(as_of)
    try:
        view = deployment_or_exit().due_process.outlook(ref, catalog, day, _language(lang))
    except NotInForce as error:
        raise fail(escape(str(error))) from None
    if as_json:
        from xinyong.entrypoints.api.models import Outlook

        print_json(Outlook.of(view).model_dump(mode="json", by_alias=True))
        return
    out.print(f"[bold]{ref}[/] under [bold]{catalog}[/] on {day}: score {view.score}, grade {view.grade}")
    for e in view.lists:
        out.print(f"on list {e.list} (record {e.record}) until {e.until or 'removed'}")
    if not view.changes:
        out.print("nothing changes from here if nothing new happens")
    for c in view.changes:
        out.print(f"  {c.day}: score {c.score}, grade {c.grade}: " + "; ".join(c.what), markup=False)
    for r in view.repairs:
        out.print(f"repair of record {r.record} ({r.rule}) possible from {r.possible_from}")


def _language(lang: str) -> str:
    from xinyong import messages

    if lang not in messages.LANGUAGES:
        raise fail(f"--lang: one of {', '.join(messages.LANGUAGES)}", 2)
    return lang


@notices_app.command("run")
def notices_run(as_of: AsOf = None) -> None:
    """Write the notices that time brings by a day (records taking effect, list entries
    starting and ending); each is written once however often this runs."""
    written = deployment_or_exit().due_process.send_due_notices(day_asked(as_of))
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

    settings = configured()
    if not settings.smtp_host:
        raise fail("set XINYONG_SMTP_HOST (and XINYONG_SMTP_PORT, XINYONG_SMTP_FROM) to deliver email", 2)
    d = deployment_or_exit()
    channel = SmtpChannel(settings.smtp_host, settings.smtp_port, settings.smtp_from)
    report = deliver_email(d.units, channel, language=language)
    out.print(f"sent {report.sent}, failed {report.failed} (to be retried), no address {report.skipped}")


@notices_app.command("list")
def notices_list(
    subject: Annotated[str, typer.Argument(help="rid:NUMBER or uscc:CODE")],
    as_json: AsJson = False,
    lang: Lang = "en",
) -> None:
    """A subject's inbox, newest first."""
    language = _language(lang)
    d = deployment_or_exit()
    notices = d.reports.inbox(subject_ref(subject))
    catalogs = d.catalogs.registry()
    if as_json:
        print_json([n.as_json(language, catalogs=catalogs) for n in notices])
        return
    for n in notices:
        title, text = n.rendered(language, "api", catalogs)
        out.print(f"[bold]{n.created_at[:10]} {escape(title)}[/] ({n.kind}, {n.id})")
        out.print(f"  {text}", markup=False)
