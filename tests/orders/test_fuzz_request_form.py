"""Hypothesis throws arbitrary input at the request form: never a 500, nothing half-saved."""

from pathlib import Path

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ecoprod.extensions import db
from ecoprod.orders.models import Attachment, Order, OrderLine
from tests.conftest import csrf_token, login_as

FIELDS = [
    "title",
    "customer_reference",
    "desired_date",
    "notes",
    "delivery_address-line1",
    "delivery_address-postal_code",
    "delivery_address-city",
    "delivery_address-country",
    "lines-0-description",
    "lines-0-material",
    "lines-0-quantity",
    "lines-0-unit",
    "lines-0-trade",
    "lines-0-notes",
    "lines-7-description",
    "lines-7-quantity",
    "lines-99999999999-quantity",
]
text = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "",
            " ",
            "0",
            "-1",
            "1e309",
            "NaN",
            "Infinity",
            "2,5",
            "1 000,5",
            "usinage",
            "piece",
            "2027-02-31",
            "9999-12-31",
            "<script>alert(1)</script>",
            "' OR 1=1 --",
            "\x00",
            "é" * 600,
        ]
    ),
)
form = st.dictionaries(st.sampled_from(FIELDS), text, max_size=len(FIELDS))
uploads = st.lists(
    st.tuples(
        st.binary(max_size=2048),
        st.sampled_from(["plan.pdf", "a.png", "../x.pdf", "", "c.step", "d.dxf", "e.exe"]),
    ),
    max_size=2,
)


def snapshot(app):
    counts = tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(m)) for m in (Order, OrderLine, Attachment)
    )
    files = sorted(str(p) for p in Path(app.config["UPLOAD_FOLDER"]).rglob("*") if p.is_file())
    return counts, files


@pytest.mark.parametrize("action", ["submit", "save"])
def test_request_form_never_fails_and_never_half_saves(world, app, action):
    client = login_as(app.test_client(), world.customer_user)
    token = csrf_token(client)

    @settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(data=form, files=uploads)
    def run(data, files):
        import io

        before = snapshot(app)
        payload = {**data, "csrf_token": token, "action": action}
        if files:
            payload["drawings"] = [(io.BytesIO(content), name) for content, name in files]
        response = client.post("/requests/new", data=payload)
        assert response.status_code in (302, 400), response.status_code
        db.session.expire_all()
        if response.status_code == 400:
            assert snapshot(app) == before

    run()
