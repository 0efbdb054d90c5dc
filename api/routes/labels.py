"""Labels: a lot's QR label (PNG, SVG) and pre-allocated code batches with a printable PDF."""

from __future__ import annotations

from typing import Annotated, Literal
from uuid import UUID

from fastapi import APIRouter, Path, Request, Response
from fastapi.concurrency import run_in_threadpool
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ActorDep, DbDep, SettingsDep, write
from api.label_render import LabelText, PdfCache, label_png, label_svg, labels_pdf
from domain import labels
from domain.lots import get_lot

router = APIRouter(tags=["labels"])
LotCode = Annotated[str, Path(max_length=20, description="Any case, hyphens optional.")]
PRIVATE = {"Cache-Control": "private, max-age=300"}


class LabelsIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    site: Annotated[str, Field(min_length=1, max_length=32, examples=["GY-HS-1"])]
    count: Annotated[int, Field(ge=1, le=labels.MAX_LABELS, examples=[20])]
    layout: Literal["a4", "roll"] = "a4"


class LabelBatchOut(BaseModel):
    batch: str
    site: str
    layout: str
    codes: list[str] = Field(description="Canonical codes in printing order.")
    pdf: str = Field(description="Path of the printable sheet (needs the same token).")


def _text(db: DbDep, actor: ActorDep, code: str) -> LabelText:
    with db.read() as s:
        lot = get_lot(s, actor=actor, code=code)
    return LabelText.for_lot(lot.lot.code, lot.lot.metal, lot.lot.grade,
                             lot.site_code or lot.dest_site_code or "")


@router.get("/lots/{code}/label.png", summary="A lot's label as PNG", response_class=Response,
            responses={200: {"content": {"image/png": {}}}})
async def lot_label_png(code: LotCode, actor: ActorDep, db: DbDep,
                        settings: SettingsDep) -> Response:
    """QR code (level M) of `{SCRAPTRACE_PUBLIC_URL}/l/{CODE}`, the code, metal, grade, site."""
    text = await run_in_threadpool(_text, db, actor, code)
    png = await run_in_threadpool(label_png, settings.public_url, text)
    return Response(png, media_type="image/png", headers=PRIVATE)


@router.get("/lots/{code}/label.svg", summary="A lot's label as SVG", response_class=Response,
            responses={200: {"content": {"image/svg+xml": {}}}})
def lot_label_svg(code: LotCode, actor: ActorDep, db: DbDep, settings: SettingsDep) -> Response:
    svg = label_svg(settings.public_url, _text(db, actor, code))
    return Response(svg, media_type="image/svg+xml", headers=PRIVATE)


def _out(batch: labels.BatchView) -> LabelBatchOut:
    return LabelBatchOut(batch=batch.id, site=batch.site_code, layout=batch.layout,
                         codes=batch.codes, pdf=f"/api/v1/labels/{batch.id}.pdf")


@router.post("/labels", status_code=201, response_model=LabelBatchOut,
             summary="Pre-allocate label codes")
def allocate(body: LabelsIn, actor: ActorDep, db: DbDep, settings: SettingsDep) -> LabelBatchOut:
    """Reserve 1–1,000 blank codes for one of the caller's sites. Each can be used once, by a
    `collect` or `declare` at that site; any other use is refused (`label-code-other-site`,
    `label-code-reserved`). An organisation may hold `SCRAPTRACE_LABEL_QUOTA_UNUSED` unused
    codes at once (`409 label-quota-exceeded`)."""
    batch = write(db, lambda s: labels.allocate_labels(
        s, actor=actor, site_code=body.site, count=body.count, layout=body.layout,
        quota=settings.label_quota_unused))
    return _out(batch)


@router.get("/labels/{batch}.pdf", summary="A batch's printable sheet", response_class=Response,
            responses={200: {"content": {"application/pdf": {}}}})
async def batch_pdf(batch: UUID, request: Request, actor: ActorDep, db: DbDep,
                    settings: SettingsDep) -> Response:
    """An A4 grid of 3 × 7 labels per page, or one 60 × 40 mm thermal-roll label per page.
    Built once per batch and kept (a batch's codes never change)."""
    with db.read() as s:
        view = labels.get_batch(s, actor=actor, batch_id=str(batch))
    cache: PdfCache = request.app.state.label_pdfs
    pdf = await run_in_threadpool(cache.get, (view.id, settings.public_url), lambda: labels_pdf(
        settings.public_url, view.site_code, view.codes, view.layout))
    return Response(pdf, media_type="application/pdf", headers={
        **PRIVATE, "Content-Disposition": f'inline; filename="labels-{view.id}.pdf"'})


@router.get("/labels/{batch}", response_model=LabelBatchOut, summary="One batch")
def read_batch(batch: UUID, actor: ActorDep, db: DbDep) -> LabelBatchOut:
    with db.read() as s:
        return _out(labels.get_batch(s, actor=actor, batch_id=str(batch)))
