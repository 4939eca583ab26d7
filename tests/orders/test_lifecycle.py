"""The order state machine: allowed moves, refused moves, the recorded timeline."""

from decimal import Decimal

import pytest

from ecoprod.extensions import db
from ecoprod.orders import lifecycle, services
from ecoprod.orders.lifecycle import REASON_REQUIRED, TRANSITIONS, IllegalTransition, can_move
from ecoprod.orders.models import OrderState
from ecoprod.workshops.models import Trade

S = OrderState


def test_every_state_has_a_line_in_the_table():
    assert set(TRANSITIONS) == set(OrderState)
    for targets in TRANSITIONS.values():
        assert targets <= set(OrderState)


def test_the_happy_path_of_product_md_is_allowed():
    path = [
        S.DRAFT,
        S.SUBMITTED,
        S.QUOTED,
        S.ACCEPTED,
        S.PLANNED,
        S.IN_PRODUCTION,
        S.READY,
        S.PARTIALLY_DELIVERED,
        S.DELIVERED,
        S.INVOICED,
        S.CLOSED,
    ]
    for current, following in zip(path, path[1:], strict=False):
        assert can_move(current, following), f"{current} → {following}"


@pytest.mark.parametrize("terminal", [S.CLOSED, S.DECLINED, S.CANCELLED])
def test_terminal_states_lead_nowhere(terminal):
    assert not TRANSITIONS[terminal]


@pytest.mark.parametrize(
    ("start", "target"),
    [
        (S.DRAFT, S.QUOTED),
        (S.DRAFT, S.DECLINED),
        (S.SUBMITTED, S.DRAFT),
        (S.DECLINED, S.SUBMITTED),
        (S.CANCELLED, S.SUBMITTED),
        (S.IN_PRODUCTION, S.CANCELLED),
        (S.DELIVERED, S.CANCELLED),
    ],
)
def test_illegal_moves_are_refused(start, target):
    assert not can_move(start, target)


def _draft(world):
    data = services.RequestInput(
        title="Essai",
        lines=[services.LineInput(description="Pièce", quantity=Decimal(1), trade=Trade.MACHINING)],
    )
    return services.create_draft(world.customer_user, data)


def test_transition_records_who_when_from_and_to(world):
    order = _draft(world)
    lifecycle.transition(order, S.SUBMITTED, world.customer_user)
    db.session.commit()
    creation, submission = order.events
    assert (creation.from_state, creation.to_state) == (None, S.DRAFT)
    assert (submission.from_state, submission.to_state) == (S.DRAFT, S.SUBMITTED)
    assert submission.actor_id == world.customer_user.id
    assert submission.at >= creation.at
    assert submission.at.tzinfo is not None


def test_illegal_transition_raises_and_changes_nothing(world):
    order = _draft(world)
    with pytest.raises(IllegalTransition):
        lifecycle.transition(order, S.ACCEPTED, world.admin)
    assert order.state is S.DRAFT
    assert len(order.events) == 1


@pytest.mark.parametrize("target", sorted(REASON_REQUIRED))
def test_side_exits_need_a_reason(world, target):
    order = _draft(world)
    lifecycle.transition(order, S.SUBMITTED, world.customer_user)
    with pytest.raises(IllegalTransition):
        lifecycle.transition(order, target, world.admin, reason="   ")
    assert order.state is S.SUBMITTED


def test_two_simultaneous_moves_of_one_order_cannot_both_win(world):
    import sqlalchemy as sa
    from sqlalchemy.orm.exc import StaleDataError

    from ecoprod.orders.models import Order

    order = _draft(world)
    db.session.commit()
    assert order.state is S.DRAFT and order.events  # loaded now, as a request would have
    # someone else submits it in the meantime
    db.session.execute(
        sa.update(Order.__table__)
        .where(Order.__table__.c.id == order.id)
        .values(row_version=Order.__table__.c.row_version + 1)
    )
    lifecycle.transition(order, S.CANCELLED, world.customer_user, "doublon")
    with pytest.raises(StaleDataError):
        db.session.flush()
    db.session.rollback()
