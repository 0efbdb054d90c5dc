"""`python -m scraptrace_client`: the command line."""

from scraptrace_client.cli import app

app(prog_name="scraptrace-client")
