"""Master data use cases: organisations, sites and users."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain import codes
from domain.auth import ROLES, Actor, hash_password
from domain.errors import Conflict, InvalidInput, NotFound
from domain.licences import check_new as check_licence
from domain.models import Org, Site, User
from domain.passwords import check_password

ORG_KINDS = ("collector", "sorter", "importer", "transporter", "smelter", "agency")


def _check_region(region: str, pointer: str) -> None:
    if not codes.is_region_code(region):
        raise InvalidInput(f"'{region}' is not a GB/T 2260 division code", code="invalid-region",
                           pointer=pointer)


def create_org(session: Session, *, actor: Actor, code: str, name: str, kind: str, uscc: str,
               region: str, licences: list[dict[str, Any]] | None = None) -> Org:
    actor.require("admin")
    if kind not in ORG_KINDS:
        raise InvalidInput(f"unknown organisation kind '{kind}'", pointer="/kind")
    uscc = codes.normalize_uscc(uscc)
    _check_region(region, "/region")
    if session.execute(select(col(Org.id)).where(col(Org.code) == code)).first():
        raise Conflict(f"an organisation with code '{code}' exists", code="org-exists",
                       pointer="/code")
    if session.execute(select(col(Org.id)).where(col(Org.uscc) == uscc)).first():
        raise Conflict(f"an organisation with credit code {uscc} exists", code="org-exists",
                       pointer="/uscc")
    for i, item in enumerate(licences or []):
        check_licence(item, (licences or [])[:i])
    org = Org(code=code, name=name, kind=kind, uscc=uscc, region=region, licences=licences or [])
    session.add(org)
    session.flush()
    return org


def get_org(session: Session, code: str) -> Org:
    org = session.execute(select(Org).where(col(Org.code) == code)).scalar_one_or_none()
    if org is None:
        raise NotFound(f"no organisation '{code}'", code="org-not-found")
    return org


def list_orgs(session: Session, *, after: int = 0, limit: int = 100) -> list[Org]:
    return list(session.execute(
        select(Org).where(col(Org.id) > after).order_by(col(Org.id)).limit(limit)).scalars())


def _own_or_admin(actor: Actor, org: Org) -> None:
    if actor.role == "admin":
        return
    actor.require("manager")
    if actor.org_id != org.id:
        raise NotFound(f"no organisation '{org.code}'", code="org-not-found")


def create_site(session: Session, *, actor: Actor, org_code: str, code: str, name: str,
                region: str) -> Site:
    org = get_org(session, org_code)
    _own_or_admin(actor, org)
    _check_region(region, "/region")
    if session.execute(select(col(Site.id)).where(col(Site.code) == code)).first():
        raise Conflict(f"a site with code '{code}' exists", code="site-exists", pointer="/code")
    assert org.id is not None
    site = Site(code=code, name=name, region=region, org_id=org.id)
    session.add(site)
    session.flush()
    return site


def list_sites(session: Session, *, org_code: str) -> list[Site]:
    org = get_org(session, org_code)
    return list(session.execute(select(Site).where(col(Site.org_id) == org.id).order_by(col(Site.id)))
                .scalars())


def create_user(session: Session, *, actor: Actor | None, org_code: str | None, username: str,
                password: str, role: str, check_policy: bool = True) -> User:
    """A user of an organisation (manager, operator, auditor) or a platform admin (no org).

    `actor=None` is the command line creating an administrator on the server itself. The
    password policy (domain/passwords.py) applies to every caller but the demo seed, whose
    published password `demo-pass` exists to be typed at a demo (`check_policy=False`).
    """
    if role not in ROLES:
        raise InvalidInput(f"unknown role '{role}'", code="invalid-role", pointer="/role")
    org_id = None
    if org_code is not None:
        org = get_org(session, org_code)
        if actor is not None:
            _own_or_admin(actor, org)
        if role == "admin":
            raise InvalidInput("an administrator belongs to no organisation",
                               code="invalid-role", pointer="/role")
        if role == "auditor" and org.kind != "agency":
            raise InvalidInput("auditors belong to agencies", code="invalid-role",
                               pointer="/role")
        org_id = org.id
    elif role != "admin" or (actor is not None and actor.role != "admin"):
        raise InvalidInput("users other than administrators need an organisation",
                           code="invalid-role", pointer="/role")
    if check_policy:
        check_password(password, username=username)
    if session.execute(select(func.count()).select_from(User)
                       .where(col(User.username) == username)).scalar_one():
        raise Conflict(f"the username '{username}' is taken", code="user-exists",
                       pointer="/username")
    user = User(username=username, password_hash=hash_password(password), role=role,
                org_id=org_id)
    session.add(user)
    session.flush()
    return user
