"""The `scraptrace-client` command: log in, push events from JSON Lines, read lots and reports."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from scraptrace_client import credentials, render
from scraptrace_client.client import MAX_BATCH, BatchResult, Client
from scraptrace_client.errors import ProblemError, UnreachableError

DEFAULT_URL = "http://127.0.0.1:8000"

app = typer.Typer(help="Client of the scraptrace API: log in, push events, read lots and reports.",
                  no_args_is_help=True, add_completion=False)
reports_app = typer.Typer(help="Reports: recycled share (metal kg) and mass balance (material kg).",
                          no_args_is_help=True)
app.add_typer(reports_app, name="reports")
# The first names of the report commands, kept for scripts that use them.
report_app = typer.Typer(help="Reports (old names: recycled-share, mass-balance).",
                         no_args_is_help=True)
app.add_typer(report_app, name="report", hidden=True)


class Status(StrEnum):
    active = "active"
    in_transit = "in_transit"
    consumed = "consumed"
    void = "void"


class Metal(StrEnum):
    Al = "Al"
    Cu = "Cu"
    Pb = "Pb"


@dataclass
class Options:
    url: str | None
    token: str | None


def console(stderr: bool = False) -> Console:
    """A console on the current streams; wide enough for the report tables when piped."""
    width = None if os.environ.get("COLUMNS") or Console().is_terminal else 240
    return Console(stderr=stderr, width=width)


def fail(message: str, code: int = 1) -> NoReturn:
    console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


@app.callback()
def main(ctx: typer.Context,
         url: Annotated[str | None, typer.Option(
             envvar="SCRAPTRACE_URL",
             help=f"The server's address (default: the stored login's, else {DEFAULT_URL})."
         )] = None,
         token: Annotated[str | None, typer.Option(
             envvar="SCRAPTRACE_TOKEN",
             help="A bearer token (default: the stored login's).")] = None,
         ) -> None:
    ctx.obj = Options(url=url, token=token)


@contextmanager
def connect(ctx: typer.Context) -> Iterator[Client]:
    """A client on the chosen server with the right token; problems become short messages."""
    opts: Options = ctx.obj
    stored = credentials.load()
    url = opts.url or (stored.url if stored else DEFAULT_URL)
    token = opts.token or (stored.token if stored and stored.url == url else None)
    try:
        with Client(url, token=token) as client:
            yield client
    except ProblemError as err:
        hint = ("; log in first: scraptrace-client login USERNAME"
                if err.code in ("unauthenticated", "invalid-token") else "")
        fail(f"{err}{hint}")
    except UnreachableError as err:
        fail(str(err))


def read_password(password: str | None, from_stdin: bool) -> str:
    """The password: given (option or SCRAPTRACE_PASSWORD), else the first line of standard
    input when asked to or when there is no terminal, else asked for without echo."""
    if password:
        return password
    if from_stdin or not sys.stdin.isatty():
        line = sys.stdin.readline().rstrip("\r\n")
        if not line:
            fail("no password: give it on standard input, in SCRAPTRACE_PASSWORD, or run "
                 "login in a terminal", code=2)
        return line
    return str(typer.prompt("Password", hide_input=True))


@app.command()
def login(ctx: typer.Context,
          username: Annotated[str, typer.Argument(help="Your scraptrace user name.")],
          password: Annotated[str | None, typer.Option(
              envvar="SCRAPTRACE_PASSWORD", show_default=False,
              help="The password (better: SCRAPTRACE_PASSWORD, standard input or the prompt).")
          ] = None,
          password_stdin: Annotated[bool, typer.Option(
              "--password-stdin", help="Read the password from standard input's first line "
                                       "(the default when there is no terminal).")] = False,
          print_token: Annotated[bool, typer.Option(
              "--print", help="Print the token instead of storing it.")] = False) -> None:
    """Log in and store the token (a private file under the config directory), or print it."""
    secret = read_password(password, password_stdin)
    with connect(ctx) as client:
        token = client.login(username, secret)
        if print_token:
            typer.echo(token)
            return
        path = credentials.save(credentials.Credentials(
            url=client.base_url, token=token, username=username, expires_at=client.expires_at))
        console().print(f"logged in to {client.base_url} as {username} (until {client.expires_at}); "
                        f"token stored in {path}", highlight=False)


def read_jsonl(path: Path) -> tuple[list[dict[str, Any]], list[int]]:
    """The events of a JSON Lines file and their line numbers; exits on a line that cannot be
    sent safely (not an object, no `id`, an `id` used twice) before anything is sent."""
    events: list[dict[str, Any]] = []
    lines: list[int] = []
    seen: dict[str, int] = {}
    errors: list[str] = []
    with path.open(encoding="utf-8") as f:
        for number, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                event = json.loads(text)
            except json.JSONDecodeError as exc:
                errors.append(f"line {number}: not JSON ({exc.msg})")
                continue
            if not isinstance(event, dict):
                errors.append(f"line {number}: not a JSON object")
                continue
            event_id = event.get("id")
            if not isinstance(event_id, str) or not event_id:
                errors.append(f"line {number}: no id (every event needs a stable id so that "
                              "resending the file is safe)")
                continue
            if event_id in seen:
                errors.append(f"line {number}: id {event_id} is already used on line "
                              f"{seen[event_id]}")
                continue
            seen[event_id] = number
            events.append(event)
            lines.append(number)
    if errors:
        more = f" (and {len(errors) - 10} more)" if len(errors) > 10 else ""
        fail(f"{path}: nothing sent:\n  " + "\n  ".join(errors[:10]) + more, code=2)
    return events, lines


@app.command()
def push(ctx: typer.Context,
         file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True,
                                              help="JSON Lines: one event per line.")],
         batch_size: Annotated[int, typer.Option(min=1, max=MAX_BATCH,
                                                 help="Events per request.")] = MAX_BATCH) -> None:
    """Send the events of a JSON Lines file in batches. Safe to repeat: stored ids replay."""
    events, lines = read_jsonl(file)
    out = console()
    done = BatchResult()
    with connect(ctx) as client, Progress(
            TextColumn("pushing"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
            console=out, transient=True, disable=not out.is_terminal) as progress:
        task = progress.add_task("push", total=len(events))

        def advance(result: BatchResult) -> None:
            nonlocal done
            done = result
            progress.update(task, completed=result.stored + result.replayed)

        try:
            client.record_batch(events, chunk_size=batch_size, on_chunk=advance)
        except ProblemError as err:
            progress.stop()
            where = f"line {lines[err.position]}" if err.position is not None else "a batch"
            fail(f"{file}: {where} refused: {err}\n  before it: {done.stored} stored, "
                 f"{done.replayed} replayed; pushing the file again after a fix is safe "
                 "(stored events replay)")
    out.print(f"{len(events)} events: {done.stored} stored, {done.replayed} replayed",
              highlight=False)


def print_json(data: object) -> None:
    typer.echo(json.dumps(data, indent=2, ensure_ascii=False))


@app.command()
def lot(ctx: typer.Context, code: str,
        as_json: Annotated[bool, typer.Option("--json", help="Print the raw JSON.")] = False) -> None:
    """A lot's card: metal, grade, status, mass, custodian and the cells of its content."""
    with connect(ctx) as client:
        card = client.lot(code)
    if as_json:
        print_json(card)
        return
    out = console()
    out.print(render.lot_table(card))
    out.print(render.cells_table(card))


@app.command()
def lots(ctx: typer.Context,
         site: Annotated[str | None, typer.Option(help="Only lots at this site (its code).")] = None,
         status: Annotated[Status | None, typer.Option(help="Only lots in this state.")] = None,
         metal: Annotated[Metal | None, typer.Option(help="Only lots of this metal.")] = None,
         limit: Annotated[int, typer.Option(min=0, help="At most this many (0: all).")] = 100,
         as_json: Annotated[bool, typer.Option("--json", help="Print JSON Lines.")] = False,
         ) -> None:
    """The lots you may see, oldest first: code, grade and its name, status, mass, holder."""
    filters = {"site": site, "status": status and status.value, "metal": metal and metal.value,
               "limit": min(limit, 500) if limit else 500}
    with connect(ctx) as client:
        found = list(islice(client.lots(**filters), limit + 1 if limit else None))
        names = {} if as_json else {g["code"]: g["name_en"] for g in client.grades()}
    more = bool(limit) and len(found) > limit
    found = found[:limit] if limit else found
    if as_json:
        for item in found:
            typer.echo(json.dumps(item, ensure_ascii=False))
        return
    console().print(render.lots_table(found, names, more))


FromOpt = Annotated[date, typer.Option("--from", formats=["%Y-%m-%d"],
                                       help="First local day (inclusive).")]
ToOpt = Annotated[date, typer.Option("--to", formats=["%Y-%m-%d"],
                                     help="Day after the last (exclusive).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the raw JSON.")]


def share(ctx: typer.Context,
          metal: Annotated[Metal, typer.Option(help="The metal.")],
          from_: FromOpt, to: ToOpt,
          producer: Annotated[str | None, typer.Option(help="One producer's code.")] = None,
          as_json: JsonOpt = False) -> None:
    """Per producer: metal kg by class, shares in %, eligible recycled metal by provenance."""
    with connect(ctx) as client:
        report = client.recycled_share(metal.value, from_, to, producer=producer)
    if as_json:
        print_json(report)
    else:
        console().print(render.recycled_share_table(report))


def balance(ctx: typer.Context, from_: FromOpt, to: ToOpt,
            site: Annotated[str | None, typer.Option(help="One site's code.")] = None,
            metal: Annotated[Metal | None, typer.Option(help="One metal.")] = None,
            as_json: JsonOpt = False) -> None:
    """Per site and metal, material kg: opening + received + created + produced − shipped −
    charged − losses."""
    with connect(ctx) as client:
        report = client.mass_balance(from_, to, site=site, metal=metal and metal.value)
        if as_json:
            print_json(report)
            return
        org_names = {o["code"]: o["name"] for o in client.orgs()}
        site_names = {s["code"]: s["name"] for org in sorted({r["org"] for r in report["sites"]})
                      for s in client.sites(org)}
    console().print(render.mass_balance_table(report, site_names, org_names))


reports_app.command("share")(share)
reports_app.command("balance")(balance)
report_app.command("recycled-share")(share)
report_app.command("mass-balance")(balance)


# The spreadsheet commands (import, export) register themselves on `app`.
from scraptrace_client import sheets_cli  # noqa: E402, F401
