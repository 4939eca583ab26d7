"""The access matrix: previews of drawings and photos (seen by whoever sees the order or
the photo; another company's or another school's: not found)."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from ecoprod.deferred import run_committed
from ecoprod.extensions import db
from ecoprod.orders import services as orders
from ecoprod.tenancy import scoped_to
from tests.previews import files
from tests.previews.test_previews import drawing
from tests.system.access.scene import Case, Scene, expect, p, run_case

SEEN_WITH_THE_ORDER = expect(200, anonymous=302, rival=404, other_admin=404, operator=403, student=403)


def _drawn(scene: Scene) -> tuple[int, int, int]:
    """A request of Mécanique Zéphyr with a PDF and a DXF whose previews are made."""
    made = getattr(scene, "_previewed", None)
    if made is None:
        world = scene.world
        with scoped_to(db.session, world.school.id):
            order = orders.create_draft(
                world.customer_user,
                orders.RequestInput(
                    title="Platines", lines=[orders.LineInput("Platine", 2, world.machining.trade)]
                ),
                [drawing("plan.pdf", files.pdf(pages=1)), drawing("platine.dxf", files.dxf())],
            )
            orders.submit(order, world.customer_user)
            db.session.commit()
        run_committed()
        made = (order.id, order.attachments[0].id, order.attachments[1].id)
        scene._previewed = made  # type: ignore[attr-defined]
    return made


def d(path: str) -> Callable[[Scene], str]:
    def url(scene: Scene) -> str:
        order, pdf, dxf = _drawn(scene)
        return path.format(order=order, pdf=pdf, dxf=dxf)

    return url


ROUTES: dict[str, Case] = {
    "previews.drawing": Case("GET", d("/requests/{order}/drawings/{dxf}/preview"), SEEN_WITH_THE_ORDER),
    "previews.drawing_thumbnail": Case(
        "GET", d("/requests/{order}/drawings/{pdf}/thumbnail"), SEEN_WITH_THE_ORDER
    ),
    "previews.drawing_page": Case("GET", d("/requests/{order}/drawings/{pdf}/pages/1"), SEEN_WITH_THE_ORDER),
    "previews.drawing_svg": Case(
        "GET", d("/requests/{order}/drawings/{dxf}/drawing.svg"), SEEN_WITH_THE_ORDER
    ),
    # A photo shared with the customer (planning.photo's rule): its company sees it.
    "previews.photo_thumbnail": Case("GET", p("photo", "/photos/{id}/thumbnail"), SEEN_WITH_THE_ORDER),
}


@pytest.mark.parametrize("endpoint", sorted(ROUTES))
def test_route_as_every_role(app, factory, endpoint):
    run_case(app, factory, endpoint, ROUTES[endpoint])
