"""Who sees a preview: whoever may see the file it shows — a drawing through its order
(``orders.access``), a photo as planning decides (``planning.access``). 404 otherwise."""

from __future__ import annotations

from ecoprod.orders.access import load_attachment_or_404 as load_drawing_or_404
from ecoprod.planning.access import load_photo_or_404

__all__ = ["load_drawing_or_404", "load_photo_or_404"]
