"""Timing helpers of the bench: the median of repeated calls, and of a call and its floor run
alternately so that both see the same machine load."""
import statistics
import time


def median_of(fn, runs: int, warmup: int = 1, long_s: float | None = None):
    """Median of `runs` timed calls after `warmup` untimed ones. With `long_s`, a warm-up that
    takes longer than that counts as the first sample (nothing left to warm in a long run)."""
    samples = []
    for _ in range(warmup):
        t = time.perf_counter()
        fn()
        if long_s is not None and time.perf_counter() - t > long_s:
            samples.append(time.perf_counter() - t)
    while len(samples) < runs:
        t = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - t)
    return statistics.median(samples), samples


def median_pair(fn, floor, runs: int, warmup: int = 1, long_s: float | None = None):
    """Medians of `fn` and of its `floor`, run alternately (so that both see the same machine
    load) after `warmup` untimed calls of each; a warm-up longer than `long_s` counts as a sample."""
    samples, floor_samples = [], []

    def timed(f):
        t = time.perf_counter()
        f()
        return time.perf_counter() - t
    for _ in range(warmup):
        a, b = timed(fn), timed(floor)
        if long_s is not None and a > long_s:
            samples.append(a)
            floor_samples.append(b)
    while len(samples) < runs:
        samples.append(timed(fn))
        floor_samples.append(timed(floor))
    return statistics.median(samples), statistics.median(floor_samples)
