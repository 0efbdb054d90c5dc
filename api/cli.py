"""The `scraptrace` command: serve, migrate, seed, administer."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(help="scraptrace: chain of custody for recycled Al, Cu and Pb.",
                  no_args_is_help=True)
db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
seed_app = typer.Typer(help="Demo and benchmark data.", no_args_is_help=True)
admin_app = typer.Typer(help="Platform administrators.", no_args_is_help=True)
app.add_typer(db_app, name="db")
app.add_typer(seed_app, name="seed")
app.add_typer(admin_app, name="admin")
console = Console()


@app.command()
def serve(host: Annotated[str, typer.Option()] = "127.0.0.1",
          port: Annotated[int, typer.Option()] = 8000,
          workers: Annotated[int, typer.Option(help="Server processes.")] = 1) -> None:
    """Serve the API and web app."""
    import uvicorn

    uvicorn.run("api.main:app", host=host, port=port, workers=workers, log_level="warning",
                access_log=False)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration to SCRAPTRACE_DATABASE_URL."""
    from domain.migrate import upgrade
    from domain.settings import get_settings

    upgrade(get_settings().database_url)
    console.print("[green]database is at the latest schema[/green]")


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
        stats = seed_demo(db, settings, progress=True)
        console.print(f"[green]demo loaded[/green]: {stats}")
    console.print("demo logins (password [bold]demo-pass[/bold]): " + ", ".join(DEMO_USERS))


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
    """Create a platform administrator."""
    from domain.db import Database
    from domain.orgs import create_user
    from domain.settings import get_settings

    db = Database(get_settings().database_url)
    with db.write() as s:
        create_user(s, actor=None, org_code=None, username=username, password=password,
                    role="admin")
    console.print(f"administrator [bold]{username}[/bold] created")


if __name__ == "__main__":
    app()
