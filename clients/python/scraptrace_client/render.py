"""Rich tables of the API's answers: lot cards, lot lists and the two reports."""

from __future__ import annotations

from typing import Any

from rich.table import Table


def kg(value: float | None) -> str:
    return "—" if value is None else f"{value:,.3f}"


def percent(share: float | None) -> str:
    """An unrounded share as a percentage with 2 decimals; null (nothing melted) as a dash."""
    return "—" if share is None else f"{share * 100:.2f} %"


def lot_table(lot: dict[str, Any]) -> Table:
    custodian = lot.get("custodian") or {}
    table = Table(title=f"Lot {lot.get('label') or lot['code']}", show_header=False)
    table.add_column("field", style="bold")
    table.add_column("value")
    rows = [("metal", lot["metal"]), ("grade", lot["grade"]), ("status", lot["status"]),
            ("mass", f"{kg(lot['mass_kg'])} kg"),
            ("metal fraction", percent(lot.get("metal_fraction"))),
            ("custodian", f"{custodian.get('org', '')} / {custodian.get('site', '')}")]
    if lot.get("destination"):
        rows.append(("destination", str(lot["destination"])))
    for name, value in rows:
        table.add_row(name, str(value))
    return table


def cells_table(lot: dict[str, Any]) -> Table:
    table = Table(title="Cells")
    for name in ("origin", "provenance", "evidence"):
        table.add_column(name)
    table.add_column("kg", justify="right")
    for cell in lot.get("cells", []):
        table.add_row(cell["origin"], cell["provenance"], cell["evidence"], kg(cell["mass_kg"]))
    return table


def lots_table(lots: list[dict[str, Any]], grade_names: dict[str, str], more: bool) -> Table:
    """One row per lot: code, metal, grade (with its name), status, mass and who holds it."""
    title = f"{len(lots)} lots" + (" (more: raise --limit, or --limit 0 for all)" if more else "")
    table = Table(title=title)
    for name in ("code", "metal", "grade", "grade name", "status"):
        table.add_column(name, no_wrap=name != "grade name")
    table.add_column("kg", justify="right", no_wrap=True)
    table.add_column("held by / going to", no_wrap=True)
    for lot in lots:
        custodian = lot.get("custodian") or {}
        where = custodian.get("site") or (f"→ {lot['destination']}" if lot.get("destination")
                                          else "")
        table.add_row(lot.get("label") or lot["code"], lot["metal"], lot["grade"],
                      grade_names.get(lot["grade"], "product" if lot["grade"] else ""),
                      lot["status"], kg(lot["mass_kg"]),
                      " · ".join(x for x in (custodian.get("org"), where) if x))
    return table


SHARE_COLUMNS = (("post-consumer kg", "post_consumer_kg"), ("pre-consumer kg", "pre_consumer_kg"),
                 ("declared kg", "declared_kg"), ("primary kg", "primary_kg"),
                 ("home scrap kg", "home_scrap_kg"))
SHARES = (("recycled", "recycled_share"), ("post-consumer", "post_consumer_share"),
          ("pre-consumer", "pre_consumer_share"), ("claimed", "claimed_share"))


PROVENANCE = (("in-province kg", "in_province"), ("out-of-province kg", "out_of_province"),
              ("imported kg", "imported"))


def recycled_share_table(report: dict[str, Any]) -> Table:
    table = Table(title=f"Recycled share of {report['metal']}, {report['from']} to {report['to']} "
                        "(exclusive), metal kg; eligible recycled metal by provenance")
    table.add_column("producer", no_wrap=True)
    table.add_column("name", min_width=12)
    for title, _ in (*SHARE_COLUMNS, *SHARES, *PROVENANCE):
        table.add_column(title, justify="right", no_wrap=True)
    for p in report["producers"]:
        where = p.get("by_provenance_kg") or {}
        table.add_row(p["org"], p.get("name", ""), *(kg(p[key]) for _, key in SHARE_COLUMNS),
                      *(percent(p[key]) for _, key in SHARES),
                      *(kg(where.get(key)) for _, key in PROVENANCE))
    return table


BALANCE_COLUMNS = ("opening", "received", "created", "produced", "shipped", "charged", "losses",
                   "closing")


def mass_balance_table(report: dict[str, Any], site_names: dict[str, str] | None = None,
                       org_names: dict[str, str] | None = None) -> Table:
    """Per site and metal, material kg, with site and organisation names (rows that carry
    `site_name`/`org_name` themselves use those)."""
    site_names, org_names = site_names or {}, org_names or {}
    table = Table(title=f"Mass balance, {report['from']} to {report['to']} (exclusive), "
                        "material kg")
    for name in ("site", "site name", "org", "org name", "metal"):
        table.add_column(name, no_wrap=name in ("site", "org", "metal"))
    for name in BALANCE_COLUMNS:
        table.add_column(name, justify="right", no_wrap=True)
    for row in report["sites"]:
        table.add_row(row["site"], row.get("site_name") or site_names.get(row["site"], ""),
                      row["org"], row.get("org_name") or org_names.get(row["org"], ""),
                      row["metal"],
                      *(kg(row[f"{name}_kg"]) for name in BALANCE_COLUMNS))
    return table
