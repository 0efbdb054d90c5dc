"""Single-event requests recorded together, in one transaction: group commit.

Under many concurrent writers every single event paid a transaction of its own: about fifteen
statements (the batch's reads, the log's place, the webhooks' outbox) and a commit, one
request after another behind the database's writer. Here one writer thread per server process
takes every single-event request waiting and records them with one `record_submissions` call:
each request is still checked as its own caller, in the order it arrived, and is answered only
after the commit. When the group fails (one request broke a rule), each of its requests is
recorded again alone, so that one refusal never refuses the others.
"""

from __future__ import annotations

import asyncio
import queue
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field

from api.deps import write
from domain.auth import Actor
from domain.commands import Command
from domain.db import Database
from domain.events.capture import Recorded, Submission, record_events, record_submissions
from domain.settings import Settings

MAX_GROUP_EVENTS = 256  # a group's events: enough to share the cost, few enough to answer fast


@dataclass
class _Request:
    actor: Actor
    commands: Sequence[Command]
    loop: asyncio.AbstractEventLoop
    future: asyncio.Future[list[Recorded]] = field(repr=False)

    def answer(self, recorded: list[Recorded] | None, error: BaseException | None) -> None:
        def settle() -> None:
            if self.future.done():  # the client went away; what was recorded stays
                return
            if error is not None:
                self.future.set_exception(error)
            else:
                self.future.set_result(recorded or [])
        self.loop.call_soon_threadsafe(settle)


class GroupCommit:
    """The writer thread of one server process and the requests waiting for it."""

    def __init__(self, db: Database, settings: Settings) -> None:
        self.db, self.settings = db, settings
        self._waiting: queue.SimpleQueue[_Request] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._start = threading.Lock()
        self.groups = 0  # transactions that recorded more than one request (for tests, stats)

    async def record(self, actor: Actor, commands: Sequence[Command]) -> list[Recorded]:
        """Record one request's events (as `record_events` would) once its group commits."""
        loop = asyncio.get_running_loop()
        request = _Request(actor, commands, loop, loop.create_future())
        self._ensure_thread()
        self._waiting.put(request)
        return await request.future

    def _ensure_thread(self) -> None:
        with self._start:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="scraptrace-writer",
                                                daemon=True)
                self._thread.start()

    def _run(self) -> None:
        while True:
            group = [self._waiting.get()]
            events = len(group[0].commands)
            while events < MAX_GROUP_EVENTS:
                try:
                    nxt = self._waiting.get_nowait()
                except queue.Empty:
                    break
                group.append(nxt)
                events += len(nxt.commands)
            self._record(group)

    def _record(self, group: list[_Request]) -> None:
        if len(group) > 1:
            submissions = [Submission(r.actor, r.commands) for r in group]
            try:
                answers = write(self.db, lambda s: record_submissions(
                    s, settings=self.settings, submissions=submissions, batch=False))
            except Exception:
                pass
            else:
                self.groups += 1
                for request, recorded in zip(group, answers, strict=True):
                    request.answer(recorded, None)
                return
        for request in group:
            self._record_alone(request)

    def _record_alone(self, request: _Request) -> None:
        try:
            recorded = write(self.db, lambda s: record_events(
                s, actor=request.actor, settings=self.settings, events=request.commands,
                batch=False))
        except BaseException as exc:
            request.answer(None, exc)
        else:
            request.answer(recorded, None)

