"""In-process timing shared by the benchmark scripts."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from typing import Any


def p50_p95_ms(fn: Callable[[], Any], runs: int) -> tuple[float, float]:
    """Call `fn` `runs` times; the median and the 95th-percentile wall time in milliseconds."""
    timings = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        timings.append((time.perf_counter() - t0) * 1000)
    timings.sort()
    return statistics.median(timings), timings[max(0, int(len(timings) * 0.95) - 1)]
