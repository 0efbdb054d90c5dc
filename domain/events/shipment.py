"""`ship` and `receive`: custody passes from one site to another through transit."""

from __future__ import annotations

from datetime import datetime

from domain import catalogue, codes
from domain import composition as comp
from domain.commands import Receive, Ship
from domain.errors import InvalidInput, RuleViolation
from domain.events.context import Ctx, LotState, SiteInfo, grams
from domain.events.plan import Plan


def plan_ship(ctx: Ctx, cmd: Ship, site: SiteInfo, taken: set[str]) -> Plan:
    dest = ctx.site(cmd.to_site, "/to_site")
    if dest.id == site.id:
        raise InvalidInput("a lot cannot be shipped to the site it is at", code="same-site",
                           pointer="/to_site")
    lots: list[LotState] = []
    for i, ref in enumerate(cmd.lots):
        lot = ctx.held_lot(ref, f"/lots/{i}", site)
        if any(other.id == lot.id for other in lots):
            raise InvalidInput("a lot may appear only once in a shipment", code="duplicate-lot",
                               pointer=f"/lots/{i}")
        grade = catalogue.grade(lot.grade)
        if grade is not None and grade.hazardous and not cmd.manifest:
            raise RuleViolation(
                f"lot {codes.format_lot_code(lot.code)} is hazardous waste "
                f"({grade.hazardous_code}): a transfer manifest number is required",
                code="manifest-required", pointer="/manifest")
        lots.append(lot)

    def apply(seq: int, occurred_at: datetime) -> None:
        for lot in lots:
            ctx.move(seq=seq, site_id=site.id, metal=lot.metal, kind="shipped", grams=lot.mass_g,
                     occurred_at=occurred_at)
            lot.status, lot.site_id, lot.dest_site_id = "in_transit", None, dest.id
            ctx.save_lot(lot, seq=seq, role="moved")
            ctx.grant(lot.id, dest.org_id)

    return Plan(apply=apply)


def plan_receive(ctx: Ctx, cmd: Receive, site: SiteInfo, taken: set[str]) -> Plan:
    received: list[tuple[LotState, int]] = []
    for i, item in enumerate(cmd.lots):
        pointer = f"/lots/{i}/lot"
        lot = ctx.lot(item.lot, pointer)
        label = codes.format_lot_code(lot.code)
        if any(other.id == lot.id for other, _ in received):
            raise InvalidInput("a lot may appear only once in a receipt", code="duplicate-lot",
                               pointer=pointer)
        if lot.status != "in_transit":
            raise RuleViolation(f"lot {label} is not in transit", code="not-in-transit",
                                pointer=pointer)
        if lot.dest_site_id != site.id:
            raise RuleViolation(f"lot {label} was shipped to another site",
                                code="wrong-destination", pointer=pointer)
        received.append((lot, grams(item.mass_kg)))

    def apply(seq: int, occurred_at: datetime) -> None:
        for lot, mass in received:
            lot.cells = comp.scale(lot.cells, mass)
            lot.mass_g, lot.status = mass, "active"
            lot.org_id, lot.site_id, lot.dest_site_id = site.org_id, site.id, None
            ctx.save_lot(lot, seq=seq, role="moved")
            ctx.move(seq=seq, site_id=site.id, metal=lot.metal, kind="received", grams=mass,
                     occurred_at=occurred_at)

    return Plan(apply=apply)
