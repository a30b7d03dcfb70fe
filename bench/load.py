"""Load run: N simultaneous users against gunicorn (4 workers) on a fresh PostgreSQL database.

    .venv/bin/python bench/load.py                      # 50 users for 120 s
    .venv/bin/python bench/load.py --users 5 --duration 10 --clients 300   # CI smoke

It creates its own database on the server given by --admin-url, applies the migrations,
generates synthetic data (seed-synthetic), adds counselor and supervisor accounts with a
password made for the run (two-factor login is not required of them for the run), starts
gunicorn with the production configuration on loopback, and has each user log in once and
then work: case lists with filters, case pages, the dashboard, referral worklists, saving a
consultation (a real POST with the form's CSRF token), and one PDF summary in twenty
requests. It prints throughput, p50/p95/p99 per kind of request and overall, and the errors,
then drops the database. Exit status 1 on any error, 2 if p95 misses --p95-ms.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import random
import re
import secrets
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.cookies import SimpleCookie
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
sys.path.insert(0, str(ROOT))

# Share of each kind of work in a user's requests (a PDF summary is one in twenty).
MIX = {
    "case_list": 24,
    "case_page": 22,
    "dashboard": 14,
    "referral_worklist": 14,
    "consultation_save": 21,  # the form, then the POST: two requests
    "pdf_summary": 5,
}
FILTERS = [
    {}, {"category": "dv"}, {"status": "open"}, {"category": "trafficking"},
    {"risk": "high"}, {"overdue": "y"}, {"mine": "y"}, {"sort": "risk", "direction": "desc"},
    {"detected_from": "01/01/2025", "detected_to": "31/12/2025"}, {"page": "2"},
]
CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
HELD_AT = re.compile(r'name="held_at"[^>]*value="([^"]*)"')
SECTION = re.compile(r'name="sections"[^>]*value="([^"]+)"')


# --- preparing the database and the server -----------------------------------------------

def _flask(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(  # noqa: S603 (fixed argv)
        [str(BIN / "flask"), "--app", "caseapp", *args], env=env, check=True, cwd=ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    return done.stdout.strip()


@dataclass
class Account:
    username: str
    user_id: int
    role: str
    case_ids: list[int]


def prepare(admin_url: str, clients: int, users: int, password: str
            ) -> tuple[str, dict[str, str], list[Account]]:
    """Create and fill a fresh database; return its URL, the server's environment and the
    accounts of the run."""
    name = f"caseapp_load_{secrets.token_hex(4)}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    # Keys made for the run unless given (to open a database kept with --keep-db later).
    env = dict(os.environ, CASEAPP_CONFIG="production", DATABASE_URL=url,
               SECRET_KEY=os.environ.get("SECRET_KEY") or secrets.token_urlsafe(32),
               DATA_KEY=os.environ.get("DATA_KEY")
               or "k1:" + base64.b64encode(secrets.token_bytes(32)).decode())
    started = time.perf_counter()
    _flask(env, "init-db")
    print(_flask(env, "seed-synthetic", "--provinces", "1", "--clients", str(clients),
                 "--years", "3", "--seed", "7"), flush=True)
    accounts = _accounts(env, users, password)
    print(f"database {name}: prepared in {time.perf_counter() - started:.0f} s", flush=True)
    return url, env, accounts


def _accounts(env: dict[str, str], users: int, password: str) -> list[Account]:
    """Counselors in the units with the most cases, and one supervisor in five at the root."""
    os.environ.update({k: env[k] for k in ("CASEAPP_CONFIG", "DATABASE_URL", "SECRET_KEY",
                                           "DATA_KEY")})
    from caseapp import create_app
    from caseapp.auth.models import Role, User
    from caseapp.auth.passwords import hash_password
    from caseapp.cases.models import Case
    from caseapp.db import db
    from caseapp.settings.services import set_setting
    from caseapp.units.models import Unit

    app = create_app()
    with app.app_context():
        root = db.session.scalars(sa.select(Unit).where(Unit.parent_id.is_(None))
                                  .order_by(Unit.id)).first()
        assert root is not None, "seed-synthetic made no units"
        busiest = db.session.execute(
            sa.select(Case.unit_id, sa.func.count()).group_by(Case.unit_id)
            .order_by(sa.func.count().desc()).limit(10)).all()
        by_unit = {uid: list(db.session.scalars(
            sa.select(Case.id).where(Case.unit_id == uid).order_by(Case.id).limit(200)))
            for uid, _n in busiest}
        everywhere = [cid for ids in by_unit.values() for cid in ids]
        # One hash for every account of the run: it is the same password.
        hashed = hash_password(password)
        made: list[tuple[User, list[int]]] = []
        for i in range(users):
            supervisor = i % 5 == 4
            unit_id = root.id if supervisor else busiest[i % len(busiest)][0]
            user = User(username=f"load{i:03d}", full_name=f"Load user {i}",
                        role=Role.SUPERVISOR if supervisor else Role.COUNSELOR,
                        unit_id=unit_id, password_hash=hashed)
            db.session.add(user)
            made.append((user, everywhere if supervisor else by_unit[unit_id]))
        # The run's accounts have no second factor; production asks it of supervisors.
        set_setting("mfa_required_roles", [])
        db.session.commit()
        accounts = [Account(u.username, u.id, u.role.value, ids) for u, ids in made]
        db.engine.dispose()
    return accounts


@contextmanager
def gunicorn(env: dict[str, str], port: int, workers: int, log: Path) -> Iterator[None]:
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603 (fixed argv)
            [str(BIN / "gunicorn"), "-w", str(workers), "-b", f"127.0.0.1:{port}",
             "--timeout", "60", "caseapp:create_app(SESSION_COOKIE_SECURE=False)"],
            # Plain HTTP on loopback: a Secure cookie would never be sent back.
            env=env, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT)
        try:
            deadline = time.monotonic() + 60
            while True:
                try:
                    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                    conn.request("GET", "/auth/login")
                    if conn.getresponse().status == 200:
                        break
                except OSError:
                    pass
                if proc.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit(f"gunicorn did not start; see {log}")
                time.sleep(0.5)
            yield
        finally:
            proc.send_signal(signal.SIGTERM)
            proc.wait(30)


def drop_database(admin_url: str, url: str) -> None:
    name = sa.make_url(url).database
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


# --- one simulated user ------------------------------------------------------------------

@dataclass
class Results:
    latencies: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latencies[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


class Browser:
    """A user's browser: its own connection and session cookie; no redirects followed."""

    def __init__(self, port: int, results: Results) -> None:
        self.port = port
        self.results = results
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def call(self, kind: str, method: str, path: str, form: dict[str, object] | None = None,
             expect: int = 200) -> str:
        body = urllib.parse.urlencode(form or {}, doseq=True) if method == "POST" else None
        headers = {"Accept-Language": "vi"}
        if body is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        started = time.perf_counter()
        error = None
        text = ""
        try:
            self.conn.request(method, path, body=body, headers=headers)
            resp = self.conn.getresponse()
            data = resp.read()
            for header in resp.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(header).items():
                    self.cookies[name] = morsel.value
            if resp.will_close:
                self.conn.close()
            text = data.decode("utf-8", "replace")
            if resp.status != expect:
                error = f"{method} {path} -> {resp.status}"
        except (OSError, http.client.HTTPException) as exc:
            self.conn.close()
            error = f"{method} {path} -> {type(exc).__name__}"
        self.results.add(kind, time.perf_counter() - started, error)
        return text


def _csrf(html: str) -> str:
    m = CSRF.search(html)
    return m.group(1) if m else ""


def run_user(account: Account, password: str, port: int, start_at: float, until: float,
             think: float, results: Results, seed: int) -> None:
    rng = random.Random(seed)  # noqa: S311 (load simulation, not security)
    b = Browser(port, results)
    time.sleep(max(0.0, start_at - time.monotonic()))
    page = b.call("login", "GET", "/auth/login")
    b.call("login", "POST", "/auth/login", {"csrf_token": _csrf(page),
                                             "username": account.username,
                                             "password": password}, expect=302)
    kinds, weights = list(MIX), list(MIX.values())
    while time.monotonic() < until:
        time.sleep(think * rng.uniform(0.5, 1.5))
        kind = rng.choices(kinds, weights)[0]
        case_id = rng.choice(account.case_ids)
        if kind == "case_list":
            b.call(kind, "GET", "/cases/?" + urllib.parse.urlencode(rng.choice(FILTERS)))
        elif kind == "case_page":
            b.call(kind, "GET", f"/cases/{case_id}")
        elif kind == "dashboard":
            b.call(kind, "GET", "/")
        elif kind == "referral_worklist":
            review = account.role == "supervisor" and rng.random() < 0.5
            b.call(kind, "GET", "/referrals/review" if review else "/referrals/")
        elif kind == "consultation_save":
            form = b.call("consultation_form", "GET", f"/consultations/new/{case_id}")
            held = HELD_AT.search(form)
            b.call(kind, "POST", f"/consultations/new/{case_id}", {
                "csrf_token": _csrf(form), "held_at": held.group(1) if held else "",
                "kind": rng.choice(["legal", "family", "psychological"]),
                "channel": rng.choice(["in_person", "phone", "home_visit"]),
                "counselor_id": str(account.user_id), "duration_minutes": "45",
                "notes": "Tư vấn về quyền được bảo vệ; hẹn gặp lại.",
            }, expect=302)
        else:
            form = b.call("pdf_form", "GET", f"/documents/case/{case_id}/print")
            b.call(kind, "POST", f"/documents/case/{case_id}/print", {
                "csrf_token": _csrf(form), "sections": SECTION.findall(form)})


# --- the report ----------------------------------------------------------------------------

def percentile(sorted_values: list[float], p: float) -> float:
    if not sorted_values:
        return 0.0
    k = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[k]


def report(results: Results, seconds: float) -> float:
    """Print the table; return the overall p95 in milliseconds (logins excluded)."""
    rows = []
    work: list[float] = []
    for kind in sorted(results.latencies):
        values = sorted(results.latencies[kind])
        if kind != "login":
            work.extend(values)
        rows.append((kind, values))
    work.sort()
    rows.append(("overall (logins excluded)", work))
    print(f"{'request kind':28} {'count':>6} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} "
          f"{'max ms':>8}")
    for kind, values in rows:
        ms = [v * 1000 for v in values]
        print(f"{kind:28} {len(ms):6d} {statistics.median(ms) if ms else 0:8.0f} "
              f"{percentile(ms, 95):8.0f} {percentile(ms, 99):8.0f} {max(ms, default=0):8.0f}")
    total = sum(len(v) for v in results.latencies.values())
    print(f"throughput: {total / seconds:.1f} requests/s ({total} requests in {seconds:.0f} s)")
    print(f"errors: {len(results.errors)}")
    for e in results.errors[:20]:
        print(f"  {e}")
    return percentile([v * 1000 for v in work], 95)


def _loadavg() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "unknown"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--users", type=int, default=50)
    ap.add_argument("--duration", type=float, default=120, help="seconds of load")
    ap.add_argument("--think", type=float, default=2.0,
                    help="mean pause between a user's requests, in seconds")
    ap.add_argument("--ramp", type=float, default=10,
                    help="seconds over which the users log in, one after another")
    ap.add_argument("--clients", type=int, default=3000, help="synthetic clients to generate")
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--port", type=int, default=8765)
    ap.add_argument("--p95-ms", type=float, default=500,
                    help="exit 2 if the overall p95 is above this; 0: do not check")
    ap.add_argument("--admin-url", default=os.environ.get(
        "PG_ADMIN_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"),
        help="a PostgreSQL database to connect to for creating the run's database")
    ap.add_argument("--keep-db", action="store_true", help="do not drop the database")
    args = ap.parse_args()

    password = secrets.token_urlsafe(18)
    url, env, accounts = prepare(args.admin_url, args.clients, args.users, password)
    log = Path(tempfile.gettempdir()) / f"caseapp-load-{os.getpid()}.log"
    results = Results()
    try:
        with gunicorn(env, args.port, args.workers, log):
            print(f"{args.users} users for {args.duration:.0f} s (think time "
                  f"{args.think:.1f} s), gunicorn -w {args.workers}; server log {log}",
                  flush=True)
            print(f"load average before: {_loadavg()}", flush=True)
            started = time.monotonic()
            until = started + args.duration
            step = args.ramp / max(len(accounts), 1)
            threads = [threading.Thread(target=run_user, daemon=True, args=(
                a, password, args.port, started + i * step, until, args.think, results, i))
                for i, a in enumerate(accounts)]
            for t in threads:
                t.start()
            for t in threads:
                t.join(args.duration + 120)
            seconds = time.monotonic() - started
            print(f"load average after: {_loadavg()}", flush=True)
    finally:
        if not args.keep_db:
            drop_database(args.admin_url, url)
    p95 = report(results, seconds)
    if results.errors:
        return 1
    if args.p95_ms and p95 > args.p95_ms:
        print(f"p95 {p95:.0f} ms is over the target of {args.p95_ms:.0f} ms")
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
