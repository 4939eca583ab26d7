"""Real files made here for the previews' tests: a PDF by WeasyPrint, a DXF by ezdxf, a
JPEG with EXIF (a GPS position, an author, a rotation) by Pillow."""

from __future__ import annotations

import io

AUTHOR = "Theo Secretnom"


def pdf(pages: int = 2) -> bytes:
    from weasyprint import HTML

    body = "".join(
        f"<section style='break-after: page'><h1>Plan {n}</h1></section>" for n in range(1, pages + 1)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def dxf(text: str = "Platine 120 × 80", binary: bool = False, circles: int = 1) -> bytes:
    import ezdxf

    document = ezdxf.new("R2010", setup=True)
    space = document.modelspace()
    space.add_lwpolyline([(0, 0), (120, 0), (120, 80), (0, 80)], close=True)
    for n in range(circles):
        space.add_circle((30 + (n % 50), 40), 8)
    space.add_text(text, dxfattribs={"height": 6}).set_placement((5, 88))
    if binary:
        out = io.BytesIO()
        document.write(out, fmt="bin")
        return out.getvalue()
    out = io.StringIO()
    document.write(out)
    return out.getvalue().encode("utf-8")


def nested_blocks_dxf(depth: int = 6, fan_out: int = 10) -> bytes:
    """A small file that draws fan_out ** depth lines: blocks of blocks."""
    import ezdxf

    document = ezdxf.new("R2010")
    previous = None
    for level in range(depth):
        block = document.blocks.new(f"B{level}")
        for n in range(fan_out):
            if previous is None:
                block.add_line((n, 0), (n, 1))
            else:
                block.add_blockref(previous, (0, n * 2))
        previous = f"B{level}"
    document.modelspace().add_blockref(previous, (0, 0))
    out = io.StringIO()
    document.write(out)
    return out.getvalue().encode("utf-8")


def jpeg_with_exif(size: tuple[int, int] = (1200, 800), orientation: int = 6) -> bytes:
    """A landscape photo whose EXIF says: turn it a quarter (6), taken by someone, somewhere."""
    from PIL import Image

    picture = Image.new("RGB", size, (200, 60, 40))
    picture.paste((20, 90, 200), (0, 0, size[0] // 4, size[1]))  # a blue band on the left
    exif = Image.Exif()
    exif[0x0112] = orientation  # Orientation
    exif[0x013B] = AUTHOR  # Artist
    exif[0x8825] = {1: "N", 2: (45.0, 45.0, 0.0), 3: "E", 4: (4.0, 51.0, 0.0)}  # GPSInfo: Lyon
    out = io.BytesIO()
    picture.save(out, "JPEG", exif=exif, quality=90)
    return out.getvalue()
