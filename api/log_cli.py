"""`scraptrace log`: make the log's signing key, check the stored log against the stored events."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

log_app = typer.Typer(help="The transparency log (docs/transparency.md).", no_args_is_help=True)
console = Console()


@log_app.command("keygen")
def keygen(path: Annotated[Path, typer.Argument(help="Where to write the signer key.")],
           name: Annotated[str | None, typer.Option(
               help="The key's name; default: the log's origin (SCRAPTRACE_PUBLIC_URL host + /log).")
           ] = None) -> None:
    """Write a new Ed25519 note signer key (readable by its owner only); never overwrites."""
    from domain.settings import get_settings
    from domain.tlog import note

    key = note.generate(name or note.origin(get_settings().public_url))
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        console.print(f"[red]{path} exists: a log key is never overwritten[/red]")
        raise typer.Exit(1) from None
    with os.fdopen(fd, "w") as f:
        f.write(key + "\n")
    console.print(f"log key written to {path}; verifier key: "
                  f"{note.parse_signer(key).verifier_key}", highlight=False, soft_wrap=True)


@log_app.command("verify")
def verify(checkpoint: Annotated[Path | None, typer.Option(
        help="A checkpoint saved earlier: its root must be the stored tree's at its size.")
        ] = None) -> None:
    """Rebuild every leaf from the stored events and the tree's root; exit 1 on any mismatch."""
    import base64

    from domain.db import Database
    from domain.settings import get_settings
    from domain.tlog import audit, log

    db = Database(get_settings().database_url)
    with db.read() as s:
        result = audit.check(s.connection())
        if checkpoint is not None:
            _, size, root = checkpoint.read_text().split("\n")[:3]
            if int(size) > result.size or log.root(s.connection(), int(size)) \
                    != base64.b64decode(root):
                result.bad(None, f"the stored tree of size {size} is not the one of {checkpoint}")
    db.dispose()
    if result.ok:
        console.print(f"OK: {result.size} leaves match the stored events and the tree's root")
        return
    if result.first_bad is not None:
        console.print(f"first disagreement at leaf index {result.first_bad}")
    for line in result.problems:
        console.print(f"[red]{line}[/red]", highlight=False)
    raise typer.Exit(1)
