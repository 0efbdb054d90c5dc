"""The caller: who is logged in, for which organisation, at which sites (the phone app asks)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from api.deps import ActorDep, DbDep
from api.schemas import SiteOut
from domain import orgs

router = APIRouter(tags=["auth"])


class MeOut(BaseModel):
    username: str
    role: str
    org: str | None
    org_name: str | None
    org_kind: str | None
    sites: list[SiteOut]


@router.get("/me", response_model=MeOut, summary="The logged-in user")
def me(actor: ActorDep, db: DbDep) -> MeOut:
    """The user, its organisation and that organisation's sites (none for administrators)."""
    if actor.org_code is None:
        return MeOut(username=actor.username, role=actor.role, org=None, org_name=None,
                     org_kind=None, sites=[])
    with db.read() as s:
        org = orgs.get_org(s, actor.org_code)
        sites = orgs.list_sites(s, org_code=actor.org_code)
    return MeOut(username=actor.username, role=actor.role, org=org.code, org_name=org.name,
                 org_kind=org.kind, sites=[SiteOut(code=x.code, name=x.name, region=x.region,
                                                   org=org.code) for x in sites])
