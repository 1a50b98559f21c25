"""Import benchmarks: `graphkit import` against a baseline on the same data, in the same run.

Two steps, each run through the real command in a fresh process, so that the
time and the peak RSS are what a user gets:

* ``csv``: a CSV import of ``--rows`` rows (default 1,000,000: entities,
  relationships and one source, about 47 MB) into a new store, against
  ``graphkit load`` of the same data as N-Triples (written by ``graphkit
  export -F nt`` from the imported store) into a new store, and against the
  engine's floor: pyoxigraph's own ``Store.bulk_load`` of that N-Triples
  file into a new store, with nothing else (no checks, no graphkit).
* ``ftm``: an import of ``--entities`` generated FollowTheMoney entities
  (default 100,000: companies, people and public bodies, and their
  ownerships, memberships and employments, each sourced) against ``graphkit
  import`` of the same data as CSV. Both must give the same number of triples.

    python benchmarks/import_bench.py                       # both steps, results/import.json
    python benchmarks/import_bench.py --steps ftm --entities 10000 --no-json

The ratio is graphkit's time divided by the baseline's; peak RSS is read
from the kernel (``wait4``) for the whole command.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE / "data"
RESULTS = HERE / "results" / "import.json"
RELATIONS = ("partnerOf", "metWith", "supports", "relationshipWith")
TYPES = ("Company", "GovernmentAgency", "Person", "Organisation")
FTM_THINGS = (("Company", "Company"), ("PublicBody", "GovernmentAgency"), ("Person", "Person"))
FTM_LINKS = (
    ("Ownership", "owner", "asset", "owns"),
    ("Membership", "member", "organization", "memberOf"),
    ("Employment", "employee", "employer", "employedBy"),
)


#: CPU seconds (user + system) of the last command run: steadier than wall time on a shared machine.
CPU: list[float] = [0.0]


def run(args: list[str], cwd: Path) -> tuple[float, float, str]:
    """Run a command; its wall time (s), peak RSS (MB) and output. Fails loudly on errors.

    Its CPU time is left in ``CPU[0]``.
    """
    start = time.perf_counter()
    proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    output = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    CPU[0] = usage.ru_utime + usage.ru_stime
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{output[-3000:]}")
    return elapsed, usage.ru_maxrss / 1024, output


BARE_BULK_LOAD = """
import sys, pyoxigraph as ox
store = ox.Store(sys.argv[2])
store.bulk_load(path=sys.argv[1], format=ox.RdfFormat.N_TRIPLES)
store.flush()
print("Loaded", len(store))
"""


def graphkit_cmd(*args: str) -> list[str]:
    """The installed command (set PYTHONPATH to time a work tree)."""
    return ["graphkit", *args]


# -- data ------------------------------------------------------------------------


def csv_rows(folder: Path, rows: int, seed: int = 1) -> Path:
    """entities.csv, relationships.csv and sources.csv with ``rows`` data rows in all."""
    folder.mkdir(parents=True, exist_ok=True)
    if (folder / "relationships.csv").exists():
        return folder
    rng = random.Random(seed)
    entities = rows * 3 // 10
    with (folder / "sources.csv").open("w", encoding="utf-8") as fh:
        fh.write("id,title,publisher,url,published\n")
        fh.write("s1,Generated report,Benchmark Press,https://example.org/report,2024-05\n")
    with (folder / "entities.csv").open("w", encoding="utf-8") as fh:
        fh.write("id,label,type\n")
        for i in range(entities):
            fh.write(f"e{i:07d},Entity number {i},{TYPES[i % len(TYPES)]}\n")
    with (folder / "relationships.csv").open("w", encoding="utf-8") as fh:
        fh.write("id,subject,relation,object,source,date\n")
        for i in range(rows - entities - 1):
            a, b = rng.randrange(entities), rng.randrange(entities)
            fh.write(f"r{i:07d},e{a:07d},{RELATIONS[i % 4]},e{b:07d},s1,20{10 + i % 15}-{1 + i % 12:02d}\n")
    return folder


def ftm_and_csv(folder: Path, count: int, seed: int = 1) -> tuple[Path, Path]:
    """``count`` FtM entities and the same data as CSV files."""
    from graphkit.importer.ftm_mapping import source_id

    ftm, csv_dir = folder / "generated.ftm.jsonl", folder / "csv"
    if ftm.exists() and (csv_dir / "relationships.csv").exists():
        return ftm, csv_dir
    csv_dir.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    things = count * 3 // 10
    urls = [f"https://example.org/register/{n}" for n in range(100)]
    with (csv_dir / "sources.csv").open("w", encoding="utf-8") as fh:
        fh.write("id,title,publisher,url,published,approximate\n")
        for url in urls:
            fh.write(
                f"{source_id(url, 'Benchmark Register')},{url},Benchmark Register,{url},2024-06-01,true\n"
            )
    with (
        ftm.open("w", encoding="utf-8") as out,
        (csv_dir / "entities.csv").open("w", encoding="utf-8") as ent,
    ):
        ent.write("id,label,type\n")
        for i in range(things):
            schema, cls = FTM_THINGS[i % 3]
            out.write(
                json.dumps({"id": f"t{i:07d}", "schema": schema, "properties": {"name": [f"Thing {i}"]}})
                + "\n"
            )
            ent.write(f"t{i:07d},Thing {i},{cls}\n")
        with (csv_dir / "relationships.csv").open("w", encoding="utf-8") as rel:
            rel.write("id,subject,relation,object,source,start\n")
            for i in range(count - things):
                schema, subject, object_, relation = FTM_LINKS[i % 3]
                a, b = f"t{rng.randrange(things):07d}", f"t{rng.randrange(things):07d}"
                url = urls[i % len(urls)]
                start = f"20{10 + i % 15}-{1 + i % 12:02d}"
                props = {
                    subject: [a],
                    object_: [b],
                    "startDate": [start],
                    "sourceUrl": [url],
                    "publisher": ["Benchmark Register"],
                    "retrievedAt": ["2024-06-01"],
                }
                out.write(json.dumps({"id": f"i{i:07d}", "schema": schema, "properties": props}) + "\n")
                rel.write(f"i{i:07d},{a},{relation},{b},{source_id(url, 'Benchmark Register')},{start}\n")
    return ftm, csv_dir


# -- steps ------------------------------------------------------------------------


def triples_of(output: str) -> int:
    """The triple count from an import's or load's summary line."""
    for line in output.splitlines():
        if line.startswith("Triples:"):
            return int(line.split("->")[1].split()[0])
        if line.startswith("Loaded "):
            return int(line.split()[1])
    raise SystemExit(f"no count in:\n{output[-2000:]}")


def step_csv(rows: int, scratch: Path, data: Path = DATA) -> dict:
    folder = csv_rows(data / f"import-csv-{rows}", rows)
    size = sum(p.stat().st_size for p in folder.glob("*.csv"))
    took, rss, out = run(graphkit_cmd("import", str(folder), "--store", str(scratch / "csv-store")), scratch)
    cpu = CPU[0]
    count = triples_of(out)
    nt = data / f"import-csv-{rows}.nt"
    if not nt.exists():
        run(graphkit_cmd("export", "-F", "nt", "-o", str(nt), "--store", str(scratch / "csv-store")), scratch)
    base_took, base_rss, base_out = run(
        graphkit_cmd("load", str(nt), "--store", str(scratch / "nt-store")), scratch
    )
    base_cpu = CPU[0]
    bare_took, bare_rss, bare_out = run(
        [sys.executable, "-c", BARE_BULK_LOAD, str(nt), str(scratch / "bare-store")], scratch
    )
    bare_cpu = CPU[0]
    if triples_of(bare_out) != count:
        raise SystemExit(f"the bare bulk load gave {triples_of(bare_out)} triples, the import {count}")
    return {
        "step": "csv_import",
        "rows": rows,
        "csv_mb": round(size / 1e6, 1),
        "triples": count,
        "baseline": "graphkit load (same data as N-Triples)",
        "baseline_triples": triples_of(base_out),
        "graphkit_s": round(took, 2),
        "baseline_s": round(base_took, 2),
        "ratio": round(took / base_took, 2),
        "rss_mb": round(rss),
        "baseline_rss_mb": round(base_rss),
        "floor": "pyoxigraph Store.bulk_load of the N-Triples, nothing else",
        "floor_s": round(bare_took, 2),
        "ratio_to_floor": round(took / bare_took, 2),
        "floor_rss_mb": round(bare_rss),
        "cpu_s": round(cpu, 1),
        "baseline_cpu_s": round(base_cpu, 1),
        "floor_cpu_s": round(bare_cpu, 1),
        "targets": "RSS < 1024 MB; time <= graphkit load (ratio <= 1), near the floor",
    }


def step_ftm(count: int, scratch: Path, data: Path = DATA) -> dict:
    ftm, csv_dir = ftm_and_csv(data / f"import-ftm-{count}", count)
    took, rss, out = run(graphkit_cmd("import", str(ftm), "--store", str(scratch / "ftm-store")), scratch)
    base_took, base_rss, base_out = run(
        graphkit_cmd("import", str(csv_dir), "--store", str(scratch / "csv2")), scratch
    )
    triples, base_triples = triples_of(out), triples_of(base_out)
    if triples != base_triples:
        raise SystemExit(f"not the same data: FtM gave {triples} triples, CSV {base_triples}")
    return {
        "step": "ftm_import",
        "entities": count,
        "ftm_mb": round(ftm.stat().st_size / 1e6, 1),
        "triples": triples,
        "baseline": "graphkit import of the same data as CSV",
        "graphkit_s": round(took, 2),
        "baseline_s": round(base_took, 2),
        "ratio": round(took / base_took, 2),
        "rss_mb": round(rss),
        "baseline_rss_mb": round(base_rss),
        "targets": "RSS < 1024 MB",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--steps", default="csv,ftm", help="csv, ftm or both (comma-separated)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="CSV rows for the csv step")
    parser.add_argument("--entities", type=int, default=100_000, help="FtM entities for the ftm step")
    parser.add_argument("--json", type=Path, default=RESULTS, help="where the results go")
    parser.add_argument("--data", type=Path, default=DATA, help="where generated input is cached")
    parser.add_argument("--no-json", action="store_true", help="write no results file")
    args = parser.parse_args(argv)
    results = []
    started = time.strftime("%Y-%m-%dT%H:%M:%S")
    scratch = Path(tempfile.mkdtemp(prefix="import-bench-"))
    try:
        for step in args.steps.split(","):
            if step == "csv":
                row = step_csv(args.rows, scratch, args.data)
            else:
                row = step_ftm(args.entities, scratch, args.data)
            print(json.dumps(row), flush=True)
            results.append(row)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    if not args.no_json:
        report = {
            "started": started,
            "machine": {
                "python": platform.python_version(),
                "cpus": os.cpu_count(),
                "loadavg": os.getloadavg(),
            },
            "rows": results,
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
