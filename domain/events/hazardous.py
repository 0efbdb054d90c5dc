"""Hazardous waste in the capture path (docs/domain.md, Hazardous waste): the licence every
handler needs, the manifest of every trip and the receiver's confirmed weight.

The one place the planners (collect, declare, transform, ship, receive) ask about hazardous
grades; each calls one function here.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from weakref import WeakKeyDictionary

from sqlalchemy import bindparam, select

from domain import catalogue, codes
from domain import licences as lic
from domain.commands import Ship
from domain.errors import Conflict, RuleViolation
from domain.events.store import SiteInfo, lock_key, org_t
from domain.events.workspace import Workspace
from domain.lot_record import LotRecord
from domain.models import Manifest

manifest_t = Manifest.__table__  # type: ignore[attr-defined]
LICENCES = select(org_t.c.licences).where(org_t.c.id == bindparam("id"))
MANIFEST_IN_USE = select(manifest_t.c.number).where(manifest_t.c.number == bindparam("number"))
MANIFESTS_OF = select(manifest_t.c.event_seq, manifest_t.c.number).where(
    manifest_t.c.event_seq.in_(bindparam("seqs", expanding=True)))
_held: WeakKeyDictionary[Workspace, dict[int, list[lic.Licence]]] = WeakKeyDictionary()


def _waste_codes(grades: Iterable[str]) -> list[str]:
    """The hazardous-waste codes of the grades that are hazardous, in first-seen order."""
    out: list[str] = []
    for code in grades:
        grade = catalogue.grade(code)
        if grade is not None and grade.hazardous and grade.hazardous_code \
                and grade.hazardous_code not in out:
            out.append(grade.hazardous_code)
    return out


def _licences(ws: Workspace, org_id: int) -> list[lic.Licence]:
    cache = _held.setdefault(ws, {})
    if org_id not in cache:
        stored = ws.conn.execute(LICENCES, {"id": org_id}).scalar_one()
        cache[org_id] = [x for x in map(lic.from_json, stored or []) if x is not None]
    return cache[org_id]


def _local_day(ws: Workspace, at: datetime) -> date:
    return at.astimezone(ws.settings.tz).date()


def require_licence(ws: Workspace, site: SiteInfo, grades: Iterable[str], at: datetime,
                    pointer: str, *, seq: int | None = None, intake_g: int = 0) -> None:
    """The acting organisation holds a licence covering every hazardous grade among `grades`,
    valid on `at`; an intake (collect, declare, receive) of `intake_g` is recorded against it."""
    for waste in _waste_codes(grades):
        licence = lic.covering(_licences(ws, site.org_id), lic.category_of(waste),
                               _local_day(ws, at), pointer)
        if seq is not None and intake_g:
            ws.pending.records.setdefault("licence_use", []).append({
                "event_seq": seq, "org_id": site.org_id, "licence": licence.number,
                "grams": intake_g, "occurred_at": at})


def on_ship(ws: Workspace, cmd: Ship, site: SiteInfo, dest: SiteInfo, seq: int,
            lots: Sequence[LotRecord]) -> None:
    """A trip with hazardous lots: the sender's licence and a manifest number not used by any
    other shipment, recorded with the hazardous lots' mass."""
    hazardous = [lot for lot in lots if _waste_codes([lot.grade])]
    if not hazardous:
        return
    require_licence(ws, site, [lot.grade for lot in hazardous], cmd.occurred_at, "/lots")
    if not cmd.manifest:
        first = hazardous[0]
        raise RuleViolation(
            f"lot {codes.format_lot_code(first.code)} is hazardous waste "
            f"({_waste_codes([first.grade])[0]}): a transfer manifest number is required",
            code="manifest-required", pointer="/manifest")
    planned = ws.pending.records.setdefault("manifest", [])
    lock_key(ws.conn, f"manifest:{cmd.manifest}")  # a racing shipment waits, then sees it
    if any(m["number"] == cmd.manifest for m in planned) or \
            ws.conn.execute(MANIFEST_IN_USE, {"number": cmd.manifest}).first() is not None:
        raise Conflict(f"manifest {cmd.manifest} belongs to another shipment: every trip "
                       "has its own", code="manifest-reused", pointer="/manifest")
    transport = cmd.transport
    planned.append({
        "number": cmd.manifest, "event_seq": seq, "generator_org_id": site.org_id,
        "from_site_id": site.id, "to_site_id": dest.id,
        "waste_code": ",".join(_waste_codes([lot.grade for lot in hazardous]))[:16],
        "carrier": transport.vehicle if transport else None,
        "mode": transport.mode if transport else None,
        "shipped_g": sum(lot.mass_g for lot in hazardous), "shipped_at": cmd.occurred_at})


def on_receive(ws: Workspace, site: SiteInfo, seq: int, at: datetime,
               arrived: Sequence[tuple[LotRecord, int]]) -> None:
    """Hazardous lots received: the receiver's licence, its intake, and the weight it confirms
    on each manifest (`arrived` pairs each lot as it travelled with the grams weighed)."""
    hazardous = [(lot, g) for lot, g in arrived if _waste_codes([lot.grade])]
    if not hazardous:
        return
    require_licence(ws, site, [lot.grade for lot, _ in hazardous], at, "/lots", seq=seq,
                    intake_g=sum(g for _, g in hazardous))
    ships = {lot.last_seq for lot, _ in hazardous}  # a lot in transit: its ship was last
    numbers = {m["event_seq"]: m["number"] for m in ws.pending.records.get("manifest", [])}
    numbers.update((r.event_seq, r.number)
                   for r in ws.conn.execute(MANIFESTS_OF, {"seqs": sorted(ships)}))
    confirmed: dict[str, int] = {}
    for lot, g in hazardous:
        number = numbers.get(lot.last_seq)
        if number is not None:  # shipped before manifests were recorded: nothing to confirm
            confirmed[number] = confirmed.get(number, 0) + g
    ws.pending.records.setdefault("manifest_receipt", []).extend(
        {"event_seq": seq, "number": number, "receiver_org_id": site.org_id,
         "site_id": site.id, "confirmed_g": g, "confirmed_at": at}
        for number, g in confirmed.items())
