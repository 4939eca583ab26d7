"""The school boundary is enforced by the session itself, not by each query."""

import pytest
import sqlalchemy as sa

from ecoprod.customers.models import Customer
from ecoprod.extensions import db
from ecoprod.orders.models import Order, OrderLine
from ecoprod.tenancy import TenantViolation, scoped_to


def test_scoped_select_sees_only_its_school(world):
    school_id = world.school.id
    db.session.expunge_all()
    with scoped_to(db.session, school_id):
        names = set(db.session.scalars(sa.select(Customer.name)))
        titles = set(db.session.scalars(sa.select(Order.title)))
    assert "Bois Bravo SARL" not in names
    assert {"Mécanique Zéphyr", "Rivale Industrie"} <= names
    assert "Table Bravo" not in titles


def test_get_by_id_of_another_school_finds_nothing(world):
    other_id, school_id = world.other_order.id, world.school.id
    db.session.expunge_all()
    with scoped_to(db.session, school_id):
        assert db.session.get(Order, other_id) is None


def test_joins_and_relationships_are_filtered_too(world):
    school_id = world.school.id
    db.session.expunge_all()
    with scoped_to(db.session, school_id):
        rows = db.session.execute(sa.select(Order.title, OrderLine.description).join(Order.lines)).all()
    assert rows and all(title != "Table Bravo" for title, _ in rows)


def test_no_school_scope_sees_no_records(world):
    db.session.expunge_all()
    with scoped_to(db.session, None):
        assert db.session.scalars(sa.select(Order)).all() == []


def test_bulk_update_cannot_reach_another_school(world):
    with scoped_to(db.session, world.school.id):
        db.session.execute(
            sa.update(Customer).values(notes="touché").execution_options(synchronize_session=False)
        )
        db.session.commit()
    db.session.expire_all()
    assert db.session.get(Customer, world.company_b.id).notes is None
    assert db.session.get(Customer, world.company.id).notes == "touché"


def test_writing_a_record_into_another_school_is_refused(world):
    with scoped_to(db.session, world.school.id):
        db.session.add(Customer(school_id=world.other_school.id, name="Intrus"))
        with pytest.raises(TenantViolation):
            db.session.flush()
    db.session.rollback()


def test_new_records_take_the_scope_school(world):
    with scoped_to(db.session, world.school.id):
        customer = Customer(name="Nouveau")
        db.session.add(customer)
        db.session.flush()
        assert customer.school_id == world.school.id
    db.session.rollback()


def test_explicit_cross_school_read_is_possible_and_greppable(world):
    with scoped_to(db.session, world.school.id):
        stmt = sa.select(sa.func.count()).select_from(Order).execution_options(all_schools=True)
        assert db.session.scalar(stmt) == 5


def test_long_lived_objects_do_not_pile_up_criteria(world, count_queries):
    """A refresh after each commit carries the school criterion once, not once per commit."""
    school_id, order_id = world.school.id, world.submitted.id
    db.session.expunge_all()
    with scoped_to(db.session, school_id):
        order = db.session.get(Order, order_id)
        sizes = []
        for n in range(4):
            order.title = f"Axes {n}"
            db.session.commit()  # expires the order: the next read refreshes it
            with count_queries() as counter:
                assert order.title == f"Axes {n}" and len(order.lines) >= 1
            sizes.append(sum(sql.count("school_id = ") for sql in counter.statements))
    assert len(set(sizes)) == 1, sizes


def test_a_relationship_of_an_object_loaded_across_schools_is_still_filtered(world):
    """An object read with all_schools=True does not open the door to another school's rows."""
    other_order_id, school_id = world.other_order.id, world.school.id
    db.session.expunge_all()
    with scoped_to(db.session, school_id):
        other = db.session.get(Order, other_order_id, execution_options={"all_schools": True})
        assert other is not None
        assert other.lines == []  # the lazy load of its lines is scoped to this school
