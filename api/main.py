"""The ASGI application object for `uvicorn api.main:app` (built from the environment)."""

from api.app import create_app

app = create_app()
