"""Throughput of the busiest lists against a trivial endpoint of the same app, same run.

    .venv/bin/python bench/pages.py [--orders 10000] [--seconds 8] [--database-url URL]

Builds a school with ``flask seed large --orders N`` in a throw-away database (SQLite in
``bench/out/`` unless ``--database-url`` names a PostgreSQL database to use — its tables are
dropped and rebuilt), serves the app with gunicorn (2 sync workers), signs in a customer
and a master, and drives each page with 8 concurrent clients. It prints p50/p95 latency,
requests per second, and each page's throughput as a percentage of ``/healthz`` (the
trivial endpoint, served by the same workers in the same run). Target: ≥ 10 %.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import os
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

from ecoprod.demo.data.reference import DEMO_PASSWORD as PASSWORD

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env: dict[str, str], *args: str) -> None:
    subprocess.run([str(BIN / "flask"), "--app", "ecoprod", *args], env=env, check=True, cwd=ROOT)


class Client:
    """A browser-like client: its own cookies, one connection per request (sync workers close them)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, body: dict[str, str] | None = None
    ) -> tuple[int, str, dict[str, str]]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        data = None
        if body is not None:
            data = urllib.parse.urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=data, headers=headers)
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                name, _, rest = value.partition("=")
                self.cookies[name] = rest.split(";", 1)[0]
        connection.close()
        return response.status, text, dict(response.getheaders())

    def sign_in(self, email: str) -> None:
        _, page, _ = self.request("GET", "/login")
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        status, _, _ = self.request(
            "POST", "/login", {"email": email, "password": PASSWORD, "csrf_token": token}
        )
        if status != 302:
            raise SystemExit(f"could not sign in as {email}: HTTP {status}")


def drive(
    port: int, cookies: dict[str, str], path: str, seconds: float, concurrency: int
) -> dict[str, float]:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    stop_at = time.perf_counter() + seconds

    def worker() -> None:
        nonlocal errors
        client = Client(port)
        client.cookies = dict(cookies)
        local, bad = [], 0
        while time.perf_counter() < stop_at:
            started = time.perf_counter()
            status, _, _ = client.request("GET", path)
            local.append(time.perf_counter() - started)
            if status != 200:
                bad += 1
        with lock:
            latencies.extend(local)
            errors += bad

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - began
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": statistics.median(latencies) * 1000,
        "p95": latencies[int(len(latencies) * 0.95) - 1] * 1000,
    }


@contextlib.contextmanager
def serve(env: dict[str, str]) -> Iterator[int]:
    """gunicorn with 2 sync workers on a free loopback port, until the block ends."""
    port = free_port()
    server = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", "wsgi:app"],
        env=env,
        cwd=ROOT,
    )
    try:
        for _ in range(100):
            try:
                if Client(port).request("GET", "/healthz")[0] == 200:
                    break
            except OSError:
                time.sleep(0.1)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


def measure_pages(
    port: int, cases: list[tuple[str, dict[str, str], str]], seconds: float, concurrency: int
) -> list[tuple[str, dict[str, float]]]:
    """Each (name, cookies, path) driven for ``seconds``, after a second of warm-up for every worker."""
    for _, cookies, path in cases:
        drive(port, cookies, path, 1.0, concurrency)
    return [(name, drive(port, cookies, path, seconds, concurrency)) for name, cookies, path in cases]


def report(results: list[tuple[str, dict[str, float]]], seconds: float, concurrency: int) -> None:
    """The table of latencies and throughputs, the first row being the trivial baseline."""
    baseline = results[0][1]["rps"]
    print(f"\n{concurrency} concurrent clients, {seconds:.0f} s per page, gunicorn 2 sync workers")
    print(f"{'page':<26}{'p50 ms':>9}{'p95 ms':>9}{'req/s':>9}{'% of trivial':>14}{'errors':>8}")
    for name, r in results:
        print(
            f"{name:<26}{r['p50']:>9.1f}{r['p95']:>9.1f}{r['rps']:>9.1f}{100 * r['rps'] / baseline:>13.1f}%{r['errors']:>8}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--orders", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--concurrency", type=int, default=8)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()

    OUT.mkdir(parents=True, exist_ok=True)
    workdir = OUT / "pages"
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir()
    database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "SECRET_KEY": secrets.token_hex(16),
        "ECOPROD_ENV": "development",  # plain HTTP on loopback: no Secure cookies
        "ECOPROD_UPLOAD_FOLDER": str(workdir / "uploads"),
    }
    if args.database_url:
        import sqlalchemy as sa

        from ecoprod.config import normalise_database_url

        engine = sa.create_engine(normalise_database_url(args.database_url))
        with engine.begin() as connection:
            connection.execute(sa.text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
        engine.dispose()

    print(f"database: {database_url.split('@')[-1]}", flush=True)
    started = time.perf_counter()
    flask(env, "db", "upgrade")
    flask(env, "seed", "large", "--orders", str(args.orders))
    print(f"seeded {args.orders} orders in {time.perf_counter() - started:.1f} s", flush=True)

    with serve(env) as port:
        customer, master = Client(port), Client(port)
        customer.sign_in("client0001@bench.example.com")
        master.sign_in("usinage@bench.example.com")
        cases = [
            ("trivial /healthz", {}, "/healthz"),
            ("customer: request list", customer.cookies, "/requests"),
            ("master: inbox", master.cookies, "/inbox"),
        ]
        results = measure_pages(port, cases, args.seconds, args.concurrency)
    report(results, args.seconds, args.concurrency)
    worst = min(r["rps"] for _, r in results[1:]) / results[0][1]["rps"]
    print(f"\nslowest page at {100 * worst:.1f} % of the trivial endpoint (target ≥ 10 %)")


if __name__ == "__main__":
    main()
