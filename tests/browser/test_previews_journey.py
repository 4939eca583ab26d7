"""A customer sends a request with a PDF and a DXF drawing; the worker makes their previews
after the commit; the master sees the thumbnails on the order page and opens each drawing's
preview — the PDF's pages, the DXF drawn as an SVG — every image actually loaded."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.previews import files


def loaded(locator) -> bool:
    """The image was fetched and decoded by the browser (not a broken icon)."""
    locator.scroll_into_view_if_needed()
    return locator.evaluate("img => img.complete && img.naturalWidth > 0")


def wait_until_loaded(page, selector: str, seconds: float = 30) -> None:
    """Previews are made after the response: reload until the image is the real one."""
    deadline = seconds * 1000
    waited = 0
    while page.locator(selector).count() == 0 and waited < deadline:
        page.wait_for_timeout(300)
        waited += 300
        page.reload()
    expect(page.locator(selector).first).to_be_visible()


def test_a_master_opens_a_dxf_and_a_pdf_drawings_preview(world, visit, tmp_path):
    pdf, dxf = tmp_path / "plan-platine.pdf", tmp_path / "platine.dxf"
    pdf.write_bytes(files.pdf(pages=2))
    dxf.write_bytes(files.dxf(text="Platine 120 x 80"))

    customer = visit("customer")
    customer.sign_in(world.customer_user.email, PASSWORD)
    page = customer.page
    page.goto("/requests/new")
    page.get_by_label("Titre").fill("Platines de fixation")
    line = page.locator("[data-line]").nth(0)
    line.get_by_label("Pièce ou travail demandé").fill("Platine percée selon plan")
    line.get_by_label("Quantité").fill("12")
    line.get_by_label("Métier").select_option(label="Usinage")
    page.get_by_label("Fichiers à joindre").set_input_files([str(pdf), str(dxf)])
    page.get_by_role("button", name="Envoyer la demande à l’école").click()
    expect(page.get_by_text("a été envoyée à l’école")).to_be_visible()
    order_url = page.url

    master = visit("master")
    master.sign_in(world.master.email, PASSWORD)
    page = master.page
    page.goto(order_url)
    drawings = page.locator("ul.drawings")
    expect(drawings.get_by_role("link", name="platine.dxf", exact=True)).to_be_visible()
    thumbs = drawings.locator("a.drawing-thumb img")
    expect(thumbs).to_have_count(2)
    for n in range(2):  # the thumbnails, or their placeholders while they wait: an image either way
        assert loaded(thumbs.nth(n))
    master.check_page("order-drawings")

    # The DXF: its drawing, an SVG the worker made, shown as an image.
    drawings.get_by_role("link", name="platine.dxf", exact=True).click()
    expect(page.get_by_role("heading", name="platine.dxf")).to_be_visible()
    wait_until_loaded(page, "img.preview-svg")
    svg = page.locator("img.preview-svg")
    assert loaded(svg)
    assert svg.evaluate("img => img.naturalWidth") > 100
    master.check_page("preview-dxf")

    # Back on the order, the thumbnails are made by now; then the PDF's pages.
    page.goto(order_url)
    src = drawings.locator("a.drawing-thumb img").first.get_attribute("src")
    assert page.request.get(src).headers["content-type"] == "image/png"
    drawings.get_by_role("link", name="plan-platine.pdf", exact=True).click()
    wait_until_loaded(page, "[data-preview=ready] figure img")
    pages = page.locator("figure.preview-sheet img")
    expect(pages).to_have_count(2)
    for n in range(2):
        assert loaded(pages.nth(n))
    expect(page.get_by_text("Page 2 sur 2")).to_be_visible()
    page.get_by_role("navigation", name="Pages").get_by_role("link", name="2").click()
    assert page.url.endswith("#page-2")
    master.check_page("preview-pdf")


def test_a_preview_being_made_appears_without_a_reload(world, visit):
    """The viewer of a drawing whose preview is still waiting looks again by itself."""
    from ecoprod.deferred import run_committed
    from ecoprod.extensions import db
    from ecoprod.orders.models import Attachment
    from ecoprod.previews import services
    from ecoprod.storage import file_store
    from ecoprod.tenancy import scoped_to

    with scoped_to(db.session, world.school.id):
        order = db.session.merge(world.submitted)
        data = files.pdf(pages=1)
        attachment = Attachment(
            school_id=order.school_id, order_id=order.id, original_name="gabarit.pdf",
            stored_name=file_store().save(order.school_id, data, db.session), kind="pdf",
            content_type="application/pdf", size=len(data), sha256="0" * 64, uploaded_by_id=world.customer_user.id,
        )  # fmt: skip
        db.session.add(attachment)
        db.session.flush()
        services.queue_drawings([attachment])
        db.session.commit()  # the job is queued after this commit, and not run yet
    master = visit("master")
    master.sign_in(world.master.email, PASSWORD)
    page = master.page
    page.goto(f"/requests/{order.id}/drawings/{attachment.id}/preview")
    expect(page.locator("[data-preview=pending]")).to_be_visible()
    run_committed()  # the worker makes it now
    expect(page.locator("[data-preview=ready]")).to_be_visible(timeout=15_000)
    assert loaded(page.locator("[data-preview=ready] img").first)
