"""Rendering in a child process: a file that crashes the renderer (pdfium and ezdxf read
what customers upload) or that never ends kills that child, never the worker.

``render_isolated`` runs ``main`` below in a fresh interpreter (nothing inherited from the
worker), writes the file to its standard input and reads the
images back from its standard output, killing it past ``limits.seconds`` and a margin; its
address space is capped (``_MEMORY``), so a file that makes it allocate without end fails there.
The answer is read as data — a JSON header, then the images' bytes —, never unpickled: a
child subverted by a crafted file could not make the worker run anything.
"""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
from pathlib import Path

from ecoprod.previews.render import JPEG, PNG, SVG, Image, Limits, Rendering, Unavailable, render

_MARGIN = 15.0  # the child's own start (imports) and the transfer of its images
_MAX_ANSWER = 256 * 1024 * 1024
_MEMORY = 3 * 1024 * 1024 * 1024  # the child's address space


def render_isolated(kind: str, data: bytes, limits: Limits = Limits()) -> Rendering:
    """``render`` run in a child process that is killed if it overruns its time."""
    command = [sys.executable, "-c", _BOOT, kind, json.dumps(dataclasses.asdict(limits))]
    try:
        done = subprocess.run(  # noqa: S603 - this interpreter, our module; the file goes on stdin
            command, input=data, capture_output=True, timeout=limits.seconds + _MARGIN, check=False,
            cwd=_ROOT,
        )  # fmt: skip
    except subprocess.TimeoutExpired as exc:
        raise Unavailable("rendering took too long: stopped") from exc
    if done.returncode != 0 or len(done.stdout) > _MAX_ANSWER:
        raise Unavailable(f"the renderer stopped (exit code {done.returncode})")
    return _read_answer(done.stdout)


_ROOT = str(Path(__file__).resolve().parents[2])
# The child imports the renderer without running ``ecoprod/__init__.py`` (the whole app):
# the two packages are registered empty, with their folders, before the import.
_BOOT = """
import sys, types
for name, folder in (("ecoprod", "ecoprod"), ("ecoprod.previews", "ecoprod/previews")):
    module = types.ModuleType(name)
    module.__path__ = [folder]
    sys.modules[name] = module
from ecoprod.previews.isolation import main
main()
"""


def _write_answer(out: object, rendering: Rendering | None, message: str = "") -> None:
    images: list[tuple[str, Image]] = []
    if rendering is not None:
        images.append(("thumbnail", rendering.thumbnail))
        images += [("page", page) for page in rendering.pages]
        if rendering.svg is not None:
            images.append(("svg", rendering.svg))
    header = {
        "status": "ok" if rendering is not None else "unavailable",
        "message": message,
        "page_count": rendering.page_count if rendering is not None else 0,
        "images": [
            {"role": role, "type": i.content_type, "width": i.width, "height": i.height, "size": len(i.data)}
            for role, i in images
        ],
    }
    out.write(json.dumps(header).encode() + b"\n")  # type: ignore[attr-defined]
    for _role, image in images:
        out.write(image.data)  # type: ignore[attr-defined]


def _read_answer(answer: bytes) -> Rendering:
    try:
        head, _, body = answer.partition(b"\n")
        header = json.loads(head)
        if header["status"] != "ok":
            raise Unavailable(str(header["message"]))
        thumbnail, svg, pages, offset = None, None, [], 0
        for item in header["images"]:
            size = int(item["size"])
            image = Image(
                body[offset : offset + size], str(item["type"]), int(item["width"]), int(item["height"])
            )
            offset += size
            if len(image.data) != size or image.content_type not in (PNG, JPEG, SVG):
                raise ValueError("a truncated or unknown image")
            if item["role"] == "thumbnail":
                thumbnail = image
            elif item["role"] == "svg":
                svg = image
            else:
                pages.append(image)
        if thumbnail is None:
            raise ValueError("no thumbnail")
        return Rendering(thumbnail, pages, svg, int(header["page_count"]))
    except (ValueError, KeyError, TypeError) as exc:
        raise Unavailable(f"the renderer's answer cannot be read: {exc}") from exc


def main() -> None:
    import resource

    # A file crafted to make the renderer allocate without end meets this wall, not the machine's.
    resource.setrlimit(resource.RLIMIT_AS, (_MEMORY, _MEMORY))
    kind, limits = sys.argv[1], Limits(**json.loads(sys.argv[2]))
    data = sys.stdin.buffer.read()
    try:
        rendering = render(kind, data, limits)
    except Unavailable as exc:
        _write_answer(sys.stdout.buffer, None, str(exc))
    else:
        _write_answer(sys.stdout.buffer, rendering)
    sys.stdout.buffer.flush()
