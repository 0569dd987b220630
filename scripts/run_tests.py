"""Run the test suite on SQLite and, when PostgreSQL can be started, on PostgreSQL too.

`make test` calls this. A throwaway PostgreSQL cluster is made in a temporary directory on a free
local port and removed afterwards. Binaries are looked up in /usr/lib/postgresql/*/bin (Debian)
and on PATH. initdb refuses to run as root, so as root the cluster runs as the `postgres` user.
With REQUIRE_POSTGRES=1 a PostgreSQL that cannot be started is a failure instead of a skip.

The tests run on every core (pytest-xdist, `-n auto`; each worker has a test database of its
own); TEST_WORKERS sets how many, and `-n 0` among the arguments runs them in this one process
(for `--pdb`). Extra arguments are passed to pytest, e.g.
`python scripts/run_tests.py -k eligibility -x`.
"""

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def find_postgres_bin() -> Path | None:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"),
        key=lambda path: int(Path(path).parent.name) if Path(path).parent.name.isdigit() else 0,
        reverse=True,
    )
    for directory in candidates:
        if (Path(directory) / "initdb").exists() and (Path(directory) / "pg_ctl").exists():
            return Path(directory)
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl and Path(initdb).parent == Path(pg_ctl).parent:
        return Path(initdb).parent
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def postgres_cluster(bin_dir: Path):
    """Yield a DATABASE_URL for a fresh cluster; stop and remove it afterwards."""
    as_root = os.geteuid() == 0
    run_as: list[str] = []
    if as_root:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root needs a 'postgres' user for initdb") from None
        run_as = ["runuser", "-u", "postgres", "--"]
    workdir = Path(tempfile.mkdtemp(prefix="startpakket-pg-"))
    data, log = workdir / "data", workdir / "server.log"
    if as_root:
        os.chown(workdir, owner.pw_uid, owner.pw_gid)
    port = free_port()
    try:
        subprocess.run(
            [*run_as, bin_dir / "initdb", "-D", data, "-U", "postgres", "-A", "trust",
             "-E", "UTF8", "--locale=C", "--no-sync"],
            check=True, stdout=subprocess.DEVNULL,
        )
        options = f"-p {port} -k {workdir} -h 127.0.0.1 -c fsync=off -c full_page_writes=off"
        subprocess.run(
            [*run_as, bin_dir / "pg_ctl", "-D", data, "-l", log, "-o", options, "-w", "start"],
            check=True, stdout=subprocess.DEVNULL,
        )
        try:
            yield f"postgres://postgres@127.0.0.1:{port}/startpakket"
        finally:
            subprocess.run(
                [*run_as, bin_dir / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"],
                check=False, stdout=subprocess.DEVNULL,
            )
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


def pytest(label: str, extra_env: dict[str, str], args: list[str]) -> int:
    print(f"\n=== Test suite on {label} ===", flush=True)
    env = {**os.environ, **extra_env}
    workers = ["-n", os.environ.get("TEST_WORKERS") or "auto"]
    command = [PYTHON, "-m", "pytest", *workers, *args]  # a later -n in args wins
    return subprocess.run(command, cwd=ROOT, env=env, check=False).returncode


def main(args: list[str]) -> int:
    results: dict[str, str] = {}
    sqlite_env = {"DATABASE_URL": ""}
    code = pytest("SQLite", sqlite_env, args)
    results["SQLite"] = "passed" if code == 0 else f"FAILED (exit {code})"

    require = os.environ.get("REQUIRE_POSTGRES", "") not in {"", "0"}
    bin_dir = find_postgres_bin()
    if bin_dir is None:
        results["PostgreSQL"] = "MISSING" if require else "skipped (no initdb/pg_ctl found)"
    else:
        try:
            with postgres_cluster(bin_dir) as url:
                # What uses none of the suite's databases ran on SQLite already.
                once = ["-m", "not independent_of_the_database"]
                pg_code = pytest(f"PostgreSQL ({bin_dir})", {"DATABASE_URL": url},
                                 [*once, *args])
            results["PostgreSQL"] = ("passed" if pg_code == 0
                                     # pytest's "no tests collected": all were run once above
                                     else "skipped (nothing left to run)" if pg_code == 5
                                     else f"FAILED (exit {pg_code})")
        except (RuntimeError, subprocess.CalledProcessError, OSError) as exc:
            results["PostgreSQL"] = (
                f"could not be started: {exc}" if require else f"skipped (could not start: {exc})"
            )
            if require:
                results["PostgreSQL"] = "MISSING: " + results["PostgreSQL"]

    print("\n=== Summary ===")
    for label, outcome in results.items():
        print(f"{label}: {outcome}")
    failed = any(not outcome.startswith(("passed", "skipped")) for outcome in results.values())
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
