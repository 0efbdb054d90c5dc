"""`scraptrace-verify`: an agency's offline check of evidence bundles and of the log's history."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import httpx
import typer

from scraptrace_client.tlog import Checkpoint, VerifierKey, VerifyError
from scraptrace_client.verify import API, check_against_server, check_bundle, check_log

app = typer.Typer(help="Check scraptrace evidence and log history without trusting the server.",
                  no_args_is_help=True, add_completion=False)
KeyOpt = Annotated[str | None, typer.Option(
    "--key", help="The log's verifier key (note format), or a file holding it.")]
TokenOpt = Annotated[str | None, typer.Option(
    "--token", envvar="SCRAPTRACE_TOKEN", help="An auditor's bearer token (for --url).")]


def _key(value: str | None, fallback: str | None, where: str) -> VerifierKey:
    if value is None:
        if fallback is None:
            raise VerifyError("no verifier key: pass --key")
        typer.echo(f"note: using the verifier key from {where}; pin it with --key", err=True)
        value = fallback
    elif Path(value).is_file():
        value = Path(value).read_text()
    return VerifierKey.parse(value)


def _http(url: str, token: str | None) -> httpx.Client:
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    return httpx.Client(base_url=url.rstrip("/"), headers=headers, timeout=60)


def _fail(problems: list[str]) -> None:
    for p in problems:
        typer.echo(f"FAIL {p}")
    raise typer.Exit(1)


@app.command()
def bundle(file: Path, key: KeyOpt = None,
           url: Annotated[str | None, typer.Option(
               help="Also check the server: the log extends the bundle's checkpoint, its leaves "
                    "are served unchanged, and today's evidence proves the same report.")] = None,
           token: TokenOpt = None) -> None:
    """Check an evidence bundle: signature, inclusion proofs, leaves, and the report recomputed
    from the logged events, to the gram. Prints OK and the shares, or each discrepancy."""
    data = json.loads(file.read_text())
    try:
        vkey = _key(key, data.get("key"), "the bundle")
    except VerifyError as exc:
        _fail([str(exc)])
    out = check_bundle(data, vkey)
    problems = list(out.problems)
    if url is not None:
        with _http(url, token) as http:
            problems += check_against_server(http, data, vkey)
    if problems:
        _fail(problems)
    q, f = data["query"], out.figures
    assert out.checkpoint is not None
    typer.echo(f"OK {q['producer']} {q['metal']} [{q['from']}, {q['to']}): {out.melts} melts, "
               f"{len(data['leaves'])} logged events, checkpoint {out.checkpoint.size}")
    for name, value in out.shares().items():
        typer.echo(f"{name} {'null' if value is None else repr(float(value))} "
                   f"({'-' if value is None else value})")
    for name in ("post_consumer_g", "pre_consumer_g", "declared_g", "primary_g", "home_scrap_g",
                 "rework_g", "in_province_g", "out_of_province_g", "imported_g"):
        typer.echo(f"{name} {f[name]}")


@app.command()
def log(url: Annotated[str, typer.Option(help="The platform's address.")],
        checkpoint: Annotated[Path, typer.Option(
            help="The checkpoint saved last time; replaced by the new one once it is proved.")],
        key: KeyOpt = None, token: TokenOpt = None) -> None:
    """Fetch the current checkpoint, prove it extends the saved one, and save it: run weekly,
    this catches a history rewritten and signed again."""
    with _http(url, token) as http:
        try:
            served = http.get(f"{API}/log/key").text if key is None else None
            vkey = _key(key, served, "the server")
            if not checkpoint.exists():
                new = Checkpoint.open(http.get(f"{API}/log/checkpoint").text, vkey)
                typer.echo(f"first checkpoint saved: size {new.size} (nothing to compare yet)")
            else:
                old = Checkpoint.open(checkpoint.read_text(), vkey)
                new = check_log(http, old, vkey)
                typer.echo(f"OK the log grew from {old.size} to {new.size} leaves; "
                           "every earlier leaf is unchanged")
        except (VerifyError, httpx.HTTPError) as exc:
            _fail([str(exc)])
    checkpoint.write_text(new.text)


