"""The reports' pages: the school's activity report (``school``), the network's
(``network``), the material an order cost (``costs``)."""

from ecoprod.reports.views import costs, network, school  # noqa: F401 - the routes register on bp
from ecoprod.reports.views.blueprint import bp

__all__ = ["bp"]
