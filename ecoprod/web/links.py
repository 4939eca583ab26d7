"""Links of a list, built once per page: ``url_for`` runs the router at each call, and a list
of 25 rows with a link and a button each pays for it fifty times. ``link_pattern`` asks the
router once, with a marker in place of each value, and each row fills the pattern in.

    {% set detail = link_pattern("orders.detail", "order_id") %}
    {% for o in orders %}<a href="{{ detail.format(order_id=o.id) }}">…{% endfor %}
"""

from __future__ import annotations

from flask import Flask, url_for

_MARKER = 987654300  # + the value's position: digits no route of the application holds


def link_pattern(endpoint: str, *names: str, **values: object) -> str:
    """``url_for(endpoint, **values)`` with a ``str.format`` field for each of ``names``
    (integer path values: ids)."""
    markers = {name: _MARKER + i for i, name in enumerate(names)}
    url = url_for(endpoint, **values, **markers)
    for name, marker in markers.items():
        url = url.replace(str(marker), "{" + name + "}")
    return url


def init_app(app: Flask) -> None:
    app.add_template_global(link_pattern)
