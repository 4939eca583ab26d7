"""Named actions on order requests, called directly: rules, numbering, notifications."""

from datetime import timedelta
from decimal import Decimal

import pytest
import sqlalchemy as sa

from ecoprod.extensions import db
from ecoprod.i18n import local_today
from ecoprod.notifications.models import OutboxEmail
from ecoprod.orders import access, services
from ecoprod.orders.models import Attachment, OrderState
from ecoprod.storage import file_store
from ecoprod.tenancy import scoped_to
from ecoprod.workshops.models import Trade
from tests.factories import pdf_file


def request_input(**overrides):
    values = dict(
        title="Supports",
        lines=[services.LineInput(description="Équerre", quantity=Decimal("12.5"), trade=Trade.MACHINING)],
    )
    values.update(overrides)
    return services.RequestInput(**values)


def outbox(to=None):
    stmt = sa.select(OutboxEmail).order_by(OutboxEmail.id)
    if to:
        stmt = stmt.where(OutboxEmail.to_address == to)
    return db.session.scalars(stmt).all()


def test_submit_numbers_the_request_in_sequence(world):
    year = world.submitted.submitted_at.year
    assert world.submitted.number == f"DDE-{year}-0001"
    assert world.submitted_with_drawing.number == f"DDE-{year}-0002"
    # each school has its own sequence
    assert world.other_order.number == f"DDE-{year}-0001"


def test_drafts_have_no_number_and_staff_do_not_see_them(world):
    assert world.draft.number is None
    with scoped_to(db.session, world.school.id):
        staff_ids = set(
            db.session.scalars(
                access.visible_orders(world.admin).with_only_columns(sa.literal_column("orders.id"))
            )
        )
    assert world.draft.id not in staff_ids


def test_submit_notifies_the_masters_of_the_trade_only(world):
    db.session.execute(sa.delete(OutboxEmail))
    order = services.create_draft(world.customer_user, request_input())
    services.submit(order, world.customer_user)
    db.session.commit()
    recipients = {email.to_address for email in outbox()}
    assert recipients == {world.master.email}
    (email,) = outbox()
    assert order.number in email.subject
    assert f"/requests/{order.id}" in email.body


def test_submit_without_master_for_the_trade_notifies_the_admins(world):
    db.session.execute(sa.delete(OutboxEmail))
    order = services.create_draft(
        world.customer_user,
        request_input(
            lines=[
                services.LineInput(
                    description="Câblage", quantity=Decimal(1), trade=Trade.INDUSTRIAL_ELECTRICITY
                )
            ]
        ),
    )
    services.submit(order, world.customer_user)
    db.session.commit()
    assert {e.to_address for e in outbox()} == {world.admin.email}


def test_a_request_needs_a_line(world):
    with pytest.raises(services.OrderError):
        services.create_draft(world.customer_user, request_input(lines=[]))


def test_a_desired_date_in_the_past_cannot_be_submitted(world):
    order = services.create_draft(
        world.customer_user, request_input(desired_date=local_today() - timedelta(days=1))
    )
    with pytest.raises(services.OrderError):
        services.submit(order, world.customer_user)
    assert order.state is OrderState.DRAFT


def test_only_the_company_can_edit_or_submit_its_draft(world):
    with pytest.raises(services.OrderError):
        services.submit(world.draft, world.rival_user)
    with pytest.raises(services.OrderError):
        services.update_draft(world.draft, world.admin, request_input())
    assert world.draft.state is OrderState.DRAFT


def test_submitted_requests_are_frozen(world):
    with pytest.raises(services.OrderError):
        services.update_draft(world.submitted, world.customer_user, request_input(title="Changé"))


def test_decline_records_reason_and_tells_the_customer(world):
    db.session.execute(sa.delete(OutboxEmail))
    services.decline(world.submitted, world.master, "Nous n'avons pas la machine")
    db.session.commit()
    assert world.submitted.state is OrderState.DECLINED
    assert world.submitted.events[-1].reason == "Nous n'avons pas la machine"
    (email,) = outbox(world.customer_user.email)
    assert "Nous n'avons pas la machine" in email.body


def test_a_master_of_another_trade_cannot_decline(world):
    with pytest.raises(services.OrderError):
        services.decline(world.submitted, world.metal_master, "pas pour nous")
    assert world.submitted.state is OrderState.SUBMITTED


def test_customer_cancels_with_a_reason(world):
    services.cancel(world.submitted, world.customer_user, "Projet abandonné")
    assert world.submitted.state is OrderState.CANCELLED
    with pytest.raises(services.OrderError):
        services.cancel(world.submitted, world.customer_user, "encore")


def test_master_inbox_shows_only_submitted_requests_of_their_trades(world):
    with scoped_to(db.session, world.school.id):
        master_titles = set(
            db.session.scalars(
                access.inbox(world.master).with_only_columns(sa.literal_column("orders.title"))
            )
        )
        metal_titles = set(
            db.session.scalars(
                access.inbox(world.metal_master).with_only_columns(sa.literal_column("orders.title"))
            )
        )
        admin_titles = set(
            db.session.scalars(access.inbox(world.admin).with_only_columns(sa.literal_column("orders.title")))
        )
    assert master_titles == {"Axes Zéphyr", "Plans Zéphyr"}
    assert metal_titles == {"Rampe Rivale"}
    assert admin_titles == {"Axes Zéphyr", "Plans Zéphyr", "Rampe Rivale"}


def test_drawings_are_stored_with_random_names_and_their_hash(world, app):
    order = services.create_draft(
        world.customer_user, request_input(), [pdf_file(["..", "..", "plan.pdf"][-1])]
    )
    db.session.commit()
    (attachment,) = order.attachments
    assert attachment.original_name == "plan.pdf"
    assert attachment.stored_name != "plan.pdf" and len(attachment.stored_name) >= 20
    path = file_store().path(order.school_id, attachment.stored_name)
    assert path.read_bytes().startswith(b"%PDF-")
    assert path.is_relative_to(app.config["UPLOAD_FOLDER"])


def test_files_written_for_a_rolled_back_request_are_removed(world, app):
    order = services.create_draft(world.customer_user, request_input(), [pdf_file()])
    path = file_store().path(order.school_id, order.attachments[0].stored_name)
    assert path.exists()
    db.session.rollback()
    assert not path.exists()
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Attachment).where(Attachment.original_name == "plan.pdf")
        )
        == 1
    )  # the world's draft only


def test_removing_a_drawing_deletes_the_file_after_commit(world):
    attachment = world.draft.attachments[0]
    path = file_store().path(attachment.school_id, attachment.stored_name)
    services.remove_attachment(attachment, world.customer_user)
    assert path.exists()
    db.session.commit()
    assert not path.exists()
