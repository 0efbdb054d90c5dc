"""The `scraptrace` command: serve, migrate, seed, administer."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from api.log_cli import log_app, start_integrator

app = typer.Typer(help="scraptrace: chain of custody for recycled Al, Cu and Pb.",
                  no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
seed_app = typer.Typer(help="Demo and benchmark data.", no_args_is_help=True)
admin_app = typer.Typer(help="Platform administrators.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(seed_app, name="seed")
app.add_typer(admin_app, name="admin")
app.add_typer(log_app, name="log")
findings_app = typer.Typer(help="Audit findings.", no_args_is_help=True)
app.add_typer(findings_app, name="findings")
console = Console()


@app.command()
def serve(host: Annotated[str, typer.Option()] = "127.0.0.1",
          port: Annotated[int, typer.Option()] = 8000,
          workers: Annotated[int, typer.Option(help="Server processes.")] = 1) -> None:
    """Serve the API and web app (on SQLite, in one process: see docs/performance.md)."""
    import logging
    import os

    import uvicorn

    from api.label_render import warn_if_loopback
    from domain.settings import get_settings

    logging.basicConfig(format="%(levelname)s %(name)s: %(message)s")
    base = f"http://{host}:{port}"
    # Labels point at the public address; unset, it is the address served here (its workers
    # read the same environment).
    os.environ.setdefault("SCRAPTRACE_PUBLIC_URL", base)
    os.environ.setdefault("SCRAPTRACE_WEBHOOK_WORKER", "1")  # deliveries sent by the server
    get_settings.cache_clear()
    settings = get_settings()
    warn_if_loopback(settings.public_url)
    if workers > 1 and settings.database_url.startswith("sqlite"):
        # SQLite has one writer: processes would queue in its busy handler (sleeps of up to
        # 100 ms, p99 of seconds), while one process's threads queue in order on its lock.
        console.print("SQLite has one writer: serving with one process")
        workers = 1
    console.print(f"serving on [bold]{base}[/bold]  (app {base}/app/, API docs {base}/api/v1/docs); "
                  "Ctrl-C stops", highlight=False, soft_wrap=True)
    integrator = start_integrator() if settings.transparency_log else None
    try:
        uvicorn.run("api.main:app", host=host, port=port, workers=workers, log_level="warning",
                    access_log=False)
    finally:
        if integrator is not None:
            integrator.terminate()


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to SCRAPTRACE_DATABASE_URL."""
    from domain.migrate import upgrade
    from domain.settings import get_settings

    upgrade(get_settings().database_url)
    console.print("[green]database is at the latest schema[/green]")


@db_app.command("rederive")
def db_rederive() -> None:
    """Rebuild lots and ledgers from the event log by today's accounting rules (after an
    upgrade that changed them); all or nothing."""
    from rich.progress import Progress

    from domain.db import Database
    from domain.events.replay import rederive
    from domain.settings import get_settings

    settings = get_settings()
    db = Database(settings.database_url)
    with Progress(console=console) as bar, db.write() as session:
        task = bar.add_task("events planned again", total=None)
        done = rederive(session, settings=settings,
                        progress=lambda n: bar.update(task, completed=n))
    console.print(f"[green]{done:,} events planned again[/green]; reports follow today's rules")


@findings_app.command("sweep")
def findings_sweep(at: Annotated[str | None, typer.Option(
        help="Sweep as of the end of this local day (YYYY-MM-DD); default: now.")] = None,
                   ) -> None:
    """Raise the period findings (stale transit, declared share, void rate); a finding is
    raised once however often this runs."""
    from datetime import date

    from domain.db import Database
    from domain.findings.engine import sweep, sweep_date
    from domain.settings import get_settings

    settings = get_settings()
    when = sweep_date(date.fromisoformat(at), settings) if at else None
    with Database(settings.database_url).write() as session:
        raised = sweep(session, settings=settings, at=when)
    console.print(f"[green]{raised} new findings[/green]")


@seed_app.command("demo")
def seed_demo(if_empty: Annotated[bool, typer.Option(
        "--if-empty", help="Do nothing when the database already has organisations.")] = False,
              ) -> None:
    """A believable Guizhou network with about a year of events, and the demo logins."""
    from domain.db import Database
    from domain.settings import get_settings
    from seed.demo import DEMO_USERS, has_data, seed_demo

    settings = get_settings()
    db = Database(settings.database_url)
    if if_empty and has_data(db):
        console.print("the database has data: demo not loaded again")
    else:
        stats = seed_demo(db, settings, progress=console.is_terminal)
        console.print(f"[green]demo loaded[/green]: {stats}", soft_wrap=True)
    console.print("demo logins (password [bold]demo-pass[/bold]): " + ", ".join(DEMO_USERS),
                  soft_wrap=True)


@seed_app.command("scale")
def seed_scale(lots: Annotated[int, typer.Option(help="Lots to collect (each with its whole "
                                                      "history: sorting, shipping, melting).")],
               seed: Annotated[int, typer.Option(help="Random seed (same seed, same data).")] = 7,
               ) -> None:
    """Benchmark-scale data written in bulk, row for row what the API would have written."""
    import time

    from domain.db import Database
    from domain.settings import get_settings
    from seed.scale import seed_scale as run

    settings = get_settings()
    db = Database(settings.database_url)
    started = time.perf_counter()
    stats = run(db, settings, lots=lots, seed=seed, progress=True)
    console.print(f"[green]scale data loaded[/green] in {time.perf_counter() - started:.1f} s: "
                  + ", ".join(f"{k} {v:,}" for k, v in stats.items()))
    console.print(f"every user's password is [bold]{'scale-pass'}[/bold]")


@admin_app.command("create")
def admin_create(username: Annotated[str, typer.Option()],
                 password: Annotated[str, typer.Option(prompt=True, hide_input=True)]) -> None:
    """Create a platform administrator (the password policy applies: 10+ characters, not common)."""
    from domain.db import Database
    from domain.errors import DomainError
    from domain.orgs import create_user
    from domain.settings import get_settings

    db = Database(get_settings().database_url)
    try:
        with db.write() as s:
            create_user(s, actor=None, org_code=None, username=username, password=password,
                        role="admin")
    except DomainError as err:
        console.print(f"[red]refused ({err.code})[/red]: {err.detail}")
        raise typer.Exit(1) from err
    finally:
        db.dispose()
    console.print(f"administrator [bold]{username}[/bold] created")


if __name__ == "__main__":
    app()
