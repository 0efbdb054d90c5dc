"""The ASGI application object for `uvicorn api.main:app` (built from the environment)."""

from api.app import create_app
from api.memory import tune_malloc

tune_malloc()  # before the thread pool starts (api/memory.py)
app = create_app()
