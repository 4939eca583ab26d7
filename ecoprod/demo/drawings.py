"""The drawings the demo's customers attach: a shaft drawn in DXF (ezdxf) and the same
part's PDF sheet (WeasyPrint), made here so that ``make run`` shows their previews."""

from __future__ import annotations

import hashlib
import io

from ecoprod.storage import DXF, PDF, FileKind, InspectedFile


def _file(name: str, kind: FileKind, data: bytes) -> InspectedFile:
    return InspectedFile(name, kind, data, hashlib.sha256(data).hexdigest())


def shaft_dxf(title: str = "Axe de convoyeur Ø20 × 250") -> InspectedFile:
    """A shaft in side view: its outline, a circlip groove, its axis, a title."""
    import ezdxf

    document = ezdxf.new("R2010", setup=True)
    document.layers.add("AXES", linetype="CENTER")
    space = document.modelspace()
    space.add_lwpolyline([(0, -10), (250, -10), (250, 10), (0, 10)], close=True)
    for x in (20, 21.5):  # the groove
        space.add_line((x, -10), (x, 10))
    space.add_lwpolyline([(230, -10), (232, -8.5), (232, 8.5), (230, 10)])
    space.add_line((-8, 0), (258, 0), dxfattribs={"layer": "AXES"})
    space.add_circle((290, 0), 10)
    space.add_circle((290, 0), 8.5)
    space.add_text(title, dxfattribs={"height": 6}).set_placement((0, 24))
    space.add_text("Acier C45 · Ra 1,6 · chanfreins 1 × 45°", dxfattribs={"height": 4}).set_placement(
        (0, -24)
    )
    out = io.StringIO()
    document.write(out)
    return _file("axe-convoyeur.dxf", DXF, out.getvalue().encode("utf-8"))


_SHEET = """<!doctype html><html lang="fr"><head><meta charset="utf-8"><style>
@page {{ size: A4 landscape; margin: 12mm; }}
body {{ font-family: sans-serif; color: #111; }}
.frame {{ border: 1.5px solid #111; height: 170mm; position: relative; }}
.part {{ position: absolute; left: 30mm; top: 60mm; width: 190mm; height: 16mm; border: 1.5px solid #111; }}
.groove {{ position: absolute; left: 15mm; top: 0; width: 1.5mm; height: 16mm; border-left: 1px solid #111;
  border-right: 1px solid #111; }}
.axis {{ position: absolute; left: 22mm; top: 68mm; width: 206mm; border-top: 1px dashed #111; }}
.title {{ position: absolute; right: 0; bottom: 0; width: 110mm; border-left: 1.5px solid #111;
  border-top: 1.5px solid #111; padding: 3mm; font-size: 9pt; }}
h1 {{ font-size: 13pt; margin: 0 0 2mm; }}
</style></head><body>
<div class="frame"><div class="part"><div class="groove"></div></div><div class="axis"></div>
<div class="title"><h1>{title}</h1>Matière : acier C45 — Tolérances générales ISO 2768-m<br>
Échelle 1:1 — Folio {page}/2</div></div></body></html>"""


def shaft_pdf(title: str = "Axe de convoyeur Ø20 × 250") -> InspectedFile:
    from weasyprint import HTML

    pages = [HTML(string=_SHEET.format(title=title, page=n)).render() for n in (1, 2)]
    document = pages[0].copy([page for doc in pages for page in doc.pages])
    return _file("axe-convoyeur.pdf", PDF, document.write_pdf())
