"""The server's background work, started and stopped with the app (its lifespan): the hourly
findings sweep and, where turned on, the webhook delivery worker."""

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


@asynccontextmanager
async def background_work(app: FastAPI) -> AsyncIterator[None]:
    """The findings sweep, and the webhook worker when `webhook_worker` is set (off unless
    SCRAPTRACE_WEBHOOK_WORKER; `scraptrace serve` sets it)."""
    worker = None
    if app.state.settings.webhook_worker:
        from domain.webhook_delivery import DeliveryWorker

        worker = DeliveryWorker(app.state.db, app.state.settings,
                                poll_s=app.state.settings.webhook_poll_s)
        worker.start()
    try:
        async with findings_sweeper(app):
            yield
    finally:
        if worker is not None:
            worker.stop()
