"""Master data: organisations, sites, users and the grade catalogue."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Query

from api.deps import ActorDep, CursorQuery, DbDep, decode_cursor, encode_cursor, write
from api.schemas import GradeOut, OrgIn, OrgOut, Page, RegionOut, SiteIn, SiteOut, UserIn, UserOut
from domain import catalogue, orgs
from domain.models import Org, Site

router = APIRouter(tags=["master data"])
OrgCode = Annotated[str, Path(max_length=32)]


def org_out(org: Org) -> OrgOut:
    return OrgOut(code=org.code, name=org.name, kind=org.kind, uscc=org.uscc, region=org.region,
                  licences=org.licences)


@router.post("/orgs", status_code=201, response_model=OrgOut, summary="Create an organisation")
def create_org(body: OrgIn, actor: ActorDep, db: DbDep) -> OrgOut:
    """Platform administrators only. The unified social credit code is checked (GB 32100)."""
    licences = [lic.model_dump(mode="json") for lic in body.licences]
    org = write(db, lambda s: orgs.create_org(
        s, actor=actor, code=body.code, name=body.name, kind=body.kind, uscc=body.uscc,
        region=body.region, licences=licences))
    return org_out(org)


@router.get("/orgs", response_model=Page[OrgOut], summary="List organisations")
def list_orgs(actor: ActorDep, db: DbDep, cursor: CursorQuery = None,
              limit: Annotated[int, Query(ge=1, le=500)] = 100) -> Page[OrgOut]:
    """The directory of organisations (every user may read it, to address shipments)."""
    with db.read() as s:
        rows = orgs.list_orgs(s, after=decode_cursor(cursor), limit=limit)
    nxt = encode_cursor(rows[-1].id) if len(rows) == limit and rows[-1].id else None
    return Page[OrgOut](items=[org_out(o) for o in rows], next_cursor=nxt)


@router.get("/orgs/{org}", response_model=OrgOut, summary="One organisation")
def get_org(org: OrgCode, actor: ActorDep, db: DbDep) -> OrgOut:
    with db.read() as s:
        return org_out(orgs.get_org(s, org))


def _site_out(site: Site, org_code: str) -> SiteOut:
    return SiteOut(code=site.code, name=site.name, region=site.region, org=org_code)


@router.post("/orgs/{org}/sites", status_code=201, response_model=SiteOut, summary="Add a site")
def create_site(org: OrgCode, body: SiteIn, actor: ActorDep, db: DbDep) -> SiteOut:
    """The organisation's managers, or an administrator. Site codes are unique platform-wide."""
    site = write(db, lambda s: orgs.create_site(s, actor=actor, org_code=org, code=body.code,
                                                name=body.name, region=body.region))
    return _site_out(site, org)


@router.get("/orgs/{org}/sites", response_model=list[SiteOut], summary="An organisation's sites")
def list_sites(org: OrgCode, actor: ActorDep, db: DbDep) -> list[SiteOut]:
    with db.read() as s:
        return [_site_out(site, org) for site in orgs.list_sites(s, org_code=org)]


@router.post("/orgs/{org}/users", status_code=201, response_model=UserOut, summary="Add a user")
def create_user(org: OrgCode, body: UserIn, actor: ActorDep, db: DbDep) -> UserOut:
    """The organisation's managers, or an administrator. Auditors belong to agencies."""
    user = write(db, lambda s: orgs.create_user(s, actor=actor, org_code=org,
                                                username=body.username,
                                                password=body.password, role=body.role))
    return UserOut(username=user.username, role=user.role, org=org)


@router.get("/grades", response_model=list[GradeOut], summary="The grade catalogue")
def list_grades(actor: ActorDep, metal: Annotated[str | None, Query(pattern="^(Al|Cu|Pb)$")] = None,
                ) -> list[GradeOut]:
    """Reference data from seed/grades.csv, with the source of every default."""
    return [GradeOut(code=g.code, metal=g.metal, name_zh=g.name_zh, name_en=g.name_en,
                     isri=g.isri, default_metal_pct=float(g.default_metal_pct),
                     hazardous=g.hazardous, hazardous_code=g.hazardous_code, source=g.source)
            for g in catalogue.grades().values() if metal is None or g.metal == metal]


@router.get("/regions", response_model=list[RegionOut], summary="Administrative divisions")
def list_regions(actor: ActorDep) -> list[RegionOut]:
    """GB/T 2260 names from seed/regions.csv: every province, Guizhou's prefectures, the demo's."""
    return [RegionOut(code=r.code, name_zh=r.name_zh, name_en=r.name_en, level=r.level)
            for r in catalogue.regions().values()]
