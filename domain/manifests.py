"""Hazardous-waste transfer manifests as read: who made, carried and received the trip, and the
weights shipped and confirmed."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from domain.auth import Actor
from domain.errors import NotFound
from domain.models import Manifest, ManifestReceipt, Org, Site


@dataclass(frozen=True)
class ManifestView:
    number: str
    waste_code: str
    generator_org: str
    from_site: str
    receiver_org: str
    to_site: str
    carrier: str | None
    mode: str | None
    shipped_g: int
    shipped_at: datetime
    confirmed_g: int | None  # None until the receiver weighed the lots in
    confirmed_at: datetime | None


def get_manifest(session: Session, *, actor: Actor, number: str) -> ManifestView:
    """The generator, the receiver and auditors see a manifest; anyone else is answered as if
    it did not exist."""
    gen, dest_site, src_site, recv = aliased(Org), aliased(Site), aliased(Site), aliased(Org)
    receipts = (select(col(ManifestReceipt.number),
                       func.sum(col(ManifestReceipt.confirmed_g)).label("g"),
                       func.max(col(ManifestReceipt.confirmed_at)).label("at"))
                .where(col(ManifestReceipt.number) == number)
                .group_by(col(ManifestReceipt.number)).subquery())
    row = session.execute(
        select(Manifest, col(gen.code).label("gen"), col(src_site.code).label("src"),
               col(recv.code).label("recv"), col(recv.id).label("recv_id"),
               col(dest_site.code).label("dest"), receipts.c.g, receipts.c.at)
        .join(gen, col(gen.id) == Manifest.generator_org_id)
        .join(src_site, col(src_site.id) == Manifest.from_site_id)
        .join(dest_site, col(dest_site.id) == Manifest.to_site_id)
        .join(recv, col(recv.id) == dest_site.org_id)
        .outerjoin(receipts, receipts.c.number == Manifest.number)
        .where(col(Manifest.number) == number)).one_or_none()
    if row is None or not (actor.sees_everything or
                           actor.org_id in (row.Manifest.generator_org_id, row.recv_id)):
        raise NotFound(f"no manifest {number}", code="manifest-not-found")
    m = row.Manifest
    return ManifestView(number=m.number, waste_code=m.waste_code, generator_org=row.gen,
                        from_site=row.src, receiver_org=row.recv, to_site=row.dest,
                        carrier=m.carrier, mode=m.mode, shipped_g=m.shipped_g,
                        shipped_at=m.shipped_at,
                        confirmed_g=None if row.g is None else int(row.g),
                        confirmed_at=row.at)
