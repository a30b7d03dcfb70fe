"""Memory of a gunicorn worker after 1,000 mixed requests.

Starts gunicorn (one sync worker, on a free loopback port) against a database, logs in as
the benchmark's supervisor and counselor (``bench/dataset.py``), sends a bounded number of
requests (case lists and searches, case pages, the dashboard, worklists, a few PDFs), then
reads the worker's resident set size from /proc/PID/status (VmRSS, and VmHWM, its peak).

    python bench/worker_memory.py --seed-cases 10000 [--backend sqlite|postgresql]
    python bench/worker_memory.py --database-url URL [--instance DIR] [--requests 1000]

Target: at most 150 MB.
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.dataset import (  # noqa: E402
    COUNSELOR,
    SUPERVISOR,
    Keys,
    Subjects,
    bench_app,
    fresh_database,
    prepare_subjects,
    seed,
)

TARGET_MB = 150
# Requests per round: what a working day of a supervisor and a counselor looks like.
ROUND = [
    ("supervisor", "/cases/"), ("supervisor", "/cases/?category=dv&status=in_progress"),
    ("supervisor", "/cases/?page=7"), ("supervisor", "/cases/{case}"),
    ("supervisor", "/dashboard"), ("supervisor", "/indicator/worklist"),
    ("supervisor", "/referrals/review"), ("supervisor", "/referrals/high-risk"),
    ("counselor", "/cases/"), ("counselor", "/cases/{case}"), ("counselor", "/referrals/"),
    ("counselor", "/consultations/followups"), ("counselor", "POST /cases/"),
    ("supervisor", "/reports/?kind=year&year={year}"),
]
PDF_EVERY = 100  # one PDF summary per hundred requests


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_kib(pid: int) -> dict[str, int]:
    fields = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        m = re.match(r"(VmRSS|VmHWM):\s+(\d+) kB", line)
        if m:
            fields[m.group(1)] = int(m.group(2))
    return fields


def worker_pid(master: int) -> int:
    children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
    if len(children) != 1:
        raise SystemExit(f"expected one gunicorn worker, found {children}")
    return int(children[0])


class Browser:
    """A logged-in user over HTTP, with its own cookie jar."""

    def __init__(self, base: str, username: str, password: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
        self.post("/auth/login", {"username": username, "password": password})

    def get(self, path: str) -> bytes:
        with self.opener.open(self.base + path, timeout=120) as resp:
            return bytes(resp.read())

    def post(self, path: str, data: dict[str, str | list[str]]) -> bytes:
        body = urllib.parse.urlencode(data, doseq=True).encode()
        with self.opener.open(self.base + path, body, timeout=120) as resp:
            return bytes(resp.read())


def wait_ready(base: str, proc: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited at start")
        try:
            urllib.request.urlopen(base + "/health", timeout=10).read()  # noqa: S310 (loopback)
            return
        except OSError:  # not listening yet, or still starting (URLError is an OSError)
            time.sleep(0.3)
    raise SystemExit("gunicorn did not answer within 60 s")


def drive(base: str, subjects: Subjects, requests: int) -> dict[str, int]:
    from datetime import date

    from caseapp.documents.summary import SECTIONS

    users = {"supervisor": Browser(base, SUPERVISOR, subjects.password),
             "counselor": Browser(base, COUNSELOR, subjects.password)}
    sent: dict[str, int] = {"pages": 2, "pdfs": 0}  # the two logins
    n = 0
    while sent["pages"] + sent["pdfs"] < requests:
        if n % PDF_EVERY == PDF_EVERY - 1:
            pdf = users["counselor"].post(f"/documents/case/{subjects.case_id}/print",
                                          {"sections": list(SECTIONS)})
            if not pdf.startswith(b"%PDF"):
                raise SystemExit("the PDF request did not answer with a PDF")
            sent["pdfs"] += 1
        else:
            who, path = ROUND[n % len(ROUND)]
            if path.startswith("POST "):
                users[who].post(path[5:], {"q": subjects.phone})
            else:
                users[who].get(path.format(case=subjects.case_id, year=date.today().year))
            sent["pages"] += 1
        n += 1
    return sent


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--database-url")
    parser.add_argument("--instance", type=Path,
                        help="folder with secret_key and data_key (created when seeding)")
    parser.add_argument("--seed-cases", type=int)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--provinces", type=int, default=1)
    parser.add_argument("--requests", type=int, default=1000)
    args = parser.parse_args(argv)
    if not args.database_url and not args.seed_cases:
        parser.error("give --database-url, --seed-cases, or both")
    keys = Keys.for_run(args.instance, bool(args.seed_cases))
    if args.database_url:
        return measure(args.database_url, keys, args)
    with fresh_database(args.backend) as url:
        return measure(url, keys, args)


def measure(url: str, keys: Keys, args: argparse.Namespace) -> int:
    app = bench_app(url, keys)
    if args.seed_cases:
        seed(app, args.seed_cases, args.provinces)
    subjects = prepare_subjects(app)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "CASEAPP_CONFIG": "production", "DATABASE_URL": url,
           "SECRET_KEY": keys.secret_key, "DATA_KEY": keys.data_key}
    proc = subprocess.Popen(  # noqa: S603 (fixed arguments)
        [sys.executable, "-m", "gunicorn", "-w", "1", "-k", "sync", "-b", f"127.0.0.1:{port}",
         "--timeout", "300", "bench.worker_memory:bench_server()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        wait_ready(base, proc)
        pid = worker_pid(proc.pid)
        at_start = rss_kib(pid)
        t0 = time.perf_counter()
        sent = drive(base, subjects, args.requests)
        took = time.perf_counter() - t0
        after = rss_kib(pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
    rss_mb = after["VmRSS"] / 1024
    print(f"{subjects.cases:,} cases; {sent['pages']} pages and {sent['pdfs']} PDFs in "
          f"{took:.0f} s through one sync gunicorn worker")
    print(f"worker RSS after start-up: {at_start['VmRSS'] / 1024:.0f} MB; after the requests: "
          f"{rss_mb:.0f} MB (peak {after['VmHWM'] / 1024:.0f} MB); target <= {TARGET_MB} MB")
    return 0 if rss_mb <= TARGET_MB else 1


def bench_server() -> object:
    """The production app as gunicorn serves it, with the two settings plain loopback HTTP
    needs: cookies without the Secure flag and no CSRF token (the client is a script)."""
    from caseapp import create_app
    from config import ProductionConfig

    return create_app(ProductionConfig, SESSION_COOKIE_SECURE=False, WTF_CSRF_ENABLED=False,
                      MFA_REQUIRED_ROLES=())


if __name__ == "__main__":
    raise SystemExit(main())
