"""The pure rendering functions, on real files made here."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from ecoprod.previews.isolation import render_isolated
from ecoprod.previews.render import Limits, Unavailable, render, render_dxf, render_image, render_pdf
from ecoprod.previews.sanitise import clean_svg
from tests.previews import files


def _png(image) -> Image.Image:
    return Image.open(io.BytesIO(image.data))


def test_a_pdf_gives_one_image_per_page_and_a_thumbnail_of_the_first():
    rendering = render_pdf(files.pdf(pages=3))
    assert rendering.page_count == 3
    assert len(rendering.pages) == 3
    first = _png(rendering.pages[0])
    assert first.format == "PNG" and max(first.size) == 1600  # an A4 page, its longer side
    assert (first.width, first.height) == (rendering.pages[0].width, rendering.pages[0].height)
    thumb = _png(rendering.thumbnail)
    assert max(thumb.size) == 320 and thumb.height > thumb.width  # portrait
    # Ink on the page: the title is drawn, the page is not blank.
    assert first.convert("L").getextrema()[0] < 100


def test_only_the_first_pages_are_rendered_beyond_the_limit():
    rendering = render_pdf(files.pdf(pages=4), Limits(max_pages=2))
    assert rendering.page_count == 4 and len(rendering.pages) == 2


def test_a_dxf_becomes_a_clean_svg_and_a_png_thumbnail():
    rendering = render_dxf(files.dxf(text="<script>alert(1)</script> Platine"))
    assert rendering.svg is not None and rendering.pages == []
    svg = rendering.svg.data
    assert svg.startswith(b"<svg") and b"<path" in svg
    assert b"<script" not in svg and b"alert" not in svg  # text is drawn as outlines
    assert rendering.svg.width > rendering.svg.height  # 120 × 80, landscape
    thumb = _png(rendering.thumbnail)
    assert thumb.format == "PNG" and thumb.width == 320 and thumb.height < 320
    assert thumb.convert("L").getextrema()[0] < 100  # lines were drawn


def test_a_binary_dxf_is_drawn_too():
    rendering = render("dxf", files.dxf(binary=True))
    assert rendering.svg is not None and b"<path" in rendering.svg.data


def test_a_photo_thumbnail_is_upright_resized_and_has_no_exif():
    data = files.jpeg_with_exif(size=(1200, 800), orientation=6)
    assert files.AUTHOR.encode() in data  # the camera's metadata is in the upload
    rendering = render_image(data)
    for image in (rendering.thumbnail, rendering.pages[0]):
        assert files.AUTHOR.encode() not in image.data
        opened = Image.open(io.BytesIO(image.data))
        assert opened.format == "JPEG"
        assert len(opened.getexif()) == 0 and "exif" not in opened.info and "icc_profile" not in opened.info
        assert opened.height > opened.width  # turned upright: 800 × 1200
    assert max(_png(rendering.thumbnail).size) == 320
    assert max(_png(rendering.pages[0]).size) == 1200  # never enlarged


@pytest.mark.parametrize(
    ("kind", "data"),
    [
        ("pdf", b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"),  # no page
        ("pdf", b"%PDF-1.7\n" + bytes(range(256)) * 40),
        ("jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 200),
        ("png", b"\x89PNG\r\n\x1a\n" + b"garbage" * 30),
        ("dxf", b"  0\nSECTION\n  2\nENTITIES\n  0\nENDSEC\n  0\nEOF\n"),  # nothing to draw
        ("dxf", b"  0\nSECTION\n  2\nENTITIES\n  0\nLINE\n 10\nnot a number\n"),
        ("step", b"ISO-10303-21;\nHEADER;\n"),
    ],
)
def test_a_file_that_cannot_be_shown_is_unavailable(kind, data):
    with pytest.raises(Unavailable):
        render(kind, data)


def test_a_decompression_bomb_is_refused_before_decoding():
    picture = Image.new("1", (12000, 12000))  # 144 Mpx, a few kilobytes as PNG
    out = io.BytesIO()
    picture.save(out, "PNG")
    with pytest.raises(Unavailable, match="pixels"):
        render_image(out.getvalue(), Limits(max_source_pixels=50_000_000))


def test_a_dxf_that_draws_too_much_is_stopped():
    bomb = files.nested_blocks_dxf(depth=5, fan_out=10)  # 100 000 lines from 50 entities
    assert len(bomb) < 40_000
    with pytest.raises(Unavailable, match="too many entities"):
        render_dxf(bomb, Limits(max_dxf_entities=5_000))


def test_the_sanitiser_keeps_shapes_and_removes_anything_active():
    crafted = (
        b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:x="http://www.w3.org/1999/xlink" viewBox="0 0 10 10" '
        b'onload="alert(1)"><script>alert(2)</script><path d="M0 0L10 10" onclick="alert(3)"/>'
        b'<foreignObject><div>hi</div></foreignObject><use x:href="http://evil.example/a.svg#x"/>'
        b'<rect style="fill:url(http://evil.example/p)" width="1" height="1"/>'
        b"<style>@import url(http://evil.example/s.css);</style></svg>"
    )
    cleaned = clean_svg(crafted)
    assert b"<path" in cleaned and b'd="M0 0L10 10"' in cleaned
    for bad in (b"alert", b"script", b"foreignObject", b"evil.example", b"onload", b"onclick"):
        assert bad not in cleaned


def test_rendering_in_a_child_process_gives_the_same_images():
    data = files.pdf(pages=2)
    here, there = render_pdf(data), render_isolated("pdf", data)
    assert there.page_count == 2 and [p.data for p in there.pages] == [p.data for p in here.pages]
    assert there.thumbnail == here.thumbnail


def test_a_child_that_overruns_its_time_is_stopped(monkeypatch):
    from ecoprod.previews import isolation

    monkeypatch.setattr(isolation, "_MARGIN", 0.0)  # the time a child may take: none
    with pytest.raises(Unavailable, match="too long"):
        render_isolated("pdf", files.pdf(pages=1), Limits(seconds=0.01))


def test_a_child_that_fails_says_unavailable_not_an_exception():
    with pytest.raises(Unavailable):
        render_isolated("dxf", b"  0\nSECTION\n  2\nENTITIES\n  0\nLINE\n 10\nx\n")
