"""Every benchmark in bench/ still runs (DESIGN §8: a benchmark that no longer runs is a broken
test). Tiny sizes: this checks that they work, not how fast; the figures come from running them
at full size (bench/README.md). Each runs in its own process on its own temporary SQLite
database, whichever database the suite uses."""

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT

# The same runs whichever database the suite uses: `make test` runs them once.
pytestmark = pytest.mark.independent_of_the_database

SMALL = {
    "documents.py": ["--packages", "5", "--rounds", "1"],
    # More requests than the eligibility throttle allows a minute: the run must raise it.
    "eligibility_check.py": ["--households", "50", "--rounds", "1", "--requests", "130"],
    "lists.py": ["--referrals", "300", "--movements", "300", "--requests", "1"],
    "referral_load.py": ["--clients", "3", "--requests", "3"],
    "stats_exports.py": ["--referrals", "500"],
    "stock_ledger.py": ["--movements", "2000", "--requests", "3", "--operations", "3"],
}


def test_every_benchmark_is_covered_here():
    # bench/_database.py, _results.py and _load_client.py are what they share, not benchmarks.
    assert {path.name for path in (ROOT / "bench").glob("[!_]*.py")} == set(SMALL)


@pytest.mark.parametrize("script", sorted(SMALL))
def test_the_benchmark_runs(script):
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}}
    done = subprocess.run([sys.executable, str(ROOT / "bench" / script), *SMALL[script]],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-4000:]
    assert done.stdout.strip(), "a benchmark prints its figures"


def test_make_bench_runs_them_all_and_prints_one_table(tmp_path):
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE", "POSTGRES"}}
    full_run = ROOT / "var" / "bench" / "results-sqlite.md"
    full_table = full_run.read_bytes() if full_run.exists() else None
    done = subprocess.run([sys.executable, str(ROOT / "scripts" / "bench.py"), "--quick"],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
                          check=False)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    table = done.stdout[done.stdout.index("`make bench` on SQLite"):]
    for row in ("generate_load_data", "rules.check", "render_pick_list",
                "pseudonymised CSV export", "POST /api/v1/referrals/ (3 clients", "median"):
        assert row in table, row
    assert "failed to run" not in table
    # A quick run writes its table beside the last full run's, not over it.
    assert "(also in var/bench/results-sqlite-quick.md)" in done.stdout
    assert (full_run.read_bytes() if full_run.exists() else None) == full_table
