"""What the benchmarks that need Django share: its set-up against ``DATABASE_URL``, or against a
throwaway SQLite file when that is not set. Not a benchmark itself (the leading underscore keeps it
out of ``tests/test_benchmarks.py``)."""

import os
import platform
import tempfile
from collections.abc import Callable
from pathlib import Path


def setup_django(database_url: str, **environment: str) -> None:
    os.environ.update(DJANGO_SETTINGS_MODULE="startpakket.settings", ALLOWED_HOSTS="testserver",
                      DATABASE_URL=database_url,
                      LOG_LEVEL=os.environ.get("LOG_LEVEL", "WARNING"), **environment)
    import django

    django.setup()


def run(bench: Callable[[], None], *, prefix: str, **environment: str) -> None:
    """Print the machine, set Django up (``environment``: settings for the run) and ``bench()``."""
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs, {platform.platform()}")
    if os.environ.get("DATABASE_URL"):
        setup_django(os.environ["DATABASE_URL"], **environment)
        print("database: DATABASE_URL")
        bench()
        return
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        setup_django(f"sqlite:///{Path(tmp) / 'bench.sqlite3'}", **environment)
        print("database: SQLite (temporary file)")
        bench()
