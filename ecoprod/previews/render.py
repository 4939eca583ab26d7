"""Pure rendering: the bytes of an uploaded file in, the images of its preview out.

Nothing here touches the database, the file store or the network: pdfium reads the PDF
from memory, Pillow decodes images, ezdxf draws a DXF into an SVG of our own, and a
drawing's thumbnail is that SVG rasterised by WeasyPrint (whose fetcher takes ``data:``
URLs only) then by pdfium. This module and ``sanitise`` import nothing else of the
application: ``isolation`` runs them in a lean child process. Each function is bounded — pages, pixels,
entities and time (``Limits``) — and says ``Unavailable`` for whatever it cannot show: a
corrupt, encrypted, empty, oversized or endless file.
"""

from __future__ import annotations

import base64
import io
import struct
import time
from dataclasses import dataclass, field

from ecoprod.previews.sanitise import NotADrawing, clean_svg, view_box

PNG = "image/png"
JPEG = "image/jpeg"
SVG = "image/svg+xml"

# The kinds of uploads a preview is made for (``storage.FileKind.name``); STEP files are
# listed by name and size only.
PREVIEWABLE = frozenset({"pdf", "png", "jpeg", "dxf"})


class Unavailable(Exception):
    """The file cannot be previewed; the message says why (for the logs, not for users)."""


@dataclass(frozen=True)
class Limits:
    max_pages: int = 20
    page_pixels: int = 1600  # the longer side of a page image
    thumb_pixels: int = 320  # the longer side of a thumbnail
    max_source_pixels: int = 50_000_000  # an image's width × height (decompression bombs)
    max_dxf_entities: int = 50_000  # drawn entities, those inside blocks included
    seconds: float = 60.0  # for one file


@dataclass(frozen=True)
class Image:
    data: bytes
    content_type: str
    width: int
    height: int


@dataclass(frozen=True)
class Rendering:
    """A file's preview: a thumbnail, its pages as images (PDF: one per page, at most
    ``max_pages``; an image: itself, resized) or, for a DXF, an SVG drawing."""

    thumbnail: Image
    pages: list[Image] = field(default_factory=list)
    svg: Image | None = None
    page_count: int = 0  # pages in the file (more than ``pages`` when cut at the limit)


def render(kind: str, data: bytes, limits: Limits = Limits()) -> Rendering:
    """The preview of a file of this kind (``pdf``, ``png``, ``jpeg``, ``dxf``)."""
    if kind == "pdf":
        return render_pdf(data, limits)
    if kind in ("png", "jpeg"):
        return render_image(data, limits)
    if kind == "dxf":
        return render_dxf(data, limits)
    raise Unavailable(f"no preview for {kind} files")


# --- Images -------------------------------------------------------------------------------------


def _open_image(data: bytes, limits: Limits):  # type: ignore[no-untyped-def]
    """The image decoded and upright, or ``Unavailable`` (bombs refused before decoding)."""
    from PIL import Image as PILImage
    from PIL import ImageOps, UnidentifiedImageError

    PILImage.MAX_IMAGE_PIXELS = limits.max_source_pixels
    try:
        opened = PILImage.open(io.BytesIO(data))
        if opened.width * opened.height > limits.max_source_pixels:
            raise Unavailable(f"image of {opened.width} × {opened.height} pixels")
        if opened.format == "JPEG":  # decode at a reduced scale when that is enough
            opened.draft("RGB", (limits.page_pixels, limits.page_pixels))
        upright = ImageOps.exif_transpose(opened)
        upright.load()
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, PILImage.DecompressionBombError) as exc:
        raise Unavailable(f"image: {type(exc).__name__}: {exc}") from exc
    if upright.mode not in ("RGB", "RGBA", "L", "LA"):
        upright = upright.convert("RGBA" if "A" in upright.getbands() else "RGB")
    return upright


def _encode(picture, box: int, *, photo: bool) -> Image:  # type: ignore[no-untyped-def]
    """Resized to fit ``box`` pixels, re-encoded with no metadata at all (no EXIF, no ICC,
    no text chunk): JPEG for photos, PNG for drawings and anything with transparency."""
    copy = picture.copy()
    copy.thumbnail((box, box))
    out = io.BytesIO()
    if photo and copy.mode in ("RGB", "L"):
        copy.save(out, "JPEG", quality=85, optimize=True)
        content_type = JPEG
    else:
        copy.save(out, "PNG", optimize=True)
        content_type = PNG
    return Image(out.getvalue(), content_type, copy.width, copy.height)


def render_image(data: bytes, limits: Limits = Limits()) -> Rendering:
    """A photo or scanned drawing: upright, resized, without what the camera wrote."""
    picture = _open_image(data, limits)
    photo = data.startswith(b"\xff\xd8\xff")
    view = _encode(picture, limits.page_pixels, photo=photo)
    return Rendering(_encode(picture, limits.thumb_pixels, photo=photo), [view], page_count=1)


# --- PDF ----------------------------------------------------------------------------------------


def _deadline(limits: Limits) -> float:
    return time.monotonic() + limits.seconds


def _check_time(deadline: float) -> None:
    if time.monotonic() > deadline:
        raise Unavailable("rendering took too long")


def render_pdf(data: bytes, limits: Limits = Limits()) -> Rendering:
    """The first ``max_pages`` pages as PNG images, the first page's as the thumbnail."""
    import pypdfium2 as pdfium

    deadline = _deadline(limits)
    try:
        document = pdfium.PdfDocument(data)
    except (pdfium.PdfiumError, ValueError, OSError) as exc:
        raise Unavailable(f"pdf: {exc}") from exc
    try:
        count = len(document)
        if count == 0:
            raise Unavailable("pdf: no page")
        pages = []
        for index in range(min(count, limits.max_pages)):
            _check_time(deadline)
            pages.append(_pdf_page(document, index, limits.page_pixels))
        thumbnail = _pdf_page(document, 0, limits.thumb_pixels)
    except pdfium.PdfiumError as exc:
        raise Unavailable(f"pdf: {exc}") from exc
    finally:
        document.close()
    return Rendering(thumbnail, pages, page_count=count)


def _pdf_page(document, index: int, box: int) -> Image:  # type: ignore[no-untyped-def]
    page = document[index]
    try:
        width, height = page.get_size()  # points
        if width <= 0 or height <= 0:
            raise Unavailable("pdf: a page without size")
        scale = min(box / width, box / height, 4.0)  # a tiny page is not blown up past 4×
        bitmap = page.render(scale=scale, fill_color=(255, 255, 255, 255))
        picture = bitmap.to_pil()
    finally:
        page.close()
    return _encode(picture, box, photo=False)


# --- DXF ----------------------------------------------------------------------------------------


def dxf_svg(data: bytes, limits: Limits = Limits()) -> bytes:
    """The model space of a DXF (ASCII or binary) drawn as an SVG, black on white, cleaned."""
    from ezdxf import DXFError, recover
    from ezdxf.addons.drawing import Frontend, RenderContext, layout, svg
    from ezdxf.addons.drawing.config import BackgroundPolicy, ColorPolicy, Configuration

    deadline = _deadline(limits)
    try:
        if data.startswith(b"AutoCAD Binary DXF\r\n\x1a\x00"):
            from ezdxf.document import Drawing
            from ezdxf.lldxf.tagger import binary_tags_loader

            document = Drawing.load(binary_tags_loader(data, errors="surrogateescape"))
        else:
            document, _auditor = recover.read(io.BytesIO(data))
    except (DXFError, OSError, ValueError, UnicodeDecodeError, IndexError, KeyError, struct.error) as exc:
        raise Unavailable(f"dxf: {type(exc).__name__}: {exc}") from exc
    modelspace = document.modelspace()
    if len(modelspace) == 0:
        raise Unavailable("dxf: an empty drawing")
    if len(document.entitydb) > limits.max_dxf_entities * 4:
        raise Unavailable(f"dxf: {len(document.entitydb)} entities")

    class Bounded(Frontend):
        """Counts every entity drawn, those of (nested, arrayed) blocks included."""

        drawn = 0

        def draw_entity(self, entity, properties) -> None:  # type: ignore[no-untyped-def]
            Bounded.drawn += 1
            if Bounded.drawn > limits.max_dxf_entities:
                raise Unavailable("dxf: too many entities")
            if Bounded.drawn % 256 == 0:
                _check_time(deadline)
            super().draw_entity(entity, properties)

    backend = svg.SVGBackend()
    config = Configuration(background_policy=BackgroundPolicy.WHITE, color_policy=ColorPolicy.BLACK)
    try:
        Bounded(RenderContext(document), backend, config=config).draw_layout(modelspace, finalize=True)
        text = backend.get_string(
            layout.Page(0, 0, layout.Units.mm, margins=layout.Margins.all(2)),
            settings=layout.Settings(fit_page=True, output_coordinate_space=100_000),
            xml_declaration=False,
        )
    except Unavailable:
        raise
    except Exception as exc:  # ezdxf on a crafted file: anything; never a crash of the worker
        raise Unavailable(f"dxf: {type(exc).__name__}: {exc}") from exc
    try:
        return clean_svg(text.encode("utf-8"))
    except NotADrawing as exc:
        raise Unavailable(f"dxf: {exc}") from exc


def svg_thumbnail(svg: bytes, ratio: float, limits: Limits = Limits()) -> Image:
    """The SVG (width / height = ``ratio``) rasterised to a PNG thumbnail; WeasyPrint sees
    only a ``data:`` URL."""
    import pypdfium2 as pdfium
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    ratio = min(max(ratio, 0.1), 10.0)
    width = limits.thumb_pixels if ratio >= 1 else max(1, round(limits.thumb_pixels * ratio))
    height = limits.thumb_pixels if ratio <= 1 else max(1, round(limits.thumb_pixels / ratio))
    source = "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")
    html = (
        f"<style>@page{{size:{width}px {height}px;margin:0}}html,body{{margin:0}}"
        f"img{{display:block;width:{width}px;height:{height}px;object-fit:contain}}</style>"
        f'<img src="{source}" alt="">'
    )
    try:
        pdf = HTML(
            string=html, url_fetcher=URLFetcher(allowed_protocols={"data"}, allow_redirects=False, timeout=1)
        ).write_pdf()
        document = pdfium.PdfDocument(pdf)
        try:
            picture = document[0].render(scale=4 / 3, fill_color=(255, 255, 255, 255)).to_pil()
        finally:
            document.close()
    except Exception as exc:  # WeasyPrint on an SVG it cannot draw
        raise Unavailable(f"svg thumbnail: {type(exc).__name__}: {exc}") from exc
    return _encode(picture, limits.thumb_pixels, photo=False)


def render_dxf(data: bytes, limits: Limits = Limits()) -> Rendering:
    drawing = dxf_svg(data, limits)
    svg = Image(drawing, SVG, *view_box(drawing))
    return Rendering(svg_thumbnail(drawing, svg.width / svg.height, limits), svg=svg, page_count=1)
