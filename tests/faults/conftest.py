"""The fault suite (issue 11): real faults on real servers, each test recording its figures.

Faults are made, not mocked: processes are killed with SIGKILL, a PostgreSQL server of the
suite's own is crashed and restarted, an SMTP server on loopback stops and starts again, a
small disk (tmpfs) fills up. Making a disk or a PostgreSQL server needs root (``mount``) or
PostgreSQL's server programs: without them these tests skip, unless
``ECOPROD_REQUIRE_FAULTS=1`` (CI) makes a missing part a failure.

Each test calls ``figures(...)``: the figures (requests failed during the fault, data lost,
e-mails delivered, time to recover) are printed at the end of the run, under "Fault suite".
"""

from __future__ import annotations

import errno
import glob
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from huey.storage import SqliteStorage

from ecoprod import jobs
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]

REQUIRE_FAULTS = os.environ.get("ECOPROD_REQUIRE_FAULTS") == "1"
_FIGURES: list[tuple[str, dict[str, Any]]] = []


def missing(reason: str) -> None:
    """A part the fault needs is not here: a failure in CI, a skip elsewhere."""
    if REQUIRE_FAULTS:
        pytest.fail(f"{reason} (ECOPROD_REQUIRE_FAULTS=1)")
    pytest.skip(reason)


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> Callable[..., None]:
    def record(**values: Any) -> None:
        _FIGURES.append((request.node.name, values))

    return record


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not _FIGURES:
        return
    terminalreporter.section("Fault suite figures")
    for name, values in _FIGURES:
        shown = ", ".join(f"{key.replace('_', ' ')}: {value}" for key, value in values.items())
        terminalreporter.write_line(f"{name}: {shown}")


# --- A small disk that fills up ---------------------------------------------------------------


class SmallDisk:
    """A tmpfs of a few megabytes: ``fill()`` leaves no byte free, ``free()`` gives it back."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.filler = path / "filler"

    def fill(self) -> None:
        chunk = b"\0" * 4096
        with self.filler.open("ab", buffering=0) as out:
            try:
                while True:
                    out.write(chunk)
            except OSError as exc:
                if exc.errno != errno.ENOSPC:
                    raise
        assert shutil.disk_usage(self.path).free < 4096

    def free(self) -> None:
        self.filler.unlink(missing_ok=True)


@pytest.fixture
def small_disk() -> Iterator[SmallDisk]:
    path = Path(tempfile.mkdtemp(prefix="ecoprod-disk-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=24m,mode=0777", "tmpfs", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    if mounted.returncode != 0:
        path.rmdir()
        missing(f"a small disk needs `mount -t tmpfs` (root): {mounted.stderr.strip()}")
    try:
        yield SmallDisk(path)
    finally:
        subprocess.run(["umount", "--lazy", str(path)], check=False)
        path.rmdir()


# --- A PostgreSQL server of the suite's own, to crash and restart -----------------------------


class PrivatePostgres:
    """A PostgreSQL cluster in a temporary folder on a free port, run by ``pg_ctl``."""

    def __init__(self, bin_dir: Path, root: Path) -> None:
        self.bin_dir, self.root = bin_dir, root
        self.data, self.log = root / "data", root / "server.log"
        self.port = free_port()
        # Root may not run PostgreSQL: its programs run as the `postgres` account then.
        self.as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/ecoprod"

    def _run(self, program: str, *args: str, timeout: float = 120) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bin_dir / program), *args],
            check=True, capture_output=True, timeout=timeout, cwd=self.root,
        )  # fmt: skip

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "--no-sync")
        self.start()
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "ecoprod")

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=on"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def crash(self) -> None:
        """Stop at once, as a power cut would: no checkpoint, recovery from the WAL at start."""
        self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def stop(self) -> None:
        subprocess.run(
            [*self.as_owner, str(self.bin_dir / "pg_ctl"), "-D", str(self.data), "-m", "fast", "stop"],
            check=False, capture_output=True, timeout=60,
        )  # fmt: skip


def _postgres_bin() -> Path | None:
    installed = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if installed:
        return Path(installed[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


@pytest.fixture
def private_postgres() -> Iterator[PrivatePostgres]:
    bin_dir = _postgres_bin()
    if bin_dir is None:
        missing("PostgreSQL's server programs (initdb, pg_ctl) are not installed")
    root = Path(tempfile.mkdtemp(prefix="ecoprod-pg-"))
    root.chmod(0o755)
    server = PrivatePostgres(bin_dir, root)  # type: ignore[arg-type]
    if server.as_owner:
        shutil.chown(root, "postgres", "postgres")
    try:
        server.init()
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        shutil.rmtree(root, ignore_errors=True)
        missing(f"a PostgreSQL server of the suite's own did not start: {exc}")
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(root, ignore_errors=True)


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> float:
    """Seconds it took for ``condition`` to hold; fails after ``timeout``."""
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > timeout:
            pytest.fail(f"timed out after {timeout} s waiting for {what}")
        time.sleep(0.05)
    return time.monotonic() - start


# --- An SMTP server's inbox ---------------------------------------------------------------------


class Inbox:
    """An aiosmtpd handler keeping each message's ``Message-ID`` and recipients: a message
    counts once the server accepted its data."""

    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.recipients: list[str] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        for line in envelope.content.decode("utf-8", "replace").splitlines():
            if line.lower().startswith("message-id:"):
                self.message_ids.append(line.split(":", 1)[1].strip())
        self.recipients.extend(envelope.rcpt_tos)
        return "250 OK"


# --- The job worker, on a kept queue ----------------------------------------------------------


@pytest.fixture
def kept_queue(app: Any, tmp_path: Path) -> Iterator[Path]:
    """The queue in a file the worker process reads, for this test only."""
    path = tmp_path / "jobs.sqlite3"
    saved = jobs.huey.storage, jobs.huey.immediate
    jobs.huey.immediate = False
    jobs.huey.storage = SqliteStorage("ecoprod", filename=str(path))
    yield path
    jobs.huey.storage, jobs.huey.immediate = saved


def start_worker(app: Any, queue: Path, smtp_port: int, **env: str) -> subprocess.Popen[bytes]:
    """``flask jobs worker`` in a process of its own, on the test database and this queue."""
    environment = {
        **os.environ,
        "ECOPROD_ENV": "development",
        "SECRET_KEY": app.config["SECRET_KEY"],
        "DATABASE_URL": app.config["SQLALCHEMY_DATABASE_URI"],
        "ECOPROD_UPLOAD_FOLDER": app.config["UPLOAD_FOLDER"],
        "JOBS_URL": f"sqlite:///{queue}",
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": str(smtp_port),
        "ECOPROD_MAIL_TIMEOUT": "10",
        "BASE_URL": app.config["BASE_URL"],
        **env,
    }
    command = [sys.executable, "-m", "flask", "--app", "ecoprod", "jobs", "worker", "--threads", "2"]
    return subprocess.Popen(
        command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
