"""Referral creation over HTTP under concurrent clients, beside ``GET /api/v1/me/``.

Run from the project root (about a minute on SQLite at the defaults):

    .venv/bin/python bench/referral_load.py [--clients 20] [--requests 100] [--workers 2]
        [--instances 1]
    DATABASE_URL=postgres://user@host:5432/db .venv/bin/python bench/referral_load.py --instances 2

Production settings (``DEBUG=0``, two-step login on, a random ``SECRET_KEY``, mail to Django's
dummy backend, no TLS redirect as there is no proxy in front), gunicorn with ``--workers`` sync
workers per instance, on the database in ``DATABASE_URL`` (e.g. one filled by
``manage.py generate_load_data``, as ``make bench`` does) or on a temporary SQLite file. The load
comes from a second process (``bench/_load_client.py``): ``--clients`` threads in a closed loop,
``--requests`` each, a new connection per request, over loopback. First the baseline,
``GET /api/v1/me/`` (token, user and role: the least a request can cost), then
``POST /api/v1/referrals/`` with a new ``Idempotency-Key`` each time, as an integration would
send them; varied families that qualify, due in four months. With ``--instances 2`` the
clients alternate between two gunicorn instances on one database: nothing in the app server
may be needed by the next request (sessions, throttle counts and caches live in the database or
``CACHE_URL``), so this works exactly like one instance with twice the workers.

Target (issue #18): ≥ 100 referrals/s with p95 < 150 ms and no errors, or at least 50% of the
baseline's rate in the same run.
"""

import argparse
import json
import os
import secrets
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import ExitStack, contextmanager
from datetime import timedelta
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1]),
                str(Path(__file__).resolve().parents[1] / "scripts")]
from _results import record  # noqa: E402
from run_tests import free_port  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
BENCH_ORGANISATION = "bench-referrals"
FIRST_NAMES = ["Samira", "Łucja", "Ayşe", "Daan", "Fatima", "Ioana", "Senait", "Noor", "Eva"]
LAST_NAMES = ["Bakker", "Wiśniewska", "Yılmaz", "de Vries", "El Amrani", "Popescu", "Tesfay"]


def server_environment(database_url: str) -> dict[str, str]:
    return {**os.environ, "DJANGO_SETTINGS_MODULE": "startpakket.settings",
            "DATABASE_URL": database_url, "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "127.0.0.1", "SECURE_SSL_REDIRECT": "0",
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
            "LOG_LEVEL": "WARNING", "PYTHONPATH": str(ROOT)}


def prepare(database_url: str) -> str:
    """Migrate, install the shipped data, make a nurse with an API token; return its key. In a
    process of its own, so that this one holds no connection and no state of Django."""
    script = f"""
import django, sys
django.setup()
from django.core.management import call_command
from django.contrib.auth.models import Group
call_command("migrate", verbosity=0)
call_command("install_defaults", verbosity=0)
from startpakket.models import Organisation, User
from startpakket.roles import OrganisationKind, Role
from startpakket import tokens
organisation, _ = Organisation.objects.get_or_create(
    code={BENCH_ORGANISATION!r}, defaults={{"name": "Bench", "kind": OrganisationKind.REFERRER}})
nurse, made = User.objects.get_or_create(username="bench-nurse",
                                         defaults={{"organisation": organisation}})
if made:
    nurse.groups.add(Group.objects.get(name=Role.REFERRER.value))
tokens.tokens_of(nurse).delete()
sys.stdout.write(tokens.create_token(user=nurse, name="bench")[1])
"""
    done = subprocess.run([sys.executable, "-c", script], cwd=ROOT, check=True,
                          env=server_environment(database_url), capture_output=True, text=True)
    return done.stdout.strip()


@contextmanager
def gunicorn(database_url: str, workers: int):
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "startpakket.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--log-level", "warning"],
        cwd=ROOT, env=server_environment(database_url))
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v1/me/", timeout=5)
            except urllib.error.HTTPError:
                break  # 401 without a token: it answers
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("gunicorn did not start") from None
                time.sleep(0.2)
        yield ("127.0.0.1", port)
    finally:
        server.terminate()
        server.wait(timeout=30)


def bodies(count: int) -> list[dict]:
    from datetime import date

    due = (date.today() + timedelta(days=120)).isoformat()
    return [{
        "parent_first_name": FIRST_NAMES[n % len(FIRST_NAMES)],
        "parent_last_name": LAST_NAMES[n % len(LAST_NAMES)],
        "phone": f"06 {12000000 + n:08d}", "email": f"ouder{n}@example.org", "language": "nl",
        "street": "Dorpsstraat", "house_number": 1 + n % 200, "postcode": f"{3511 + n % 80} AB",
        "city": "Utrecht", "due_date": due, "babies": 1, "kit_type": "start-50-68",
        "consent": True,
        "household": {"applicant_age": 20 + n % 20, "has_partner": n % 2 == 0,
                      "partner_age": 22 + n % 20 if n % 2 == 0 else None, "children": n % 3},
        "incomes": [{"kind": "wages", "amount": f"{900 + n % 400}.00"}],
    } for n in range(count)]


def load(addresses, token: str, method: str, path: str, clients: int, requests: int,
         body_list=None) -> dict:
    expected = 201 if method == "POST" else 200
    job = {"addresses": addresses, "token": token, "method": method, "path": path,
           "clients": clients, "requests": requests, "bodies": body_list, "expect": expected}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / "_load_client.py")],
                          input=json.dumps(job), capture_output=True, text=True, check=True)
    outcome = json.loads(done.stdout)
    ms = sorted(latency * 1000 for latency in outcome["latencies"])
    cuts = statistics.quantiles(ms, n=100) if len(ms) > 1 else ms * 99
    return {"rate": len(ms) / outcome["wall"], "p50": statistics.median(ms), "p95": cuts[94],
            "p99": cuts[98], "n": len(ms),
            "errors": sum(1 for status in outcome["statuses"] if status != expected),
            "statuses": sorted(set(outcome["statuses"])), "unexpected": outcome["unexpected"]}


def bench(args, database_url: str, label: str) -> None:
    token = prepare(database_url)
    with ExitStack() as stack:
        addresses = [stack.enter_context(gunicorn(database_url, args.workers))
                     for _ in range(args.instances)]
        # Warm up every worker (imports, first connection) before anything is timed.
        load(addresses, token, "GET", "/api/v1/me/", args.workers * args.instances * 2, 5)
        me = load(addresses, token, "GET", "/api/v1/me/", args.clients, args.requests)
        made = load(addresses, token, "POST", "/api/v1/referrals/", args.clients, args.requests,
                    bodies(args.clients * args.requests))
    servers = f"{args.instances} × gunicorn {args.workers} workers"
    print(f"\n{label}, {servers}, {args.clients} clients × {args.requests} requests")
    print(f"{'':<28}{'per second':>11}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}")
    for name, figures in (("GET /api/v1/me/", me), ("POST /api/v1/referrals/", made)):
        print(f"{name:<28}{figures['rate']:>11.0f}{figures['p50']:>9.1f}{figures['p95']:>9.1f}"
              f"{figures['p99']:>9.1f}{figures['errors']:>8}  statuses {figures['statuses']}")
    share = made["rate"] / me["rate"]
    print(f"referrals at {share:.0%} of the baseline's rate")

    group = f"POST /api/v1/referrals/ ({args.clients} clients, {servers})"
    # The targets are for one server of 2 workers on its 2 cores; more instances on the same
    # machine only show that no instance needs another's state (no errors, nothing lost).
    judged = args.instances == 1 and args.workers == 2
    fast_enough = made["rate"] >= 100 and made["p95"] < 150
    record(group, "per second", made["rate"], "/s",
           target="≥ 100 or ≥ 50% of baseline" if judged else "",
           met=made["errors"] == 0 and (fast_enough or share >= 0.5) if judged else None,
           baseline=me["rate"], baseline_label="GET /api/v1/me/")
    for quantile in ("p50", "p95", "p99"):
        p95 = quantile == "p95" and judged
        record(group, quantile, made[quantile], "ms", target="< 150" if p95 else "",
               met=(made["p95"] < 150 or share >= 0.5) if p95 else None,
               baseline=me[quantile], baseline_label="GET /api/v1/me/")
    record(group, "errors", made["errors"], "", target="0", met=made["errors"] == 0,
           baseline=me["errors"], baseline_label="GET /api/v1/me/")
    if made["errors"] or me["errors"]:
        sys.exit(f"errors under load: {made['unexpected'] or me['unexpected']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=100, help="per client")
    parser.add_argument("--workers", type=int, default=2, help="per gunicorn instance")
    parser.add_argument("--instances", type=int, default=1)
    args = parser.parse_args()
    if os.environ.get("DATABASE_URL"):
        bench(args, os.environ["DATABASE_URL"], "database: DATABASE_URL")
        return
    with tempfile.TemporaryDirectory(prefix="bench-referrals-") as tmp:
        bench(args, f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", "database: SQLite (temporary)")


if __name__ == "__main__":
    main()
