"""The `scraptrace-client` command: log in, push events from JSON Lines, read lots and reports."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
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
                  no_args_is_help=True)
report_app = typer.Typer(help="Agency reports.", no_args_is_help=True)
app.add_typer(report_app, name="report")


@dataclass
class Options:
    url: str | None
    token: str | None


def console(stderr: bool = False) -> Console:
    """A console on the current streams; wide enough for the report tables when piped."""
    width = None if os.environ.get("COLUMNS") or Console().is_terminal else 200
    return Console(stderr=stderr, width=width)


def fail(message: str, code: int = 1) -> NoReturn:
    console(stderr=True).print(f"[red]error:[/red] {message}", highlight=False)
    raise typer.Exit(code)


@app.callback()
def main(ctx: typer.Context,
         url: Annotated[str | None, typer.Option(
             envvar="SCRAPTRACE_URL", help=f"The server [default: the login's, else {DEFAULT_URL}]."
         )] = None,
         token: Annotated[str | None, typer.Option(
             envvar="SCRAPTRACE_TOKEN", help="A bearer token [default: the stored login's].")] = None,
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


@app.command()
def login(ctx: typer.Context, username: str,
          password: Annotated[str, typer.Option(prompt=True, hide_input=True,
                                                envvar="SCRAPTRACE_PASSWORD")],
          print_token: Annotated[bool, typer.Option(
              "--print", help="Print the token instead of storing it.")] = False) -> None:
    """Log in and store the token (private file under the config directory), or print it."""
    with connect(ctx) as client:
        token = client.login(username, password)
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


FromOpt = Annotated[date, typer.Option("--from", formats=["%Y-%m-%d"],
                                       help="First local day (inclusive).")]
ToOpt = Annotated[date, typer.Option("--to", formats=["%Y-%m-%d"],
                                     help="Day after the last (exclusive).")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print the raw JSON.")]


@report_app.command("recycled-share")
def recycled_share(ctx: typer.Context,
                   metal: Annotated[str, typer.Option(help="Al, Cu or Pb.")],
                   from_: FromOpt, to: ToOpt,
                   producer: Annotated[str | None, typer.Option(help="One producer's code.")] = None,
                   as_json: JsonOpt = False) -> None:
    """Each producer's metal kilograms by class and its shares, as percentages."""
    with connect(ctx) as client:
        report = client.recycled_share(metal, from_, to, producer=producer)
    if as_json:
        print_json(report)
    else:
        console().print(render.recycled_share_table(report))


@report_app.command("mass-balance")
def mass_balance(ctx: typer.Context, from_: FromOpt, to: ToOpt,
                 site: Annotated[str | None, typer.Option(help="One site's code.")] = None,
                 metal: Annotated[str | None, typer.Option(help="Al, Cu or Pb.")] = None,
                 as_json: JsonOpt = False) -> None:
    """Per site and metal: opening + received + created − shipped − charged − losses = closing."""
    with connect(ctx) as client:
        report = client.mass_balance(from_, to, site=site, metal=metal)
    if as_json:
        print_json(report)
    else:
        console().print(render.mass_balance_table(report))
