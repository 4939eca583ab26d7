"""Importing 5,000 customers from one XLSX, as ``flask import`` does it (target: < 30 s).

    .venv/bin/python bench/imports.py [--customers 5000]

On a throw-away SQLite database in ``bench/out/imports/`` seeded with the demo school: the
file is written with openpyxl, then ``flask import customers FILE --school SLUG`` runs as a
process, twice (the second time every row matches and nothing changes). The baseline of the
same run: a process that reads the same file with openpyxl into rows and does nothing else.
Printed: seconds of each, and the ratio of the import to the baseline.
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.imports.files import CUSTOMER_HEADERS, customer_rows, xlsx  # noqa: E402

FLASK = [sys.executable, "-m", "flask", "--app", "ecoprod"]
READ_ONLY = (
    "import sys; from openpyxl import load_workbook; "
    "rows = list(load_workbook(sys.argv[1], read_only=True, data_only=True).worksheets[0].iter_rows(values_only=True)); "
    "print(len(rows))"
)


def timed(command: list[str], env: dict[str, str]) -> tuple[float, str]:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=5000)
    args = parser.parse_args()
    workdir = ROOT / "bench" / "out" / "imports"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "SECRET_KEY": secrets.token_hex(16),
        "ECOPROD_ENV": "development",
        "ECOPROD_UPLOAD_FOLDER": str(workdir / "uploads"),
    }
    subprocess.run([*FLASK, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*FLASK, "seed", "demo"], env=env, cwd=ROOT, check=True, capture_output=True)
    slug = subprocess.run(
        [sys.executable, "-c", "import sqlite3,sys; print(sqlite3.connect(sys.argv[1]).execute("
         "'select slug from schools order by id limit 1').fetchone()[0])", str(workdir / "bench.sqlite3")],
        check=True, capture_output=True, text=True,
    ).stdout.strip()  # fmt: skip
    path = workdir / "clients.xlsx"
    path.write_bytes(xlsx([CUSTOMER_HEADERS, *customer_rows(args.customers)]))
    baseline, rows = timed([sys.executable, "-c", READ_ONLY, str(path)], env)
    command = [*FLASK, "import", "customers", str(path), "--school", slug]
    first, said = timed(command, env)
    second, said_again = timed(command, env)
    print(
        f"{args.customers} customers, {path.stat().st_size // 1024} KB XLSX ({rows} rows read by openpyxl alone)"
    )
    print(f"baseline (openpyxl reads the file, one process): {baseline:6.2f} s")
    print(f"flask import, first time:  {first:6.2f} s  = {first / baseline:5.1f}× baseline   ({said})")
    print(
        f"flask import, same file:   {second:6.2f} s  = {second / baseline:5.1f}× baseline   ({said_again})"
    )
    print(f"target < 30 s: {'met' if first < 30 and second < 30 else 'NOT met'}")


if __name__ == "__main__":
    main()
