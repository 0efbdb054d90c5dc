"""Mass flows for a Sankey: regions → collectors → sorters → smelters, aggregated in SQL.

Two kinds of link, both from the movement ledger (voided events have no rows there):
- origin → organisation: material created by `collect` and `declare` at a site, keyed by the
  site's prefecture (in the home province) or province (elsewhere); `import` from `imported`;
- organisation → organisation: material shipped from one organisation's site to another's, as
  weighed when shipped (a lot still in transit counts in the period it was shipped).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session, aliased
from sqlmodel import col

from domain.auth import Actor
from domain.models import Event, Movement, Org, Site
from domain.reports import period_bounds
from domain.visibility import flow_seen_by

IMPORTED = "imported"


@dataclass(frozen=True)
class FlowNode:
    id: str  # "region:520100", "org:GY-COL" or "imported"
    kind: str  # region, imported, or the organisation's kind
    code: str
    name: str


@dataclass(frozen=True)
class FlowLink:
    source: str
    target: str
    grams: int


@dataclass(frozen=True)
class Flows:
    nodes: list[FlowNode]
    links: list[FlowLink]


def origin_region(region: str, home: str) -> str:
    """The prefecture of a site in the home province, else its province (GB/T 2260 prefixes)."""
    return region[:4] + "00" if region.startswith(home) else region[:2] + "0000"


def mass_flows(session: Session, *, actor: Actor, metal: str, start: date, end: date,
               tz: ZoneInfo, home_region: str) -> Flows:
    """Material kilograms (as grams) along each link in [start, end); organisations see the
    links they are an end of, auditors every link."""
    lo, hi = period_bounds(start, end, tz)
    m, ev = Movement, Event
    when = (col(m.metal) == metal, col(m.occurred_at) >= lo, col(m.occurred_at) < hi)
    org = aliased(Org, name="org")
    origins = (select(col(ev.type), col(Site.region), col(org.code), col(org.kind),
                      col(org.name), func.sum(col(m.grams)).label("g"))
               .join(ev, col(ev.seq) == m.event_seq).join(Site, col(Site.id) == m.site_id)
               .join(org, col(org.id) == Site.org_id)
               .where(*when, col(m.kind) == "created",
                      col(ev.type).in_(("collect", "declare", "import")))
               .group_by(col(ev.type), col(Site.region), col(org.code), col(org.kind),
                         col(org.name)))
    dest_site, dest_org = aliased(Site, name="dest_site"), aliased(Org, name="dest_org")
    to_site = ev.payload["to_site"].as_string()  # type: ignore[index]
    shipped = (select(col(org.code), col(org.kind), col(org.name), col(dest_org.code),
                      col(dest_org.kind), col(dest_org.name), func.sum(col(m.grams)).label("g"))
               .join(ev, col(ev.seq) == m.event_seq).join(org, col(org.id) == ev.org_id)
               .join(dest_site, col(dest_site.code) == to_site)
               .join(dest_org, col(dest_org.id) == dest_site.org_id)
               .where(*when, col(m.kind) == "shipped", col(ev.type) == "ship",
                      col(dest_org.id) != col(org.id))
               .group_by(col(org.code), col(org.kind), col(org.name), col(dest_org.code),
                         col(dest_org.kind), col(dest_org.name)))
    if not actor.sees_everything:
        origins = origins.where(flow_seen_by(actor, col(org.id)))
        shipped = shipped.where(flow_seen_by(actor, col(org.id), col(dest_org.id)))
    nodes: dict[str, FlowNode] = {}
    links: dict[tuple[str, str], int] = {}

    def node(kind: str, code: str, name: str) -> str:
        key = code if kind == IMPORTED else f"{'region' if kind == 'region' else 'org'}:{code}"
        nodes.setdefault(key, FlowNode(id=key, kind=kind, code=code, name=name))
        return key

    def link(source: str, target: str, grams: int) -> None:
        links[source, target] = links.get((source, target), 0) + grams

    for type_, region, code, kind, name, g in session.execute(origins):
        source = (node(IMPORTED, IMPORTED, "") if type_ == "import"
                  else node("region", origin_region(region, home_region), ""))
        link(source, node(kind, code, name), int(g))
    for code, kind, name, dcode, dkind, dname, g in session.execute(shipped):
        link(node(kind, code, name), node(dkind, dcode, dname), int(g))
    return Flows(nodes=sorted(nodes.values(), key=lambda n: n.id),
                 links=[FlowLink(source=s, target=t, grams=g)
                        for (s, t), g in sorted(links.items())])
