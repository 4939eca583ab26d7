"""The archive: a tar file of the database dump, the uploads and ``manifest.json``.

Every member is listed in the manifest with its size and SHA-256; reading an archive checks
each of them and refuses a member it does not list, so a damaged or altered archive is
found before anything is restored. Member names are checked too (no absolute path, no
``..``): nothing is ever written outside the folder being restored.
"""

from __future__ import annotations

import hashlib
import io
import json
import re
import tarfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import IO

FORMAT = "ecoprod-backup/1"
MANIFEST = "manifest.json"
CHUNK = 1024 * 1024
_SAFE_NAME = re.compile(r"(database|uploads)(/[A-Za-z0-9_.-]+)+")


class BackupError(Exception):
    """An archive that cannot be written or restored; the message says why, for a person."""


@dataclass(frozen=True)
class Member:
    path: str
    size: int
    sha256: str


@dataclass
class Manifest:
    dialect: str  # "postgresql" or "sqlite"
    migration_head: str | None
    ecoprod_version: str
    created_at: str  # ISO 8601, UTC
    database: Member | None = None
    files: list[Member] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)  # rows per table when dumped
    school: str | None = None  # a school's export (its slug); None: the whole instance
    rows: list[Member] = field(default_factory=list)  # a school's export: a file per table
    format: str = FORMAT

    def members(self) -> list[Member]:
        return ([self.database] if self.database else []) + self.rows + self.files

    def to_json(self) -> bytes:
        return json.dumps(asdict(self), indent=1, sort_keys=True).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Manifest:
        data = json.loads(raw)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BackupError(f"This is not an EcoProd backup (format {FORMAT} expected).")
        database = Member(**data["database"]) if data.get("database") else None
        files = [Member(**m) for m in data.get("files", [])]
        return cls(
            dialect=data["dialect"],
            migration_head=data.get("migration_head"),
            ecoprod_version=data.get("ecoprod_version", "?"),
            created_at=data.get("created_at", "?"),
            database=database,
            files=files,
            school=data.get("school"),
            rows=[Member(**m) for m in data.get("rows", [])],
            counts={str(k): int(v) for k, v in data.get("counts", {}).items()},
        )


def sha256_of(stream: IO[bytes]) -> tuple[int, str]:
    digest, size = hashlib.sha256(), 0
    while chunk := stream.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


class Writer:
    """Adds files to a new archive, recording each in the manifest, which goes in last."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.partial = path.with_name(path.name + ".part")
        self.tar = tarfile.open(self.partial, "w")  # noqa: SIM115 - closed by finish() or abort()

    def add(self, source: Path, name: str) -> Member:
        if not _SAFE_NAME.fullmatch(name):
            raise BackupError(f"Refusing to archive {name!r}: not a name a backup holds.")
        with source.open("rb") as stream:  # one open file: what is hashed is what is archived
            size, digest = sha256_of(stream)
            stream.seek(0)
            info = self.tar.gettarinfo(arcname=name, fileobj=stream)
            self.tar.addfile(info, stream)
        return Member(name, size, digest)

    def finish(self, manifest: Manifest) -> None:
        raw = manifest.to_json()
        info = tarfile.TarInfo(MANIFEST)
        info.size = len(raw)
        info.mtime = 0
        self.tar.addfile(info, io.BytesIO(raw))
        self.tar.close()
        self.partial.replace(self.path)  # a backup cut short never looks complete

    def abort(self) -> None:
        self.tar.close()
        self.partial.unlink(missing_ok=True)


def _open(path: Path) -> tarfile.TarFile:
    try:
        return tarfile.open(path, "r:")
    except (tarfile.TarError, OSError) as exc:
        raise BackupError(f"{path} cannot be read as a backup archive ({exc}).") from exc


def read_manifest(path: Path) -> Manifest:
    """The archive's manifest, without checking the files it lists."""
    with _open(path) as tar:
        try:
            member = tar.extractfile(MANIFEST)
            raw = member.read() if member is not None else None
        except KeyError:
            raw = None
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"{path} is damaged or cut short ({exc}).") from exc
    if raw is None:
        raise BackupError(f"{path} has no manifest: it is not a complete EcoProd backup.")
    try:
        return Manifest.from_json(raw)
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError(f"The manifest of {path} is damaged ({exc}).") from exc


def verified_members(path: Path) -> tuple[Manifest, Iterator[tuple[Member, IO[bytes]]]]:
    """Check every member against the manifest (all of them, before anything is written)
    and return a way to read them again for the restore."""
    manifest = read_manifest(path)
    listed = {m.path: m for m in manifest.members()}
    for member in listed.values():
        if not _SAFE_NAME.fullmatch(member.path):
            raise BackupError(f"The archive lists {member.path!r}, which a backup never holds.")
    seen: set[str] = set()
    with _open(path) as tar:
        try:
            for info in tar:
                if info.name == MANIFEST:
                    continue
                expected = listed.get(info.name)
                if expected is None or not info.isfile():
                    raise BackupError(f"The archive holds {info.name!r}, which its manifest does not list.")
                stream = tar.extractfile(info)
                size, digest = sha256_of(stream) if stream else (0, "")
                if (size, digest) != (expected.size, expected.sha256):
                    raise BackupError(
                        f"{info.name} in the archive is damaged: its SHA-256 is not the one recorded."
                    )
                seen.add(info.name)
        except (tarfile.TarError, OSError, EOFError) as exc:
            raise BackupError(f"The archive is damaged or cut short ({exc}).") from exc
    missing = sorted(set(listed) - seen)
    if missing:
        raise BackupError(f"The archive lacks {len(missing)} file(s) its manifest lists, {missing[0]} first.")
    return manifest, _members(path, listed)


def _members(path: Path, listed: dict[str, Member]) -> Iterator[tuple[Member, IO[bytes]]]:
    with _open(path) as tar:
        for info in tar:
            if info.name in listed:
                stream = tar.extractfile(info)
                if stream is not None:
                    yield listed[info.name], stream
