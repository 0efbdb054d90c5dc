"""Label use cases: pre-allocating printed codes to a site, and the rule on using them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlmodel import col

from domain import codes
from domain.auth import Actor
from domain.errors import Forbidden, InvalidInput, NotFound, RuleViolation
from domain.models import LabelBatch, LabelCode, Lot, Org, Site

LAYOUTS = ("a4", "roll")
MAX_LABELS = 1000


@dataclass(frozen=True)
class BatchView:
    id: str
    site_code: str
    layout: str
    codes: list[str]


@dataclass(frozen=True)
class PublicLot:
    """What anyone holding the label may read: no masses, no custodian."""

    code: str
    metal: str | None
    grade: str | None
    status: str  # a lot status, or `unused` for a pre-allocated code not yet collected


def _free(session: Session, candidates: set[str]) -> set[str]:
    """The candidates that name neither a lot nor a reserved label."""
    used = set(session.execute(select(col(Lot.code)).where(col(Lot.code).in_(candidates))).scalars())
    used |= set(session.execute(select(col(LabelCode.code))
                                .where(col(LabelCode.code).in_(candidates))).scalars())
    return candidates - used


def unused_labels(session: Session, org_id: int) -> int:
    """Codes pre-allocated to an organisation's sites that name no lot yet."""
    return int(session.execute(
        select(func.count()).select_from(LabelCode)
        .join(LabelBatch, col(LabelBatch.id) == LabelCode.batch_id)
        .outerjoin(Lot, col(Lot.code) == LabelCode.code)
        .where(col(LabelBatch.org_id) == org_id, col(Lot.id).is_(None))).scalar_one())


def allocate_labels(session: Session, *, actor: Actor, site_code: str, count: int,
                    layout: str, quota: int | None = None) -> BatchView:
    """Reserve `count` fresh codes for one of the caller's sites, in printing order.

    An organisation holds at most `quota` unused codes (`label-quota-exceeded`): codes are
    cheap to ask for and every one is a row and a reserved name until a lot takes it.
    """
    actor.require("operator", "manager")
    if not 1 <= count <= MAX_LABELS:
        raise InvalidInput(f"count must be 1 to {MAX_LABELS}", code="invalid-count",
                           pointer="/count")
    if layout not in LAYOUTS:
        raise InvalidInput(f"layout must be one of {', '.join(LAYOUTS)}", code="invalid-layout",
                           pointer="/layout")
    site = session.execute(select(Site).where(col(Site.code) == site_code)).scalar_one_or_none()
    if site is None:
        raise NotFound(f"no site '{site_code}'", code="site-not-found", pointer="/site")
    if site.org_id != actor.org_id:
        raise Forbidden(f"site '{site_code}' belongs to another organisation",
                        code="not-your-site", pointer="/site")
    if quota is not None:
        # The organisation's row lock serialises its allocations (PostgreSQL; SQLite has one
        # writer), so that two requests cannot both pass the count.
        session.execute(select(col(Org.id)).where(col(Org.id) == site.org_id).with_for_update())
        unused = unused_labels(session, site.org_id)
        if unused + count > quota:
            raise RuleViolation(f"the organisation holds {unused} unused label codes; at most "
                                f"{quota} may be unused at once", code="label-quota-exceeded",
                                pointer="/count", unused=unused, quota=quota)
    chosen: list[str] = []
    while len(chosen) < count:
        wanted = count - len(chosen)
        candidates = {codes.new_lot_code() for _ in range(wanted)} - set(chosen)
        chosen.extend(sorted(_free(session, candidates))[:wanted])
    assert site.id is not None
    batch = LabelBatch(id=str(uuid.uuid4()), site_id=site.id, org_id=site.org_id,
                       user_id=actor.user_id, layout=layout, count=count)
    session.add(batch)
    session.flush()
    session.add_all([LabelCode(code=c, batch_id=batch.id, position=i, site_id=site.id)
                     for i, c in enumerate(chosen)])
    session.flush()
    return BatchView(id=batch.id, site_code=site.code, layout=layout, codes=chosen)


def get_batch(session: Session, *, actor: Actor, batch_id: str) -> BatchView:
    """A batch of the caller's organisation (administrators: any); others do not exist."""
    row = session.execute(select(LabelBatch, col(Site.code)).join(Site, col(Site.id) ==
                                                                  LabelBatch.site_id)
                          .where(col(LabelBatch.id) == batch_id)).one_or_none()
    if row is None or not (actor.role == "admin" or row[0].org_id == actor.org_id):
        raise NotFound(f"no label batch '{batch_id}'", code="label-batch-not-found")
    batch: LabelBatch = row[0]
    found = session.execute(select(col(LabelCode.code)).where(col(LabelCode.batch_id) == batch.id)
                            .order_by(col(LabelCode.position))).scalars()
    return BatchView(id=batch.id, site_code=row[1], layout=batch.layout, codes=list(found))


def check_label_use(reserved_site: int | None, code: str, site_id: int | None,
                    pointer: str) -> None:
    """A pre-allocated code may name only a lot collected or declared at its own site.

    `reserved_site` is the site the code was allocated to (None: not a label code); `site_id`
    is the site of a collect or declare, None for any other event that creates a lot
    (transform outputs, melt batches, imports), which may not take a reserved code at all.
    """
    if reserved_site is None:
        return
    label = codes.format_lot_code(code)
    if site_id is None:
        raise RuleViolation(f"{label} is a pre-printed label: only a collect or declare at its "
                            "site may use it", code="label-code-reserved", pointer=pointer)
    if reserved_site != site_id:
        raise RuleViolation(f"{label} is a pre-printed label of another site",
                            code="label-code-other-site", pointer=pointer)


def is_reserved(session: Session, code: str) -> bool:
    return session.execute(select(col(LabelCode.code)).where(col(LabelCode.code) == code)) \
        .first() is not None


def public_lot(session: Session, code: str) -> PublicLot:
    """The public card behind a label's QR code; a mistyped code is `invalid-lot-code`."""
    canonical = codes.normalize_lot_code(code)
    lot = session.execute(select(col(Lot.metal), col(Lot.grade), col(Lot.status))
                          .where(col(Lot.code) == canonical)).one_or_none()
    if lot is not None:
        return PublicLot(canonical, lot.metal, lot.grade, lot.status)
    if is_reserved(session, canonical):
        return PublicLot(canonical, None, None, "unused")
    raise NotFound(f"no lot {codes.format_lot_code(canonical)}", code="lot-not-found")
