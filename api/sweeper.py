"""The server's hourly findings sweep, started and stopped with the app (its lifespan)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from starlette.concurrency import run_in_threadpool

from domain.findings.engine import sweep

log = logging.getLogger("scraptrace.findings")


async def _every(app: FastAPI, seconds: int) -> None:
    while True:
        await asyncio.sleep(seconds)
        try:
            def work() -> int:
                with app.state.db.write() as s:
                    return sweep(s, settings=app.state.settings)
            raised = await run_in_threadpool(work)
            if raised:
                log.info("findings sweep raised %d findings", raised)
        except Exception:  # a failed sweep is retried at the next tick; capture goes on
            log.exception("findings sweep failed")


@asynccontextmanager
async def findings_sweeper(app: FastAPI) -> AsyncIterator[None]:
    """Sweep every `findings_sweep_s` seconds (0: never). Several workers may each run it: the
    sweep itself makes sure two never run at once and raises nothing twice."""
    seconds = app.state.settings.findings_sweep_s
    task = asyncio.create_task(_every(app, seconds)) if seconds > 0 else None
    try:
        yield
    finally:
        if task is not None:
            task.cancel()
