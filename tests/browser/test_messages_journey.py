"""Order again, then talk about it: the customer reorders a delivered order and sends the new
request, writes with a photo attached, the master (who sees what it repeats) answers — after
being stopped from naming a student to the customer, and keeping that for an internal note —,
the customer sees the answer marked in the list, and never a student's name."""

from __future__ import annotations

import io
from decimal import Decimal

import sqlalchemy as sa
from playwright.sync_api import expect

from ecoprod.delivery import services as delivery
from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import Order
from ecoprod.tenancy import scoped_to
from tests.factories import PASSWORD, ready_order

STUDENT_DATA = ("Théo", "Secretnom")


def png_bytes() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def mails(address: str) -> list[OutboxEmail]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(OutboxEmail).where(
                OutboxEmail.to_address == address, OutboxEmail.template == "order_message"
            )
        )
    )


def no_student_data(page, where: str) -> None:
    text = page.content()
    for secret in STUDENT_DATA:
        assert secret not in text, f"{where} shows {secret!r} to the customer"


def delivered_order(factory, world) -> Order:
    with scoped_to(db.session, world.school.id):
        order = ready_order(factory, world.customer_user, "Axes de convoyeur", quantity="10")
        delivery.issue(order, {order.lines[0].id: Decimal("10")}, world.admin)
        db.session.commit()
    return order


def test_a_customer_reorders_then_talks_with_the_master(factory, world, visit):
    delivered = delivered_order(factory, world)
    customer = visit("customer")
    customer.sign_in(world.customer_user.email, PASSWORD)
    page = customer.page
    page.goto(f"/requests/{delivered.id}")
    page.get_by_role("button", name="Commander à nouveau").click()
    expect(page.locator(".flash-success")).to_contain_text(f"reprend {delivered.number}")
    page.get_by_role("button", name="Envoyer la demande à l’école").click()
    expect(page.locator("dl")).to_contain_text("Nouvelle commande de")
    db.session.expire_all()
    order = db.session.scalars(sa.select(Order).where(Order.reorder_of_id == delivered.id)).one()
    assert order.number and order.lines[0].description == delivered.lines[0].description
    messages = page.locator("#messages")
    expect(messages).to_contain_text("Aucun message pour l’instant")
    page.get_by_label("Votre message").fill("Bonjour, voici la teinte voulue pour les axes.")
    page.get_by_label("Fichiers à joindre").set_input_files(
        {"name": "teinte.png", "mimeType": "image/png", "buffer": png_bytes()}
    )
    page.get_by_role("button", name="Envoyer").click()
    expect(page.locator(".flash-success")).to_contain_text("Votre message a été envoyé.")
    expect(messages.get_by_role("link", name="teinte.png")).to_be_visible()
    customer.check_page("order-message-sent")
    [told] = mails(world.master.email)
    assert f"/requests/{order.id}#messages" in told.body and "voici la teinte" in told.body

    master = visit("master")
    master.sign_in(world.master.email, PASSWORD)
    staff = master.page
    staff.goto("/inbox")
    card = staff.locator(".order-card", has_text=order.number)
    expect(card.locator(".unread")).to_have_text("1 nouveau message")
    master.check_page("inbox-unread")
    card.get_by_role("link", name=order.title, exact=False).click()
    expect(staff.locator("dl")).to_contain_text(delivered.number)  # what it repeats
    thread = staff.locator("#messages")
    expect(thread.locator(".message", has_text="voici la teinte")).to_contain_text("Nouveau")
    expect(thread.get_by_role("link", name="teinte.png")).to_be_visible()
    # Naming the student to the customer is refused, with the reason beside the field.
    staff.get_by_label("Votre message").fill("Théo peint les axes demain.")
    staff.get_by_role("button", name="Envoyer").click()
    expect(staff.locator("#body-error")).to_contain_text("Ce message nomme un élève (Théo)")
    expect(staff.get_by_label("Votre message")).to_have_value("Théo peint les axes demain.")
    master.check_page("message-refused")
    # Kept among the staff as an internal note, then the answer without the name.
    staff.get_by_label("Note interne").check()
    staff.get_by_role("button", name="Envoyer").click()
    expect(staff.locator(".flash-success")).to_contain_text("Note interne ajoutée.")
    staff.get_by_label("Votre message").fill("Bien reçu : la teinte sera respectée, livraison jeudi.")
    staff.get_by_role("button", name="Envoyer").click()
    expect(staff.locator(".flash-success")).to_contain_text("Votre message a été envoyé.")
    expect(thread.locator(".message-internal")).to_contain_text("Théo peint les axes demain.")
    master.check_page("order-conversation-staff")
    assert len(mails(world.customer_user.email)) == 1  # the answer; the internal note, never

    page.goto("/requests")
    row = page.locator("tr", has_text=order.number)
    expect(row.locator(".unread")).to_have_text("1 nouveau message")  # not the internal note
    no_student_data(page, "the list")
    customer.check_page("requests-unread")
    row.get_by_role("link", name=order.reference).click()
    answer = messages.locator(".message", has_text="livraison jeudi")
    expect(answer).to_contain_text("Marc Usineur")
    expect(answer).to_contain_text("Nouveau")
    expect(messages.locator(".message")).to_have_count(2)
    no_student_data(page, "the order page")
    customer.check_page("order-answer-read")
    page.goto("/requests")
    expect(page.locator("tr", has_text=order.number).locator(".unread")).to_have_count(0)
    page.goto(f"/requests/{order.id}/messages")
    no_student_data(page, "the conversation page")
    [answer_mail] = mails(world.customer_user.email)
    for secret in STUDENT_DATA:
        assert secret not in answer_mail.body
