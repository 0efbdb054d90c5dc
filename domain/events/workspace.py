"""One batch's view of the database for the planners: sites, lots and what the batch changes.

Everything a batch reads is read in a few statements before planning (`prefetch`): its sites,
its lots (locked), the caller's access to them, and reserved label codes. The planners then
check rules and change lot records in memory with the pure functions of `domain.lot_record`;
`store()` hands what they produced to `domain.events.store` in one step.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from domain import codes
from domain import commands as c
from domain import composition as comp
from domain import lot_record as lr
from domain.auth import Actor
from domain.errors import Conflict, DomainError, Forbidden, NotFound, RuleViolation
from domain.events import store
from domain.events.store import Pending, SiteInfo
from domain.labels import check_label_use
from domain.lot_record import LotRecord
from domain.periods import closings
from domain.settings import Settings
from domain.tlog import log as tlog


def _code(ref: str, pointer: str) -> str:
    try:
        return codes.normalize_lot_code(ref)
    except DomainError as exc:
        exc.pointer = pointer
        raise


def referenced_codes(cmd: c.Command) -> Iterable[str]:
    """Every lot code an event names: the lots it uses and the codes it asks for new lots."""
    refs: list[str | None]
    if isinstance(cmd, c.Collect | c.Import):  # and Declare
        refs = [cmd.lot]
    elif isinstance(cmd, c.Transform):
        refs = [*(i.lot for i in cmd.inputs), *(o.lot for o in cmd.outputs)]
    elif isinstance(cmd, c.Ship):
        refs = list(cmd.lots)
    elif isinstance(cmd, c.Receive):
        refs = [i.lot for i in cmd.lots]
    elif isinstance(cmd, c.Assay):
        refs = [cmd.lot]
    elif isinstance(cmd, c.Melt):
        refs = [*(i.lot for i in cmd.inputs), cmd.batch]
    else:
        refs = []
    for ref in refs:
        if ref is not None:
            try:
                yield codes.normalize_lot_code(ref)
            except DomainError:
                continue  # the planner reports it, with its pointer


def _last(rows: list[Any], mine: Callable[[Any], bool]) -> list[Any]:
    """The run of rows at the end of `rows` that are `mine`, in their order."""
    start = len(rows)
    while start and mine(rows[start - 1]):
        start -= 1
    return rows[start:]


class Workspace:
    """The lots and sites of one batch, and the rows its events will write."""

    def __init__(self, session: Session, actor: Actor, settings: Settings) -> None:
        self.session = session
        self.conn = session.connection()
        self.actor = actor
        self.settings = settings
        self.sites: dict[str, SiteInfo] = {}
        self.lots: dict[str, LotRecord] = {}  # loaded or created, in their latest state
        # Per organisation: codes of loaded lots held by others that it may see (its stored
        # access, and what this batch granted or revoked).
        self.visible: dict[int, set[str]] = {}
        self.orgs: set[int] = {actor.org_id} if actor.org_id is not None else set()
        self.reserved: dict[str, int] = {}  # pre-printed label codes → their site
        self.taken: set[str] = set()  # codes that exist or that this batch gave out
        self.pending = Pending()
        self.replaying: list[str] | None = None  # see domain.events.replay
        self.closed = closings(self.conn)  # closed accounting periods
        self.findings: list[dict[str, Any]] = []  # rows of domain.findings, stored with the batch

    # --- reading, before planning --------------------------------------------------------------
    def act_as(self, actor: Actor) -> None:
        """The caller of the events planned next (a loader records several callers' requests
        in one batch; the API, one caller's)."""
        self.actor = actor

    def prefetch(self, commands: Sequence[c.Command], orgs: Iterable[int] = ()) -> None:
        """Load (and lock) every site and lot the commands name, in one statement each, with
        what `orgs` (besides the caller's) may see of them."""
        self.orgs |= set(orgs)
        site_codes = {cmd.site for cmd in commands} | {
            cmd.to_site for cmd in commands if isinstance(cmd, c.Ship)}
        self.sites.update(store.load_sites(self.conn, site_codes - self.sites.keys()))
        self.load({code for cmd in commands for code in referenced_codes(cmd)})

    def load(self, wanted: set[str]) -> None:
        """Load and lock the lots with these codes that are not loaded yet."""
        wanted = wanted - self.lots.keys()
        if not wanted:
            return
        loaded = store.load_lots(self.conn, wanted)
        self.lots.update(loaded)
        self.taken |= loaded.keys()
        # Lots that some organisation of the batch does not hold: what may it see of them?
        others = {lot.id: lot.code for lot in loaded.values()
                  if lot.id is not None and any(org != lot.org_id for org in self.orgs)}
        for lot_id, org_id in store.accessible(self.conn, others, self.orgs):
            self.visible.setdefault(org_id, set()).add(others[lot_id])
        self.reserved.update(store.reserved_labels(self.conn, wanted - loaded.keys()))

    # --- sites -------------------------------------------------------------------------------
    def site(self, code: str, pointer: str) -> SiteInfo:
        info = self.sites.get(code)
        if info is None:
            raise NotFound(f"no site '{code}'", code="site-not-found", pointer=pointer)
        return info

    def site_by_id(self, site_id: int) -> SiteInfo:
        info = next((s for s in self.sites.values() if s.id == site_id), None)
        if info is None:
            info = store.load_site_by_id(self.conn, site_id)
            self.sites[info.code] = info
        return info

    def own_site(self, code: str) -> SiteInfo:
        info = self.site(code, "/site")
        if info.org_id != self.actor.org_id:
            raise Forbidden(f"site '{code}' belongs to another organisation",
                            code="not-your-site", pointer="/site")
        return info

    def provenance_of(self, region: str | None) -> str:
        return comp.provenance_of(region, self.settings.home_region)

    # --- lots --------------------------------------------------------------------------------
    def lot(self, ref: str, pointer: str) -> LotRecord:
        """A lot the caller may see; others answer as if they did not exist."""
        code = _code(ref, pointer)
        lot = self.lots.get(code)
        if lot is None or not (lot.org_id == self.actor.org_id
                               or code in self.visible.get(self.actor.org_id or 0, ())):
            raise NotFound(f"no lot {codes.format_lot_code(code)}", code="lot-not-found",
                           pointer=pointer)
        return lot

    @staticmethod
    def in_order(lot: LotRecord, at: datetime, pointer: str) -> None:
        """An event that uses a lot may not occur before the latest event already on it."""
        if lot.last_at is not None and at < lot.last_at:
            label, last = codes.format_lot_code(lot.code), lot.last_at.astimezone(UTC).isoformat()
            raise Conflict(
                f"lot {label} has an event at {last}: an event that uses it cannot occur before "
                "that", code="occurred-before-history", pointer=pointer, lot=label, last_at=last)

    def held_lot(self, ref: str, pointer: str, site: SiteInfo, at: datetime) -> LotRecord:
        """A lot the caller's organisation holds, active, at `site`."""
        lot = self.lot(ref, pointer)
        if lot.status != "active":
            raise RuleViolation(f"lot {codes.format_lot_code(lot.code)} is "
                                f"{lot.status.replace('_', ' ')}", code="lot-not-active",
                                pointer=pointer)
        if lot.org_id != self.actor.org_id:
            raise RuleViolation(f"lot {codes.format_lot_code(lot.code)} is held by another "
                                "organisation", code="not-custodian", pointer=pointer)
        if lot.site_id != site.id:
            raise RuleViolation(f"lot {codes.format_lot_code(lot.code)} is not at site "
                                f"{site.code}", code="lot-not-at-site", pointer=pointer)
        self.in_order(lot, at, pointer)
        return lot

    def new_code(self, ref: str | None, pointer: str, site: SiteInfo | None = None) -> str:
        """A code for a new lot: the client's pre-printed one if unused, else a fresh one.

        `site` is given by collect and declare only: a pre-allocated label code is theirs to
        use, once, at the site it was allocated to; every other event is refused it.
        """
        if self.replaying is not None:  # the codes the event was given when first recorded
            code = self.replaying.pop(0)
        elif ref is None:
            code = codes.new_lot_code()
            while code in self.taken:
                code = codes.new_lot_code()
            self.pending.fresh_codes.append(code)  # checked against labels when stored
        else:
            code = _code(ref, pointer)
            if code in self.taken:
                raise Conflict(f"lot code {codes.format_lot_code(code)} is already in use",
                               code="lot-code-taken", pointer=pointer)
            check_label_use(self.reserved.get(code), code, site.id if site else None, pointer)
        self.taken.add(code)
        return code

    # --- changes -----------------------------------------------------------------------------
    def put(self, before: LotRecord | None, after: LotRecord, *, seq: int, role: str) -> None:
        """Record a lot's new state; `before` None: the event created it."""
        if comp.total(after.cells) != after.mass_g:
            raise AssertionError(f"cells of {after.code} do not add up to its mass")
        self.lots[after.code] = after
        self.pending.changed(after, created=before is None)
        self.pending.event_lot.append(
            (seq, after.code, role, None if before is None else lr.snapshot(before)))
        if before is None:
            self.grant(after.code, after.org_id)

    def restore(self, lot: LotRecord) -> None:
        """A lot put back as it was before a voided event (no event_lot row: the void's own
        effect is the voided event's rows)."""
        self.lots[lot.code] = lot
        self.pending.changed(lot, created=False)

    def edge(self, *, seq: int, parent: str | None, child: str, kind: str, grams: int,
             **root: str | None) -> None:
        """A lineage row: `grams` moved from lot `parent` (None: primary metal, or the
        creation of `child`, whose cell's origin, provenance, evidence and region `root`
        names) into lot `child`."""
        self.pending.edges.append({"event_seq": seq, "parent": parent, "child": child,
                                   "kind": kind, "grams": grams, **root})

    def grant(self, code: str, org_id: int) -> None:
        self.pending.grants.append((code, org_id))
        self.visible.setdefault(org_id, set()).add(code)

    def revoke(self, lot: LotRecord, org_id: int) -> None:
        assert lot.id is not None
        self.pending.revokes.append((lot.id, org_id))
        self.visible.get(org_id, set()).discard(lot.code)

    def move(self, *, seq: int, site_id: int, metal: str, kind: str, grams: int,
             at: datetime) -> None:
        if grams:
            self.pending.movement.append({"event_seq": seq, "site_id": site_id, "metal": metal,
                                          "kind": kind, "grams": grams, "occurred_at": at})

    def lines_of(self, seq: int) -> list[tuple[str, str, dict[str, Any] | None]]:
        """(code, role, state before) of the lots event `seq` created or changed, in order.

        Events are planned one after another, so `seq`'s rows are the last ones planned:
        reading them from the end keeps a batch's planning linear in its size."""
        return [(code, role, before) for _, code, role, before in
                _last(self.pending.event_lot, lambda row: row[0] == seq)]

    def melt_rows_of(self, seq: int) -> list[dict[str, Any]]:
        """The melt-input rows event `seq` planned (the last ones, as in `lines_of`)."""
        return _last(self.pending.melt_input, lambda row: row["event_seq"] == seq)

    def metals_of(self, seq: int) -> set[str]:
        """The metals of the lots that event `seq` created or changed (planned, not stored)."""
        return {self.lots[code].metal for code, _, _ in self.lines_of(seq)}

    def event_row(self, row: dict[str, Any]) -> None:
        self.pending.event.append(row)

    def store(self) -> None:
        """Write everything planned so far (the caller's transaction commits it); new events
        get their places in the transparency log in the same transaction."""
        store.write(self.conn, self.pending, self.lots)
        if self.pending.event and self.settings.transparency_log:
            tlog.assign(self.conn, [row["seq"] for row in self.pending.event])
        self.taken |= set(self.pending.fresh_codes)
        self.pending = Pending()
