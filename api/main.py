"""The ASGI application object for `uvicorn api.main:app` (built from the environment)."""

import gc

from api.app import create_app
from api.memory import tune_malloc

tune_malloc()  # before the thread pool starts (api/memory.py)
app = create_app()
# The objects made by importing and building the app live as long as the process: kept out of
# the collector's generations, the full collections that capture's allocations trigger no
# longer walk them (those pauses set the tail: p99 120 ms → 37 ms at 32 writers, SQLite).
gc.collect()
gc.freeze()
