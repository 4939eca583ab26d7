"""Uploaded files: recognised by their content, stored under instance/ with random names.

``inspect_upload`` decides whether a file is acceptable without writing anything, so a
form can refuse it with a clear message; ``FileStore`` writes accepted bytes and can
remove them again if the database transaction that refers to them fails.
"""

from __future__ import annotations

import hashlib
import io
import logging
import os
import re
import secrets
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import event
from sqlalchemy.orm import Session

from ecoprod.errors import ActionRefused
from ecoprod.i18n import lazy_gettext as _l

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class FileKind:
    name: str
    content_type: str
    extensions: tuple[str, ...]


PDF = FileKind("pdf", "application/pdf", (".pdf",))
PNG = FileKind("png", "image/png", (".png",))
JPEG = FileKind("jpeg", "image/jpeg", (".jpg", ".jpeg"))
DXF = FileKind("dxf", "image/vnd.dxf", (".dxf",))
STEP = FileKind("step", "model/step", (".step", ".stp"))

DRAWING_KINDS = (PDF, PNG, JPEG, DXF, STEP)
IMAGE_KINDS = (PNG, JPEG)

_DXF_ASCII = re.compile(rb"\A\s*0\s*\r?\n\s*(SECTION|\$ACADVER)\b")
_DXF_BINARY = b"AutoCAD Binary DXF\r\n\x1a\x00"


def sniff(head: bytes) -> FileKind | None:
    """The kind of file these first bytes begin, judged by content only."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(_DXF_BINARY):
        return DXF
    stripped = head.lstrip(b"\xef\xbb\xbf")  # a UTF-8 byte order mark may come first
    if stripped.lstrip().startswith(b"ISO-10303-21;"):
        return STEP
    if _DXF_ASCII.match(stripped) and b"\x00" not in stripped:
        return DXF
    return None


class UploadRefused(ActionRefused):
    """A file that cannot be accepted; the message is shown to the user."""


_UNSAFE_NAME = re.compile(r"[\x00-\x1f\x7f/\\]")


def clean_filename(name: str | None) -> str:
    """The name to show and to offer on download, or ``UploadRefused`` for a crafted one."""
    name = unicodedata.normalize("NFC", (name or "").strip())
    if not name:
        raise UploadRefused(_l("The file has no name."))
    if _UNSAFE_NAME.search(name) or ".." in name or name.startswith("."):
        raise UploadRefused(_l("The file name “%(name)s” is not allowed.", name=name[:80]))
    if len(name) > 200:
        raise UploadRefused(_l("The file name is too long (200 characters at most)."))
    return name


@dataclass(frozen=True)
class InspectedFile:
    original_name: str
    kind: FileKind
    data: bytes
    sha256: str

    @property
    def size(self) -> int:
        return len(self.data)


def inspect_upload(
    stream: IO[bytes], filename: str | None, kinds: tuple[FileKind, ...], max_bytes: int
) -> InspectedFile:
    """Read and check one upload: a safe name, a size within limits, an allowed content."""
    name = clean_filename(filename)
    data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadRefused(
            _l(
                "“%(name)s” is too large: %(limit)s MB at most.",
                name=name,
                limit=max_bytes // (1024 * 1024) or 1,
            )
        )
    if not data:
        raise UploadRefused(_l("“%(name)s” is empty.", name=name))
    kind = sniff(data[:4096])
    if kind is None or kind not in kinds:
        allowed = ", ".join(k.name.upper() for k in kinds)
        raise UploadRefused(
            _l("“%(name)s” is not an accepted file type (%(allowed)s).", name=name, allowed=allowed)
        )
    if os.path.splitext(name)[1].lower() not in kind.extensions:
        raise UploadRefused(
            _l(
                "“%(name)s” contains a %(kind)s file but its name says otherwise; "
                "rename it with the right extension.",
                name=name,
                kind=kind.name.upper(),
            )
        )
    return InspectedFile(name, kind, data, hashlib.sha256(data).hexdigest())


def without_metadata(image: InspectedFile) -> InspectedFile:
    """A photo re-encoded without what the camera or phone wrote into it (EXIF: the owner's
    or author's name, GPS position, dates; PNG text chunks), turned upright first.

    Photos of the work are shown to customers: nothing in the file may name whoever took
    it, a student above all. A file that does not decode as an image is refused.
    """
    from PIL import Image, ImageOps, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(image.data)) as opened:
            upright = ImageOps.exif_transpose(opened)
            out = io.BytesIO()
            icc = opened.info.get("icc_profile")
            if image.kind is JPEG:
                if upright.mode not in ("RGB", "L", "CMYK"):
                    upright = upright.convert("RGB")
                upright.save(out, "JPEG", quality=90, icc_profile=icc)
            else:
                upright.save(out, "PNG", icc_profile=icc)
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        raise UploadRefused(_l("“%(name)s” cannot be read as an image.", name=image.original_name)) from exc
    data = out.getvalue()
    return InspectedFile(image.original_name, image.kind, data, hashlib.sha256(data).hexdigest())


class FileStore:
    """A folder of files named by random tokens, split by school."""

    def __init__(self, root: str | Path) -> None:
        self.root = Path(root)

    def _path(self, school_id: int, stored_name: str) -> Path:
        if not re.fullmatch(r"[A-Za-z0-9_-]{20,64}", stored_name):
            raise ValueError("not a stored file name")
        return self.root / str(int(school_id)) / stored_name

    def save(self, school_id: int, data: bytes, session: Session | None = None) -> str:
        """Write the bytes under a new random name; with ``session``, undone on rollback."""
        stored_name = secrets.token_urlsafe(24)
        path = self._path(school_id, stored_name)
        tmp = path.with_suffix(".part")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp.write_bytes(data)
            tmp.replace(path)
        except OSError as exc:  # the disk is full, read-only or failing: refuse, keep nothing
            tmp.unlink(missing_ok=True)
            log.error("storage refused a write in %s: %s", self.root, exc)
            raise UploadRefused(
                _l(
                    "The file could not be saved: the server's storage refused it (its disk may be "
                    "full). Nothing was saved; try again later, and tell the site's administrator "
                    "if it happens again."
                )
            ) from exc
        if session is not None:
            written_with_transaction(session, path)
        return stored_name

    def path(self, school_id: int, stored_name: str) -> Path:
        return self._path(school_id, stored_name)

    def delete(self, school_id: int, stored_name: str, session: Session | None = None) -> None:
        """Remove the file; with ``session``, only once that session commits."""
        path = self._path(school_id, stored_name)
        if session is not None:
            delete_after_commit(session, path)
        else:
            path.unlink(missing_ok=True)


# --- Files follow the database transaction ----------------------------------------------
# A file written for a row that is rolled back is removed; a file whose row is deleted is
# removed only once the deletion is committed. Views never clean up by hand.

_WRITTEN = "files_written"
_DOOMED = "files_to_delete"


def file_store() -> FileStore:
    """The application's store of uploaded and issued files (``UPLOAD_FOLDER``)."""
    from flask import current_app

    return FileStore(current_app.config["UPLOAD_FOLDER"])


def written_with_transaction(session: Session, path: Path) -> None:
    session.info.setdefault(_WRITTEN, []).append(path)


def delete_after_commit(session: Session, path: Path) -> None:
    session.info.setdefault(_DOOMED, []).append(path)


@event.listens_for(Session, "after_commit")
def _files_committed(session: Session) -> None:
    session.info.pop(_WRITTEN, None)
    for path in session.info.pop(_DOOMED, []):
        path.unlink(missing_ok=True)


@event.listens_for(Session, "after_rollback")
def _files_rolled_back(session: Session) -> None:
    session.info.pop(_DOOMED, None)
    for path in session.info.pop(_WRITTEN, []):
        path.unlink(missing_ok=True)
