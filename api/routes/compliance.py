"""Hazardous waste: organisations' licences and the transfer manifests of their trips."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from api.compliance_schemas import ManifestOut
from api.deps import ActorDep, DbDep, write
from api.routes.orgs import OrgCode, org_out
from api.schemas import Licence, OrgOut
from domain import licences, orgs
from domain.manifests import get_manifest

router = APIRouter(tags=["hazardous waste"])


@router.post("/orgs/{org}/licences", status_code=201, response_model=OrgOut,
             summary="Add a hazardous-waste licence")
def add_licence(org: OrgCode, body: Licence, actor: ActorDep, db: DbDep) -> OrgOut:
    """Platform administrators. Collecting, declaring, transforming, shipping or receiving a
    hazardous grade needs a licence of the acting organisation that covers the grade's category
    (HW31 for waste lead-acid batteries) and is valid on the event's local date. Answers the
    organisation with its licences."""
    item = body.model_dump(mode="json")
    return org_out(write(db, lambda s: licences.add_licence(
        s, actor=actor, org=orgs.get_org(s, org), item=item)))


@router.get("/manifests/{number}", response_model=ManifestOut, summary="One transfer manifest")
def read_manifest(number: Annotated[str, Path(max_length=64)], actor: ActorDep,
                  db: DbDep) -> ManifestOut:
    """The generator, the receiver and auditors read a manifest: waste code, who shipped,
    carried and received it, the weight shipped and the weight the receiver confirmed. Anyone
    else is answered 404 `manifest-not-found`, as for a number never used."""
    with db.read() as s:
        m = get_manifest(s, actor=actor, number=number)
    return ManifestOut(number=m.number, waste_code=m.waste_code, generator=m.generator_org,
                       from_site=m.from_site, carrier=m.carrier, mode=m.mode,
                       receiver=m.receiver_org, to_site=m.to_site, shipped_kg=m.shipped_g / 1000,
                       shipped_at=m.shipped_at,
                       confirmed_kg=None if m.confirmed_g is None else m.confirmed_g / 1000,
                       confirmed_at=m.confirmed_at)
