"""Uploads are judged by their content, and names that try to escape are refused.

No application here: messages come out in the source language (English)."""

import io

import pytest

from ecoprod.storage import (
    DRAWING_KINDS,
    DXF,
    IMAGE_KINDS,
    JPEG,
    PDF,
    PNG,
    STEP,
    UploadRefused,
    clean_filename,
    inspect_upload,
    sniff,
)

SAMPLES = {
    PDF: b"%PDF-1.7\n...",
    PNG: b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    JPEG: b"\xff\xd8\xff\xe0\x00\x10JFIF",
    DXF: b"  0\r\nSECTION\r\n  2\r\nHEADER\r\n",
    STEP: b"ISO-10303-21;\nHEADER;\nFILE_DESCRIPTION(('part'),'2;1');",
}


@pytest.mark.parametrize(("kind", "data"), SAMPLES.items(), ids=lambda v: getattr(v, "name", ""))
def test_each_accepted_kind_is_recognised(kind, data):
    assert sniff(data) is kind


def test_binary_dxf_and_bom_step_are_recognised():
    assert sniff(b"AutoCAD Binary DXF\r\n\x1a\x00rest") is DXF
    assert sniff(b"\xef\xbb\xbfISO-10303-21;\n") is STEP


@pytest.mark.parametrize(
    "data",
    [
        b"MZ\x90\x00 an executable",
        b"<html><script>alert(1)</script>",
        b"PK\x03\x04 a zip or an office file",
        b"GIF89a",
        b"0\nSECTION\x00 with a NUL byte",
        b"just text",
    ],
)
def test_other_content_is_not_recognised(data):
    assert sniff(data) is None


def inspect(data, name, kinds=DRAWING_KINDS, max_bytes=1024):
    return inspect_upload(io.BytesIO(data), name, kinds, max_bytes)


def test_a_pdf_named_pdf_is_accepted_with_its_hash():
    result = inspect(SAMPLES[PDF], "Plan de pièce.pdf")
    assert result.kind is PDF and result.original_name == "Plan de pièce.pdf"
    assert len(result.sha256) == 64


def test_content_decides_not_the_name():
    with pytest.raises(UploadRefused, match="not an accepted file type"):
        inspect(b"<script>alert(1)</script>", "drawing.pdf")


def test_a_real_pdf_named_png_is_refused():
    with pytest.raises(UploadRefused, match="name says otherwise"):
        inspect(SAMPLES[PDF], "drawing.png")


def test_oversize_is_refused():
    with pytest.raises(UploadRefused, match="too large"):
        inspect(SAMPLES[PDF] + b"x" * 2000, "big.pdf", max_bytes=1024)


def test_empty_file_is_refused():
    with pytest.raises(UploadRefused, match="empty"):
        inspect(b"", "empty.pdf")


def test_a_pdf_is_not_an_accepted_logo():
    with pytest.raises(UploadRefused):
        inspect(SAMPLES[PDF], "logo.pdf", kinds=IMAGE_KINDS)


@pytest.mark.parametrize(
    "name",
    [
        "../../etc/passwd.pdf",
        "..\\..\\boot.pdf",
        "/etc/passwd.pdf",
        "dir/plan.pdf",
        "plan\x00.pdf",
        ".htaccess",
        "..",
        "line\nbreak.pdf",
        "",
    ],
)
def test_crafted_names_are_refused(name):
    with pytest.raises(UploadRefused):
        clean_filename(name)
