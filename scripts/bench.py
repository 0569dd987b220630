"""`make bench`: every benchmark at national scale in one run, and one table of their figures.

    make bench                                   # SQLite, a throwaway file under var/bench/
    make bench DATABASE_URL=postgres://…/empty   # that PostgreSQL database (empty, or filled
                                                 # by an earlier run with the same sizes)
    make bench POSTGRES=1                        # a throwaway PostgreSQL cluster, as make test
    .venv/bin/python scripts/bench.py --quick    # tiny sizes: does it all still run?

1. ``migrate`` and ``generate_load_data`` (100,000 referrals, 1,000,000 stock movements by
   default) into the database, timed.
2. The benchmarks in ``bench/``, each in a process of its own, on that database where they
   measure pages or exports (lists, statistics exports, the referral load over HTTP) and on
   their own where they need none (eligibility, documents). Each reports its figures through
   ``bench/_results.py``: a target, and where there is one a baseline measured in the same run
   (bare reportlab, a bare ``csv.writer``, ``GET /api/v1/me/``). The peak memory of each
   benchmark's process is measured here.
3. On PostgreSQL also the referral load against two gunicorn instances on the one database.

The table goes to the screen and, as Markdown, to ``var/bench/results-<database>.md`` (a quick
run's to ``results-<database>-quick.md``, so the tests leave a full run's table alone). The exit
status is 1 when a benchmark failed to run; a missed target is shown, not an error (the
figures depend on the machine).
"""

import argparse
import contextlib
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "bench"), str(ROOT / "scripts")]
from _results import Figure, read, record  # noqa: E402

FULL = {"referrals": 100_000, "movements": 1_000_000}
QUICK = {"referrals": 300, "movements": 3_000}


def benchmarks(quick: bool, postgres: bool) -> list[tuple[str, list[str], bool]]:
    """(script, arguments, uses the generated database)."""
    if quick:
        runs = [
            ("eligibility_check.py", ["--households", "200", "--rounds", "1",
                                      "--requests", "50"], False),
            ("documents.py", ["--packages", "5", "--rounds", "1"], False),
            ("stats_exports.py", ["--existing"], True),
            ("lists.py", ["--requests", "2"], True),
            ("referral_load.py", ["--clients", "3", "--requests", "3"], True),
        ]
    else:
        runs = [
            ("eligibility_check.py", [], False),
            ("documents.py", [], False),
            ("stats_exports.py", ["--existing", "--no-xlsx"], True),
            ("lists.py", [], True),
            ("referral_load.py", [], True),
        ]
    if postgres:
        script, arguments, shared = runs[-1]
        runs.append((script, [*arguments, "--instances", "2"], shared))
    return runs


def environment(database_url: str | None, results: Path) -> dict[str, str]:
    env = {**os.environ, "BENCH_RESULTS": str(results), "PYTHONPATH": str(ROOT)}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def run(label: str, command: list[str], env: dict[str, str]) -> tuple[int, float, float]:
    """Run ``command``; its exit status, seconds and peak memory (MiB, its own process)."""
    print(f"\n== {label}", flush=True)
    began = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    return process.returncode, time.perf_counter() - began, usage.ru_maxrss / 1024


def fill(database_url: str, sizes: dict, seed: int, results: Path) -> None:
    env = {**environment(database_url, results), "DJANGO_SETTINGS_MODULE": "startpakket.settings",
           "DEBUG": "0", "SECRET_KEY": secrets.token_urlsafe(50), "LOG_LEVEL": "WARNING"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    code, _, _ = run("migrate", [*manage, "migrate", "--verbosity", "0"], env)
    if code:
        sys.exit("migrate failed")
    count = subprocess.run(
        [*manage, "shell", "-c",
         "from logistics.models import Referral; print(Referral.objects.count())"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True).stdout.strip()
    count = int(count.splitlines()[-1])
    if count >= sizes["referrals"]:
        print(f"   {count:,} referrals already there: not generated again")
        return
    code, seconds, memory = run(
        f"generate_load_data: {sizes['referrals']:,} referrals, "
        f"{sizes['movements']:,} movements",
        [*manage, "generate_load_data", "--referrals", str(sizes["referrals"]),
         "--movements", str(sizes["movements"]), "--seed", str(seed)], env)
    if code:
        sys.exit("generate_load_data failed")
    os.environ["BENCH_RESULTS"] = str(results)
    group = (f"generate_load_data ({sizes['referrals']:,} referrals, "
             f"{sizes['movements']:,} movements)")
    record(group, "seconds", round(seconds), "s", target="minutes", met=seconds < 600)
    record(group, "peak memory", round(memory), "MiB")


def table(figures: list[Figure]) -> list[str]:
    def number(value: float | None) -> str:
        if value is None:
            return ""
        return f"{value:,.0f}" if abs(value) >= 100 else f"{value:,.3g}"

    lines = ["| what | figure | value | target | baseline (same run) | met |",
             "|---|---|---|---|---|---|"]
    for figure in figures:
        baseline = (f"{number(figure.baseline)} {figure.unit} ({figure.baseline_label})"
                    if figure.baseline is not None else "")
        met = {True: "yes", False: "**no**", None: ""}[figure.met]
        lines.append(f"| {figure.group} | {figure.measure} | {number(figure.value)} "
                     f"{figure.unit} | {figure.target} | {baseline} | {met} |")
    return lines


@contextlib.contextmanager
def database(args):
    """The database to fill: DATABASE_URL, a throwaway PostgreSQL cluster, or a SQLite file."""
    if os.environ.get("DATABASE_URL"):
        yield os.environ["DATABASE_URL"], "DATABASE_URL"
        return
    if args.postgres:
        from run_tests import find_postgres_bin, postgres_cluster

        bin_dir = find_postgres_bin()
        if bin_dir is None:
            sys.exit("POSTGRES=1 needs PostgreSQL's initdb and pg_ctl (Debian: postgresql)")
        with postgres_cluster(bin_dir) as url:
            import psycopg

            with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as db:
                db.execute("CREATE DATABASE startpakket")
            yield url, "PostgreSQL (throwaway cluster, fsync off)"
        return
    folder = ROOT / "var" / "bench"
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder) as tmp:
        yield f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", "SQLite (throwaway file)"


def pace_ms() -> float:
    """One sign of the machine's pace: 3 million additions in pure Python, in ms (120 to 200
    on the days measured). Printed with the results; it is not the whole of it: on one day
    ``GET /api/v1/me/`` ran three to ten times slower than on another with this near its
    usual value (bench/README)."""
    start = time.perf_counter()
    total = 0
    for n in range(3_000_000):
        total += n
    return (time.perf_counter() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes: does it all run?")
    parser.add_argument("--postgres", action="store_true",
                        default=os.environ.get("POSTGRES") == "1",
                        help="on a throwaway PostgreSQL cluster (POSTGRES=1)")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    sizes = QUICK if args.quick else FULL
    began, pace_before = time.perf_counter(), pace_ms()
    failed = []
    with tempfile.TemporaryDirectory() as tmp, database(args) as (url, label):
        results = Path(tmp) / "results.jsonl"
        fill(url, sizes, args.seed, results)
        postgres = url.startswith("postgres")
        for script, arguments, shared in benchmarks(args.quick, postgres):
            env = environment(url if shared else None, results)
            name = f"{script} {' '.join(arguments)}".strip()
            code, seconds, memory = run(name, [sys.executable, str(ROOT / "bench" / script),
                                               *arguments], env)
            os.environ["BENCH_RESULTS"] = str(results)
            record(f"bench/{name}", "peak memory", round(memory), "MiB")
            record(f"bench/{name}", "run time", round(seconds), "s")
            if code:
                failed.append(name)
        figures = read(str(results))
    minutes = (time.perf_counter() - began) / 60
    lines = [f"`make bench` on {label}: {sizes['referrals']:,} referrals, "
             f"{sizes['movements']:,} movements; {os.cpu_count()} CPUs; {minutes:.1f} minutes; "
             f"pace: 3 million additions in {pace_before:.0f} ms before, {pace_ms():.0f} ms after",
             "", *table(figures)]
    missed = [figure for figure in figures if figure.met is False]
    lines += ["", f"{sum(f.met is True for f in figures)} targets met, {len(missed)} missed"
              + (f"; failed to run: {', '.join(failed)}" if failed else "")]
    print("\n" + "\n".join(lines))
    # A quick run's table beside the last full one, never in its place.
    out = ROOT / "var" / "bench" / (f"results-{'postgresql' if postgres else 'sqlite'}"
                                    f"{'-quick' if args.quick else ''}.md")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\n(also in {out.relative_to(ROOT)})")
    if failed:
        print(json.dumps({"failed": failed}))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
