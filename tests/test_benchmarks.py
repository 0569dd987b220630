"""Every benchmark in bench/ still runs (DESIGN §8: a benchmark that no longer runs is a broken
test). Tiny sizes: this checks that they work, not how fast; the figures come from running them
at full size (bench/README.md). Each runs in its own process on its own temporary SQLite
database, whichever database the suite uses."""

import os
import subprocess
import sys

import pytest

from tests.helpers import ROOT

SMALL = {
    "documents.py": ["--packages", "5", "--rounds", "1"],
    # More requests than the eligibility throttle allows a minute: the run must raise it.
    "eligibility_check.py": ["--households", "50", "--rounds", "1", "--requests", "130"],
    "stats_exports.py": ["--referrals", "500"],
    "stock_ledger.py": ["--movements", "2000", "--requests", "3", "--operations", "3"],
}


def test_every_benchmark_is_covered_here():
    # bench/_database.py is what they share, not a benchmark.
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
