"""The capture baseline: a bare FastAPI endpoint that validates the same body and inserts one row.

Served exactly like the real app (uvicorn, same workers, same engine settings), so the gap
between the two is what scraptrace's rules cost.
"""

from __future__ import annotations

import gc

import orjson
from fastapi import FastAPI, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import TypeAdapter
from sqlalchemy import text

from api.memory import tune_malloc
from domain.commands import EventCommand
from domain.db import Database
from domain.settings import get_settings

command = TypeAdapter(EventCommand)
app = FastAPI()
_db: Database | None = None


CREATE = "CREATE TABLE IF NOT EXISTS bench_bare (id VARCHAR(36) PRIMARY KEY, payload TEXT NOT NULL)"


def db() -> Database:
    """The engine, made on first use (the runner created the table before serving)."""
    global _db
    if _db is None:
        _db = Database(get_settings().database_url)
    return _db


@app.post("/bare/events", status_code=201)
async def bare_event(request: Request) -> Response:
    raw = await request.body()

    def work() -> bytes:
        cmd = command.validate_python(orjson.loads(raw))
        payload = cmd.model_dump_json()
        with db().write() as s:
            s.execute(text("INSERT INTO bench_bare (id, payload) VALUES (:id, :p)"),
                      {"id": str(cmd.id), "p": payload})
        return payload.encode()

    body = await run_in_threadpool(work)
    return Response(body, status_code=201, media_type="application/json")


@app.get("/bare/trace/{lot_id}")
def bare_trace(lot_id: int) -> Response:
    """The trace baseline: the bare recursive walk back from a lot, its rows as JSON."""
    from domain.lineage import MAX_DEPTH, WALKS

    with db().read() as s:
        rows = s.execute(WALKS["back"], {"root": lot_id, "max_depth": MAX_DEPTH}).all()
    return Response(orjson.dumps([list(r) for r in rows]), media_type="application/json")


# The same process set-up as api/main.py, so that the baseline is served exactly as the app is.
tune_malloc()
gc.collect()
gc.freeze()
