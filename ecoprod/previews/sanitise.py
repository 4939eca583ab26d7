"""The SVG a preview serves, reduced to drawing: no script, no event handler, no link out.

ezdxf writes only shapes and styles, but the text it draws and the names it copies come
from an uploaded file: whatever ezdxf's output holds beyond plain shapes is removed before
the SVG is kept. An uploaded SVG is never served (SVG is not an accepted upload at all).
"""

from __future__ import annotations

import re

from lxml import etree

SVG_NS = "http://www.w3.org/2000/svg"
ALLOWED = frozenset(
    {
        "svg", "g", "defs", "style", "title", "desc", "path", "rect", "circle", "ellipse",
        "line", "polyline", "polygon", "clipPath", "use", "symbol",
    }
)  # fmt: skip
_HREF = re.compile(r"(^|})href$")
_URL_OUT = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


class NotADrawing(ValueError):
    pass


def _parse(data: bytes) -> etree._Element:
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_comments=True,
        remove_pis=True,
    )  # fmt: skip
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise NotADrawing(str(exc)) from exc


def view_box(data: bytes) -> tuple[int, int]:
    """The width and height of the SVG's ``viewBox`` (at least 1 × 1)."""
    try:
        box = [float(v) for v in (_parse(data).get("viewBox") or "0 0 1 1").replace(",", " ").split()]
        return max(1, int(box[2])), max(1, int(box[3]))
    except (ValueError, IndexError) as exc:
        raise NotADrawing("no usable viewBox") from exc


def clean_svg(data: bytes) -> bytes:
    """The SVG with only allowed elements and attributes; ``NotADrawing`` if it is no SVG."""
    root = _parse(data)
    if etree.QName(root).localname != "svg" or etree.QName(root).namespace not in (SVG_NS, None):
        raise NotADrawing("not an SVG document")
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        qname = etree.QName(element)
        if qname.namespace not in (SVG_NS, None) or qname.localname not in ALLOWED:
            parent = element.getparent()
            if parent is not None:
                parent.remove(element)
            continue
        for name, value in list(element.attrib.items()):
            local = etree.QName(name).localname.lower()
            if (
                local.startswith("on")
                or (_HREF.search(name) and not value.startswith("#"))
                or _URL_OUT.search(value)
            ):
                del element.attrib[name]
        if (
            qname.localname == "style"
            and element.text
            and ("@import" in element.text.lower() or _URL_OUT.search(element.text))
        ):
            element.text = ""
    return etree.tostring(root, xml_declaration=False, encoding="utf-8")
