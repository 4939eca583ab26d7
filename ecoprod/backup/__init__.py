"""Backup and restore of a whole instance: one archive holding a consistent dump of the
database (``pg_dump`` on PostgreSQL, SQLite's online backup API on SQLite), every upload of
the file store, and a manifest (format, versions, migration head, the SHA-256 of each file).

Issued documents live in the database (``ecoprod.documents``), so the dump carries them; a
restored instance serves the same bytes. ``restore`` checks everything before it writes
anything: a damaged archive, another migration head, another database engine, a database or
a file store that is not empty are each refused with a message saying what to do.

``export_school`` writes one school's rows and uploads in the same kind of archive, for a
school that leaves the network: ``restore`` loads it into a new instance (any engine).
"""

from ecoprod.backup.archive import BackupError, Manifest, read_manifest
from ecoprod.backup.instance import backup, export_school, restore

__all__ = ["BackupError", "Manifest", "backup", "export_school", "read_manifest", "restore"]
