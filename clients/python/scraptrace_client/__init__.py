"""scraptrace-client: an HTTP client of the scraptrace API (SDK and the `scraptrace-client` CLI)."""

from scraptrace_client.client import BatchResult, Client, Recorded, new_event_id
from scraptrace_client.errors import ProblemError, ScraptraceError, UnreachableError

__all__ = ["BatchResult", "Client", "ProblemError", "Recorded", "ScraptraceError",
           "UnreachableError", "new_event_id"]
__version__ = "0.1.0"
