"""Messages on an order: who posts and reads what, files, e-mails, unread markers, and the
students' names kept from the customer."""

from __future__ import annotations

import io

import pytest
import sqlalchemy as sa

from ecoprod.conversations import services
from ecoprod.conversations.models import MessageFile, MessageRead, OrderMessage
from ecoprod.extensions import db
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders.models import OrderState
from ecoprod.tenancy import scoped_to
from tests.conftest import login_as, post
from tests.factories import PDF_BYTES, PNG_BYTES, pdf_file


def emails_to(address: str) -> list[OutboxEmail]:
    return list(
        db.session.scalars(
            sa.select(OutboxEmail)
            .where(OutboxEmail.to_address == address, OutboxEmail.template == "order_message")
            .order_by(OutboxEmail.id)
        )
    )


def say(world, author, text, *, internal=False, files=(), order=None):
    with scoped_to(db.session, world.school.id):
        message = services.post(
            order or world.submitted, author, services.MessageInput(text, internal, files)
        )
        db.session.commit()
    return message


# --- Posting and reading -------------------------------------------------------------------


def test_a_customer_writes_with_a_file_and_the_masters_of_the_trade_hear_of_it(app, client, world):
    login_as(client, world.customer_user)
    order = world.submitted
    response = post(
        client,
        f"/requests/{order.id}/messages",
        {"body": "Pouvez-vous livrer en deux fois ?", "files": (io.BytesIO(PDF_BYTES), "cote.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/requests/{order.id}#messages")
    message = db.session.scalars(sa.select(OrderMessage)).one()
    assert (message.body, message.internal, message.author_id) == (
        "Pouvez-vous livrer en deux fois ?",
        False,
        world.customer_user.id,
    )
    assert [f.original_name for f in message.files] == ["cote.pdf"]
    # The machining master hears of it, with a link; the metal master (another trade), the
    # admin (the trade has a master) and the author do not.
    [mail] = emails_to(world.master.email)
    assert "Pouvez-vous livrer en deux fois ?" in mail.body
    assert f"http://ecoprod.test/requests/{order.id}#messages" in mail.body
    assert order.number in mail.subject
    assert "Claire Cliente" in mail.body
    assert emails_to(world.metal_master.email) == []
    assert emails_to(world.admin.email) == []
    assert emails_to(world.customer_user.email) == []
    # The file opens for the school and the customer, never for the rival company.
    url = f"/requests/{order.id}/messages/{message.id}/files/{message.files[0].id}"
    download = client.get(url)
    assert download.status_code == 200 and download.data == PDF_BYTES
    download.close()
    login_as(client, world.rival_user)
    assert client.get(url).status_code == 404


def test_a_staff_answer_reaches_the_customers_users_and_staff_who_wrote_hear_the_reply(app, world, factory):
    from ecoprod.accounts.models import Role

    colleague = factory.user(world.school, Role.CUSTOMER, customer=world.company, full_name="Paul Collègue")
    say(world, world.admin, "Oui, en deux livraisons.")
    assert len(emails_to(world.customer_user.email)) == 1
    assert len(emails_to(colleague.email)) == 1
    assert emails_to(world.rival_user.email) == []
    assert emails_to(world.master.email) == []  # a staff answer is for the customer
    # The customer answers: the master of the trade and the admin who wrote both hear of it.
    say(world, world.customer_user, "Parfait, merci.")
    assert len(emails_to(world.master.email)) == 1
    assert len(emails_to(world.admin.email)) == 1


def test_an_internal_note_is_for_the_staff_only(app, client, world):
    note = say(
        world,
        world.admin,
        "Client à relancer pour le plan coté.",
        internal=True,
        files=(pdf_file("interne.pdf"),),
    )
    assert emails_to(world.customer_user.email) == []
    [mail] = emails_to(world.master.email)
    assert mail.subject.startswith("Note interne")
    login_as(client, world.customer_user)
    page = client.get(f"/requests/{world.submitted.id}").get_data(as_text=True)
    assert "Client à relancer" not in page and "interne.pdf" not in page
    file_url = f"/requests/{world.submitted.id}/messages/{note.id}/files/{note.files[0].id}"
    assert client.get(file_url).status_code == 404
    login_as(client, world.master)
    page = client.get(f"/requests/{world.submitted.id}").get_data(as_text=True)
    assert "Client à relancer" in page and "Note interne" in page
    response = client.get(file_url)
    assert response.status_code == 200
    response.close()


def test_a_customer_cannot_write_an_internal_note(app, client, world):
    login_as(client, world.customer_user)
    post(client, f"/requests/{world.submitted.id}/messages", {"body": "Secret ?", "internal": "y"})
    assert db.session.scalars(sa.select(OrderMessage.internal)).one() is False
    with scoped_to(db.session, world.school.id), pytest.raises(services.ConversationError):
        services.post(world.submitted, world.customer_user, services.MessageInput("x", internal=True))


def test_nobody_writes_on_another_companys_order_nor_on_a_draft(app, world):
    with scoped_to(db.session, world.school.id):
        with pytest.raises(services.ConversationError):
            services.post(world.submitted, world.rival_user, services.MessageInput("Bonjour"))
        with pytest.raises(services.ConversationError):
            services.post(world.draft, world.customer_user, services.MessageInput("Bonjour"))
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrderMessage)) == 0


def test_a_draft_has_no_conversation(app, client, world):
    login_as(client, world.customer_user)
    assert 'id="messages"' not in client.get(f"/requests/{world.draft.id}").get_data(as_text=True)
    assert client.get(f"/requests/{world.draft.id}/messages").status_code == 404


# --- Bad input: a message beside the field, nothing saved ----------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({"body": "   "}, "Écrivez un message."),
        ({"body": "x" * 5001}, "5000"),
        (
            {"body": "Voici", "files": (io.BytesIO(b"MZ\x90\x00 not a drawing"), "virus.pdf")},
            "type de fichier",
        ),
        ({"body": "Voici", "files": (io.BytesIO(PNG_BYTES), "photo.pdf")}, "extension"),
        (
            {"body": "Voici", "files": [(io.BytesIO(PDF_BYTES), f"vue-{n}.pdf") for n in range(11)]},
            "10 fichiers au maximum",
        ),
    ],
)
def test_a_refused_message_is_shown_beside_its_field_and_nothing_is_saved(app, client, world, data, expected):
    login_as(client, world.customer_user)
    response = post(
        client, f"/requests/{world.submitted.id}/messages", data, content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert expected in response.get_data(as_text=True)
    assert 'class="error"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrderMessage)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboxEmail)) == 0 or not emails_to(
        world.master.email
    )


def test_a_photo_loses_its_metadata(app, world):
    from PIL import Image

    from ecoprod.storage import PNG, InspectedFile, file_store

    out = io.BytesIO()
    info = __import__("PIL.PngImagePlugin", fromlist=["PngInfo"]).PngInfo()
    info.add_text("Author", "Théo Secretnom")
    Image.new("RGB", (4, 4), "white").save(out, "PNG", pnginfo=info)
    data = out.getvalue()
    assert b"Secretnom" in data
    message = say(
        world, world.master, "La pièce finie.", files=(InspectedFile("piece.png", PNG, data, "0" * 64),)
    )
    stored = file_store().path(world.school.id, message.files[0].stored_name).read_bytes()
    assert b"Secretnom" not in stored and stored.startswith(b"\x89PNG")


# --- Students' names ------------------------------------------------------------------------


def test_a_master_naming_a_student_to_the_customer_is_refused_beside_the_field(app, client, world):
    login_as(client, world.master)
    url = f"/requests/{world.submitted.id}/messages"
    response = post(client, url, {"body": "Théo termine les axes demain."})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "nomme un élève (Théo)" in page and "Note interne" in page
    assert "Théo termine les axes demain." in page  # the text is kept to be corrected
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrderMessage)) == 0
    assert emails_to(world.customer_user.email) == []
    # As an internal note it is fine; rephrased it is fine.
    assert post(client, url, {"body": "Théo termine les axes demain.", "internal": "y"}).status_code == 302
    assert post(client, url, {"body": "Les axes seront finis demain."}).status_code == 302
    assert len(emails_to(world.customer_user.email)) == 1


def test_a_file_named_after_a_student_is_refused_too(app, world):
    with scoped_to(db.session, world.school.id), pytest.raises(services.ConversationError) as refused:
        services.post(
            world.submitted,
            world.admin,
            services.MessageInput("Photo jointe", files=(pdf_file("secretnom.pdf"),)),
        )
    assert refused.value.field == "files"


def test_an_erased_student_is_nobodys_name(app, world):
    from ecoprod.platform.privacy import erase_student

    with scoped_to(db.session, world.school.id):
        erase_student(world.student)
        db.session.commit()
    # "Élève anonyme" is what erasure leaves: the word "élève" stays usable.
    say(world, world.master, "Un élève a fini les axes ; Théo n'est plus un nom connu.")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OrderMessage)) == 1


def test_the_customer_never_reads_a_students_name_on_the_order_page(app, client, world):
    say(world, world.master, "Les axes sont usinés.")
    say(world, world.master, "Théo Secretnom s'en charge.", internal=True)
    login_as(client, world.customer_user)
    page = client.get(f"/requests/{world.submitted.id}").get_data(as_text=True)
    assert "Les axes sont usinés." in page
    for secret in ("Théo", "Secretnom"):
        assert secret not in page


# --- Unread markers -------------------------------------------------------------------------


def test_unread_messages_are_counted_in_the_lists_until_the_order_is_opened(app, client, world):
    order = world.submitted
    say(world, world.master, "Première réponse.")
    say(world, world.master, "Deuxième réponse.")
    say(world, world.master, "Note pour l'équipe.", internal=True)
    login_as(client, world.customer_user)
    listing = client.get("/requests").get_data(as_text=True)
    assert "2 nouveaux messages" in listing  # internal notes are not counted for a customer
    assert services.unread_counts(world.customer_user, [order.id, world.draft.id]) == {order.id: 2}
    page = client.get(f"/requests/{order.id}").get_data(as_text=True)
    assert page.count(">Nouveau<") == 2
    assert "nouveau message" not in client.get("/requests").get_data(as_text=True)
    assert services.unread_counts(world.customer_user, [order.id]) == {}
    # The admin has read nothing yet: three, internal note included; its own never count.
    assert services.unread_counts(world.admin, [order.id]) == {order.id: 3}
    assert services.unread_counts(world.master, [order.id]) == {}
    login_as(client, world.admin)
    assert "3 nouveaux messages" in client.get("/inbox").get_data(as_text=True)
    say(world, world.customer_user, "Merci !")
    assert services.unread_counts(world.customer_user, [order.id]) == {}
    assert services.unread_counts(world.master, [order.id]) == {order.id: 1}


def test_the_read_mark_never_moves_back(app, world):
    first = say(world, world.master, "Un")
    second = say(world, world.master, "Deux")
    with scoped_to(db.session, world.school.id):
        services.mark_read(world.submitted, world.customer_user, second.id)
        services.mark_read(world.submitted, world.customer_user, first.id)
        db.session.commit()
    assert db.session.scalars(sa.select(MessageRead.last_read_id)).one() == second.id


def test_a_refused_page_marks_nothing_read(app, client, world):
    say(world, world.master, "Une question ?")
    login_as(client, world.customer_user)
    post(client, f"/requests/{world.submitted.id}/messages", {"body": ""})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageRead)) == 0


def test_messages_stay_with_a_declined_order(app, client, world):
    order = world.submitted
    with scoped_to(db.session, world.school.id):
        from ecoprod.orders import services as orders

        orders.decline(order, world.admin, "Atelier complet")
        db.session.commit()
    assert order.state is OrderState.DECLINED
    say(world, world.customer_user, "Et en juin ?")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(MessageFile)) == 0


def test_erasing_a_student_unnames_the_messages_that_named_them(app, world):
    from ecoprod.platform.privacy import erase_student

    note = say(
        world,
        world.master,
        "Théo Secretnom a fini ; SECRETNOM revient lundi. Secretnomade reste.",
        internal=True,
        files=(pdf_file("secretnom-essai.pdf"),),
    )
    other = say(world, world.customer_user, "Merci.")
    with scoped_to(db.session, world.school.id):
        erase_student(world.student)
        db.session.commit()
    db.session.expire_all()
    anonymous = f"Élève anonyme n° {world.student.id}"
    kept = db.session.get(OrderMessage, note.id)
    assert kept.body == f"{anonymous} a fini ; {anonymous} revient lundi. Secretnomade reste."
    assert kept.files[0].original_name == f"{anonymous}-essai.pdf"
    assert db.session.get(OrderMessage, other.id).body == "Merci."


def test_messages_and_notes_are_in_the_audit_trail(app, world):
    from ecoprod.audit import AuditEvent

    say(world, world.customer_user, "Une question")
    say(world, world.master, "Pour l’atelier", internal=True)
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("message.%")).order_by(AuditEvent.id)
    ).all()
    assert actions == ["message.posted", "message.note_added"]
