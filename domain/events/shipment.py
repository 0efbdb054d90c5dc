"""`ship` and `receive`: custody passes from one site to another through transit."""

from __future__ import annotations

from domain import codes
from domain import lot_record as lr
from domain.commands import Receive, Ship
from domain.errors import InvalidInput, RuleViolation
from domain.events import hazardous
from domain.events.store import SiteInfo
from domain.events.units import grams
from domain.events.workspace import Workspace


def plan_ship(ws: Workspace, cmd: Ship, site: SiteInfo, seq: int) -> list[str]:
    dest = ws.site(cmd.to_site, "/to_site")
    if dest.id == site.id:
        raise InvalidInput("a lot cannot be shipped to the site it is at", code="same-site",
                           pointer="/to_site")
    seen: set[str] = set()
    for i, ref in enumerate(cmd.lots):
        lot = ws.held_lot(ref, f"/lots/{i}", site, cmd.occurred_at)
        if lot.code in seen:
            raise InvalidInput("a lot may appear only once in a shipment", code="duplicate-lot",
                               pointer=f"/lots/{i}")
        seen.add(lot.code)
        ws.move(seq=seq, site_id=site.id, metal=lot.metal, kind="shipped", grams=lot.mass_g,
                at=cmd.occurred_at)
        ws.put(lot, lr.ship(lot, dest.id, seq=seq, at=cmd.occurred_at), seq=seq, role="moved")
        ws.grant(lot.code, dest.org_id)
    hazardous.on_ship(ws, cmd, site, dest, seq, [ws.lots[code] for code in sorted(seen)])
    return []


def plan_receive(ws: Workspace, cmd: Receive, site: SiteInfo, seq: int) -> list[str]:
    seen: set[str] = set()
    arrived: list[tuple[lr.LotRecord, int]] = []
    limit = ws.settings.receive_gain_limit_pct
    for i, item in enumerate(cmd.lots):
        pointer = f"/lots/{i}/lot"
        lot = ws.lot(item.lot, pointer)
        if lot.code in seen:
            raise InvalidInput("a lot may appear only once in a receipt", code="duplicate-lot",
                               pointer=pointer)
        seen.add(lot.code)
        if lot.status != "in_transit":
            raise RuleViolation(f"lot {codes.format_lot_code(lot.code)} is not in transit",
                                code="not-in-transit", pointer=pointer)
        if lot.dest_site_id != site.id:
            raise RuleViolation(f"lot {codes.format_lot_code(lot.code)} was shipped to another site",
                                code="wrong-destination", pointer=pointer)
        ws.in_order(lot, cmd.occurred_at, pointer)
        mass = grams(item.mass_kg)
        if mass * 100 > lot.mass_g * (100 + limit) and not item.reason:
            raise RuleViolation(
                f"lot {codes.format_lot_code(lot.code)} was shipped at {lot.mass_g / 1000:.3f} "
                f"kg: a receipt more than {limit} % heavier needs a reason", code="receive-mass-implausible",
                pointer=f"/lots/{i}/mass_kg", shipped_kg=lot.mass_g / 1000)
        arrived.append((lot, mass))
        ws.put(lot, lr.receive(lot, mass, org_id=site.org_id, site_id=site.id, seq=seq,
                               at=cmd.occurred_at), seq=seq, role="moved")
        ws.move(seq=seq, site_id=site.id, metal=lot.metal, kind="received", grams=mass,
                at=cmd.occurred_at)
    hazardous.on_receive(ws, site, seq, cmd.occurred_at, arrived)
    return []
