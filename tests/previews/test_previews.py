"""Previews end to end: queued with the upload, made once by the job, served only to those
who may see the order, a placeholder while they wait, the sweep for what was left."""

from __future__ import annotations

import hashlib
import io

import pytest
import sqlalchemy as sa
from PIL import Image

from ecoprod.deferred import run_committed
from ecoprod.extensions import db
from ecoprod.orders import services as orders
from ecoprod.planning import services as planning
from ecoprod.previews import jobs
from ecoprod.previews.models import Preview, PreviewPage, PreviewStatus
from ecoprod.storage import DRAWING_KINDS, STEP, InspectedFile, file_store, sniff
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as
from tests.factories import PDF_BYTES, Planning, plan_world
from tests.previews import files


def drawing(name: str, data: bytes) -> InspectedFile:
    kind = sniff(data[:4096])
    assert kind in DRAWING_KINDS, name
    return InspectedFile(name, kind, data, hashlib.sha256(data).hexdigest())


@pytest.fixture
def drawn(world):
    """A submitted request of Mécanique Zéphyr with a PDF, a DXF, a STEP and a broken PDF."""
    with scoped_to(db.session, world.school.id):
        order = orders.create_draft(
            world.customer_user,
            orders.RequestInput(
                title="Platines Zéphyr",
                lines=[orders.LineInput("Platine", 4, world.machining.trade, material="Alu")],
            ),
            [
                drawing("plan.pdf", files.pdf(pages=2)),
                drawing("platine.dxf", files.dxf()),
                drawing("piece.step", b"ISO-10303-21;\nHEADER;\nENDSEC;\nEND-ISO-10303-21;\n"),
                drawing("abime.pdf", PDF_BYTES),
            ],
        )
        orders.submit(order, world.customer_user)
        db.session.commit()
    return order


def preview_of(attachment) -> Preview | None:
    return db.session.scalars(
        sa.select(Preview).where(Preview.source_name == attachment.stored_name)
    ).one_or_none()


def test_the_upload_queues_a_preview_per_previewable_drawing_made_after_the_commit(drawn):
    pdf, dxf, step, broken = drawn.attachments
    assert preview_of(step) is None  # STEP files are listed, never previewed
    assert {preview_of(a).status for a in (pdf, dxf, broken)} == {PreviewStatus.PENDING}
    run_committed()  # the jobs queued after the commit
    db.session.expire_all()
    made = preview_of(pdf)
    assert made.status is PreviewStatus.READY and made.page_count == 2 and len(made.pages) == 2
    assert made.attempts == 1 and made.claimed_at is None
    for name in made.stored_names():
        assert file_store().path(made.school_id, name).is_file()
    assert preview_of(dxf).svg_name and preview_of(dxf).pages == []
    gone = preview_of(broken)
    assert gone.status is PreviewStatus.UNAVAILABLE and "pdf" in gone.problem and gone.stored_names() == []


def test_the_job_run_twice_does_nothing_twice(drawn):
    run_committed()
    pdf = drawn.attachments[0]
    made = preview_of(pdf)
    before = (sorted(made.stored_names()), made.made_at)
    files_before = sorted(
        p.name for p in file_store().path(made.school_id, made.thumbnail_name).parent.iterdir()
    )
    jobs.make_preview.call_local(made.id)
    jobs.make_preview.call_local(made.id)
    db.session.expire_all()
    again = preview_of(pdf)
    assert (sorted(again.stored_names()), again.made_at) == before and again.attempts == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PreviewPage)) == 2
    after = sorted(p.name for p in file_store().path(made.school_id, made.thumbnail_name).parent.iterdir())
    assert after == files_before


def test_the_viewer_shows_the_pages_and_serves_its_images(drawn, client, world):
    run_committed()
    pdf, dxf, step, broken = drawn.attachments
    login_as(client, world.master)
    base = f"/requests/{drawn.id}/drawings"
    page = client.get(f"{base}/{pdf.id}/preview").get_data(as_text=True)
    assert 'data-preview="ready"' in page and "Page 2 sur 2" in page
    with client.get(f"{base}/{pdf.id}/pages/2") as image:
        assert image.status_code == 200 and image.mimetype == "image/png"
        assert Image.open(io.BytesIO(image.data)).size == (1132, 1600)
    assert client.get(f"{base}/{pdf.id}/pages/3").status_code == 404
    assert client.get(f"{base}/{pdf.id}/drawing.svg").status_code == 404  # a PDF has no SVG
    with client.get(f"{base}/{pdf.id}/thumbnail") as thumb:
        assert thumb.mimetype == "image/png" and "max-age=3600" in thumb.headers["Cache-Control"]
    # The DXF: shown as an <img> of the SVG the worker made, served under a strict policy.
    page = client.get(f"{base}/{dxf.id}/preview").get_data(as_text=True)
    assert f'<img class="preview-svg" src="{base}/{dxf.id}/drawing.svg"' in page
    with client.get(f"{base}/{dxf.id}/drawing.svg") as svg:
        assert svg.mimetype == "image/svg+xml" and svg.data.startswith(b"<svg")
        assert (
            svg.headers["Content-Security-Policy"] == "default-src 'none'; style-src 'unsafe-inline'; sandbox"
        )
        assert svg.headers["Content-Disposition"].startswith("attachment;")
        assert svg.headers["X-Content-Type-Options"] == "nosniff"
    # The broken PDF: a message and the download, never an error.
    page = client.get(f"{base}/{broken.id}/preview")
    assert page.status_code == 200 and "Aucun aperçu ne peut être affiché" in page.get_data(as_text=True)
    with client.get(f"{base}/{broken.id}/thumbnail") as placeholder:
        assert placeholder.status_code == 200 and placeholder.mimetype == "image/svg+xml"
    assert client.get(f"{base}/{broken.id}/pages/1").status_code == 404
    # STEP: no preview, the download.
    page = client.get(f"{base}/{step.id}/preview").get_data(as_text=True)
    assert "n’a pas d’aperçu" in page and f'{base}/{step.id}"' in page


def test_a_placeholder_while_the_preview_waits(drawn, client, world):
    pdf = drawn.attachments[0]  # its job not run yet
    login_as(client, world.customer_user)
    with client.get(f"/requests/{drawn.id}/drawings/{pdf.id}/thumbnail") as thumb:
        assert thumb.status_code == 200 and thumb.mimetype == "image/svg+xml"
        assert thumb.headers["Cache-Control"] == "no-store"
    page = client.get(f"/requests/{drawn.id}/drawings/{pdf.id}/preview").get_data(as_text=True)
    assert 'data-preview="pending"' in page and "L’aperçu est en préparation" in page


def test_the_order_page_lists_thumbnails_and_step_files_by_name(drawn, client, world):
    pdf, dxf, step, _broken = drawn.attachments
    login_as(client, world.customer_user)
    page = client.get(f"/requests/{drawn.id}").get_data(as_text=True)
    base = f"/requests/{drawn.id}/drawings"
    for a in (pdf, dxf):
        assert f'src="{base}/{a.id}/thumbnail"' in page and f'href="{base}/{a.id}/preview"' in page
    assert f"{base}/{step.id}/thumbnail" not in page and f"{base}/{step.id}/preview" not in page
    assert "piece.step" in page and f'href="{base}/{step.id}"' in page
    assert step.kind == STEP.name


def test_another_company_and_another_school_find_no_preview(drawn, client, world):
    run_committed()
    pdf, dxf = drawn.attachments[:2]
    base = f"/requests/{drawn.id}/drawings"
    urls = [
        f"{base}/{pdf.id}/preview",
        f"{base}/{pdf.id}/thumbnail",
        f"{base}/{pdf.id}/pages/1",
        f"{base}/{dxf.id}/drawing.svg",
        # Through another order of one's own: the drawing is not found there either.
        f"/requests/{world.rival_order.id}/drawings/{dxf.id}/drawing.svg",
    ]
    for user in (world.rival_user, world.other_admin):
        login_as(client, user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.email, url)
    login_as(client, world.rival_user)
    assert client.get(f"/requests/{world.rival_order.id}").status_code == 200  # the rival's own


def test_the_sweep_makes_missing_previews_and_forgets_those_of_removed_drawings(world):
    draft = world.draft  # uploaded "before previews existed": its preview row is removed
    attachment = draft.attachments[0]
    db.session.execute(sa.delete(Preview))
    db.session.commit()
    jobs.sweep.call_local()
    run_committed()
    made = preview_of(attachment)
    assert made is not None and made.status is not PreviewStatus.PENDING
    # A waiting preview whose job was lost is made by the next sweep.
    with scoped_to(db.session, world.school.id):
        [added] = orders.attach_drawings(draft, [drawing("ajout.dxf", files.dxf())], world.customer_user)
        db.session.commit()
    db.session.info.pop("deferred_committed", None)  # its job lost with its process
    assert preview_of(added).status is PreviewStatus.PENDING
    jobs.sweep.call_local()
    db.session.expire_all()
    ready = preview_of(added)
    assert ready.status is PreviewStatus.READY
    images = [file_store().path(ready.school_id, n) for n in ready.stored_names()]
    assert images and all(p.is_file() for p in images)
    # The drawing removed from its draft: the preview and its images go with the next sweep.
    with scoped_to(db.session, world.school.id):
        orders.remove_attachment(db.session.get(type(added), added.id), world.customer_user)
        db.session.commit()
    jobs.sweep.call_local()
    assert preview_of(added) is None and not any(p.exists() for p in images)


@pytest.fixture
def plan(factory, world) -> Planning:
    return plan_world(factory, world)


def test_a_photo_gets_a_thumbnail_without_its_metadata_seen_as_the_photo_is(app, client, world, plan):
    from ecoprod.storage import JPEG, InspectedFile

    data = files.jpeg_with_exif(size=(1600, 1200))
    with scoped_to(db.session, world.school.id):
        photo = planning.add_photo(
            plan.operation, InspectedFile("axe.jpg", JPEG, data, "0" * 64), "Axe fini", False, world.master
        )
        db.session.commit()
    run_committed()
    login_as(client, world.master)
    with client.get(f"/photos/{photo.id}/thumbnail") as thumb:
        assert thumb.status_code == 200 and thumb.mimetype == "image/jpeg"
        opened = Image.open(io.BytesIO(thumb.data))
        assert max(opened.size) == 320 and len(opened.getexif()) == 0
        assert files.AUTHOR.encode() not in thumb.data
    page = client.get(f"/operations/{plan.operation.id}").get_data(as_text=True)
    assert f'src="/photos/{photo.id}/thumbnail"' in page
    login_as(client, world.customer_user)  # not shared with the customer: not found
    assert client.get(f"/photos/{photo.id}/thumbnail").status_code == 404
    with scoped_to(db.session, world.school.id):
        planning.toggle_photo_sharing(db.session.get(type(photo), photo.id))
        db.session.commit()
    with client.get(f"/photos/{photo.id}/thumbnail") as shared:
        assert shared.status_code == 200 and shared.mimetype == "image/jpeg"
    login_as(client, world.rival_user)
    assert client.get(f"/photos/{photo.id}/thumbnail").status_code == 404
