"""Rich tables of the API's answers: lot cards and the two reports."""

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


SHARE_COLUMNS = (("post-consumer kg", "post_consumer_kg"), ("pre-consumer kg", "pre_consumer_kg"),
                 ("declared kg", "declared_kg"), ("primary kg", "primary_kg"),
                 ("home scrap kg", "home_scrap_kg"))
SHARES = (("recycled", "recycled_share"), ("post-consumer", "post_consumer_share"),
          ("pre-consumer", "pre_consumer_share"), ("claimed", "claimed_share"))


def recycled_share_table(report: dict[str, Any]) -> Table:
    table = Table(title=f"Recycled share of {report['metal']}, {report['from']} to {report['to']} "
                        "(exclusive)")
    table.add_column("producer", no_wrap=True)
    table.add_column("name")
    for title, _ in (*SHARE_COLUMNS, *SHARES):
        table.add_column(title, justify="right", no_wrap=True)
    for p in report["producers"]:
        table.add_row(p["org"], p.get("name", ""), *(kg(p[key]) for _, key in SHARE_COLUMNS),
                      *(percent(p[key]) for _, key in SHARES))
    return table


BALANCE_COLUMNS = ("opening", "received", "created", "shipped", "charged", "losses", "closing")


def mass_balance_table(report: dict[str, Any]) -> Table:
    table = Table(title=f"Mass balance, {report['from']} to {report['to']} (exclusive), kg")
    for name in ("site", "org", "metal"):
        table.add_column(name, no_wrap=True)
    for name in BALANCE_COLUMNS:
        table.add_column(name, justify="right", no_wrap=True)
    for row in report["sites"]:
        table.add_row(row["site"], row["org"], row["metal"],
                      *(kg(row[f"{name}_kg"]) for name in BALANCE_COLUMNS))
    return table
