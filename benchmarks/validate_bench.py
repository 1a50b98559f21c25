"""Validation at scale: ``graphkit validate`` against ``graphkit load`` of the same data.

    python benchmarks/validate_bench.py --sizes 10k,100k,1m [--pyshacl-timeout 600]

For each size, the generated N-Triples file (see ``generate.py``) is loaded
into a new embedded store with ``graphkit load``, then the store is checked
with ``graphkit validate``; each command runs as its own process, timed from
start to exit, with its peak RSS read from the kernel. Targets: validate takes
at most 3x the time of load at every size; the time grows at most 12x from
100k to 1M triples; the peak RSS at 1M stays under 2 GB. ``load --validate``
into a new store writes the store once and validates it before it takes its
place: it takes at most the time of the two commands run one after the
other (1.1x, for the second start-up and the spread). pyshacl, the
reference engine (the path validate took before), runs on the same data in
a child process where it finishes within ``--pyshacl-timeout``.

Results go to ``benchmarks/results/validate.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from bench.data import RESULTS_DIR, data_file  # noqa: E402  (benchmarks/ is not a package)

GRAPHKIT = [sys.executable, "-c", "from graphkit.cli import main; main()"]
#: pyshacl over a copy of the store, as validate ran before the set-based queries.
PYSHACL = """
import sys, graphkit
from graphkit.model.shacl_reference import reference_results
with graphkit.open(sys.argv[1], read_only=True) as kg:
    print(len(reference_results(kg)))
"""
TARGET_RATIO = 3.0
TARGET_GROWTH = 12.0
TARGET_RSS_MB = 2048
#: load --validate into a new store against load, then validate, as two commands.
TARGET_ONCE = 1.1


def measure_rss(command: list[str], timeout: float | None = None) -> dict:
    """Run ``command``: wall time, exit status and peak RSS (MB, from wait4: this child alone)."""
    start = time.perf_counter()
    pid = os.fork()
    if pid == 0:  # child: become the command
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.execvp(command[0], command)
    deadline = None if timeout is None else start + timeout
    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if deadline is not None and time.perf_counter() > deadline:
            os.kill(pid, 9)
            os.wait4(pid, 0)
            return {"seconds": None, "rss_mb": None, "note": f"not finished after {timeout:.0f} s"}
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    return {
        "seconds": round(seconds, 2),
        "rss_mb": round(usage.ru_maxrss / 1024, 1),
        "exit": os.waitstatus_to_exitcode(status),
    }


def _data(size: str, seed: int, folder: Path | None) -> Path:
    """The generated file: cached in benchmarks/data/, or made in ``folder``."""
    if folder is None:
        return data_file(size, seed)
    import generate
    from bench.data import size_triples

    path = folder / f"{size}-seed{seed}.nt"
    if not path.exists():
        generate.write(path, entities=generate.entities_for(size_triples(size)), seed=seed)
    return path


def run_size(size: str, seed: int, pyshacl_timeout: float, work: Path, folder: Path | None = None) -> dict:
    data = _data(size, seed, folder)
    store = work / f"store-{size}"
    shutil.rmtree(store, ignore_errors=True)
    load = measure_rss([*GRAPHKIT, "load", str(data), "--store", str(store)])
    if load.get("exit") != 0:
        raise SystemExit(f"graphkit load failed on {data}")
    validate = measure_rss([*GRAPHKIT, "validate", "--store", str(store)])
    if validate.get("exit") not in (0, 1):
        raise SystemExit(f"graphkit validate failed on {store}")
    checked_store = work / f"checked-{size}"
    shutil.rmtree(checked_store, ignore_errors=True)
    checked = measure_rss([*GRAPHKIT, "load", str(data), "--store", str(checked_store), "--validate"])
    if checked.get("exit") not in (0, 1):
        raise SystemExit(f"graphkit load --validate failed on {data}")
    shutil.rmtree(checked_store, ignore_errors=True)
    row = {
        "size": size,
        "triples": sum(1 for _ in data.open("rb")),
        "load": load,
        "validate": validate,
        "ratio": round(validate["seconds"] / load["seconds"], 2),
        "load_validate_new_store": checked,
        "load_validate_ratio": round(checked["seconds"] / (load["seconds"] + validate["seconds"]), 2),
    }
    if pyshacl_timeout > 0:
        row["pyshacl"] = measure_rss([sys.executable, "-c", PYSHACL, str(store)], timeout=pyshacl_timeout)
    shutil.rmtree(store, ignore_errors=True)
    return row


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="comma-separated: 10k, 100k, 1m")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pyshacl-timeout", type=float, default=600, help="0: skip pyshacl")
    parser.add_argument("--pyshacl-max", default="100k", help="skip pyshacl above this size")
    parser.add_argument("--json", type=Path, default=RESULTS_DIR / "validate.json")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: benchmarks/data/")
    args = parser.parse_args(argv)
    from bench.data import size_triples

    rows = []
    with tempfile.TemporaryDirectory(prefix="graphkit-validate-bench-") as tmp:
        for size in args.sizes.split(","):
            skip = size_triples(size) > size_triples(args.pyshacl_max)
            row = run_size(size, args.seed, 0 if skip else args.pyshacl_timeout, Path(tmp), args.data_dir)
            rows.append(row)
            pyshacl = row.get("pyshacl", {})
            print(
                f"{size:>5}: load {row['load']['seconds']:7.1f} s  validate {row['validate']['seconds']:7.1f} s "
                f"(x{row['ratio']:.2f}, {row['validate']['rss_mb']:.0f} MB)  "
                f"pyshacl {pyshacl.get('seconds') or pyshacl.get('note', 'skipped')}",
                flush=True,
            )
    by_size = {r["size"]: r for r in rows}
    checks = {f"validate/load at {r['size']} <= {TARGET_RATIO}": r["ratio"] <= TARGET_RATIO for r in rows}
    for r in rows:
        ratio = r["load_validate_ratio"]
        print(f"{r['size']:>5}: load --validate into a new store {ratio:.2f}x load + validate")
        checks[f"load --validate / (load + validate) at {r['size']} <= {TARGET_ONCE}"] = ratio <= TARGET_ONCE
    if "100k" in by_size and "1m" in by_size:
        growth = by_size["1m"]["validate"]["seconds"] / by_size["100k"]["validate"]["seconds"]
        checks[f"1m/100k validate time {growth:.2f} <= {TARGET_GROWTH}"] = growth <= TARGET_GROWTH
    if "1m" in by_size:
        rss = by_size["1m"]["validate"]["rss_mb"]
        checks[f"peak RSS at 1m {rss:.0f} MB < {TARGET_RSS_MB}"] = rss < TARGET_RSS_MB
    for text, ok in checks.items():
        print(("PASS " if ok else "MISS ") + text)
    result = {
        "benchmark": "validate",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "system": platform.platform(),
        },
        "max_rss_limit": resource.getrlimit(resource.RLIMIT_AS)[0],
        "rows": rows,
        "checks": checks,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if all(checks.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
