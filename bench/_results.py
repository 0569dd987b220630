"""How a benchmark hands its figures to ``make bench`` (``scripts/bench.py``), which prints them
all in one table. Not a benchmark itself (the leading underscore keeps it out of
``tests/test_benchmarks.py``).

A benchmark calls ``record(...)`` once per figure. When ``BENCH_RESULTS`` names a file (the
runner sets it), the figure is appended to it as one line of JSON; run on its own, a benchmark
only prints its own output as before.

A figure carries its target and, where there is one, a baseline measured in the same run
(bare reportlab for PDFs, bare ``csv.writer`` for exports, ``GET /api/v1/me/`` for the referral
load), so that a slower machine shows in both and the ratio still says something.
"""

import json
import os
import resource
import sys
from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class Figure:
    group: str  # what is measured, e.g. "POST /api/v1/referrals/ (20 clients)"
    measure: str  # which figure of it, e.g. "per second", "p95", "median", "queries"
    value: float
    unit: str  # "/s", "ms", "s", "MiB", "queries", "%"
    # "≥ 100", "< 100", "constant", "≥ 75% of baseline": how the target reads in the table.
    target: str = ""
    # True or False where the target is a plain comparison this run can judge; None otherwise.
    met: bool | None = None
    baseline: float | None = None
    baseline_label: str = ""


def record(group: str, measure: str, value: float, unit: str, *, target: str = "",
           met: bool | None = None, baseline: float | None = None,
           baseline_label: str = "") -> Figure:
    figure = Figure(group, measure, float(value), unit, target, met,
                    None if baseline is None else float(baseline), baseline_label)
    path = os.environ.get("BENCH_RESULTS")
    if path:
        with open(path, "a", encoding="utf-8") as out:
            out.write(json.dumps(asdict(figure), ensure_ascii=False) + "\n")
    return figure


def read(path: str) -> list[Figure]:
    with open(path, encoding="utf-8") as source:
        return [Figure(**json.loads(line)) for line in source if line.strip()]


def peak_memory_mib() -> float:
    """The process's peak resident memory so far (Linux reports KiB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024
