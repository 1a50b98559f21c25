"""The best-of-N alternating timer, peak RSS, and child processes stopped after a timeout."""

from __future__ import annotations

import contextlib
import gc
import json
import resource
import subprocess
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def race(
    contenders: list[tuple[str, Callable[[], float]]], repeat: int, budget: float
) -> dict[str, list[float]]:
    """Run each contender ``repeat`` times, taking turns; each returns its own timed seconds.

    The order flips every round, so neither side always runs on a warm (or
    cold) cache. Rounds stop early once ``budget`` seconds have gone by, and
    always after at least one round.
    """
    times: dict[str, list[float]] = {name: [] for name, _ in contenders}
    start = time.perf_counter()
    for i in range(repeat):
        for name, fn in contenders if i % 2 == 0 else contenders[::-1]:
            gc.collect()
            times[name].append(fn())
        if time.perf_counter() - start > budget:
            break
    return times


def timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


def process_cpu() -> float:
    """CPU seconds (user + system) this process has used so far, all threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def best(times: list[float]) -> float | None:
    return min(times) if times else None


def reset_peak_rss() -> bool:
    """Start this process's peak RSS (VmHWM) again from its current RSS (Linux); False if it cannot."""
    try:
        Path("/proc/self/clear_refs").write_text("5")
    except OSError:
        return False
    return True


def peak_rss_mb() -> float:
    """This process's peak resident set size (VmHWM), in MB."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class ChildResult:
    rss_mb: float | None = None
    seconds: float | None = None
    timed_out: bool = False
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.rss_mb is not None and not self.timed_out and self.error is None


def _vmhwm_mb(pid: int) -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return None


def run_child(cmd: list[str], timeout: float) -> ChildResult:
    """Run ``cmd``, which prints ``{"rss_mb", "seconds"}`` last; stop it after ``timeout`` seconds.

    The child's VmHWM is polled meanwhile, so a child that is stopped still
    reports how high its memory went (a lower bound of its peak).
    """
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + timeout
    seen = None
    while proc.poll() is None:
        seen = _vmhwm_mb(proc.pid) or seen
        if time.monotonic() > deadline:
            proc.kill()
            proc.communicate()
            return ChildResult(rss_mb=seen, timed_out=True)
        time.sleep(0.1)
    out, err = proc.communicate()
    if proc.returncode != 0:
        return ChildResult(error=err.strip()[-2000:] or f"exit status {proc.returncode}")
    data = json.loads(out.strip().splitlines()[-1])
    return ChildResult(rss_mb=data["rss_mb"], seconds=data.get("seconds"))
