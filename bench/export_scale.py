"""Exports at scale: time and peak memory (max RSS) of each download at N ballots.

Run: .venv/bin/python -m bench.export_scale [N] (default: 1000000)
Uses the generated data set (bench/datasets.py). Each export runs in a child process of its
own that builds the app, downloads the file through Flask's test client while reading the
streamed body in pieces (counting bytes, keeping none), and exits; its peak resident memory
is read from the operating system (wait4), next to a child that builds the app and
downloads nothing. Prints figures; asserts nothing.
"""

import argparse
import json
import os
import subprocess
import sys
import time

from bench.datasets import app_for, dataset


def child(url: str, path: str) -> None:
    """Download `path` (nothing when empty) and print seconds and bytes as JSON."""
    client = app_for(url).test_client()
    started, size, status = time.perf_counter(), 0, None
    if path:
        response = client.get(path, buffered=False)
        status = response.status_code
        for piece in response.response:
            size += len(piece)
        response.close()
    print(json.dumps({"seconds": time.perf_counter() - started, "bytes": size, "status": status}))


def measure(url: str, path: str) -> tuple[dict, float]:
    """Run one child; return what it printed and its peak RSS in MB."""
    command = [sys.executable, "-m", "bench.export_scale", "--child", url, path]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
    out = process.stdout.read()
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        raise RuntimeError(f"export child failed on {path}")
    return json.loads(out), usage.ru_maxrss / 1024  # KB on Linux


def exports(ids: dict, app) -> list[tuple[str, str]]:
    cid, pid = ids["consultation_id"], ids["pb_process_id"]
    found = [
        ("aggregate CSV", f"/procesos/{cid}/resultados.csv"),
        ("anonymous answers CSV", f"/procesos/{cid}/respuestas.csv"),
    ]
    # An XLSX download of the consultation, once the app has one.
    found += [
        ("consultation XLSX", rule.rule.replace("<int:process_id>", str(cid)))
        for rule in app.url_map.iter_rules()
        if rule.rule.endswith(".xlsx") and rule.arguments == {"process_id"}
    ]
    found += [
        (f"Pabulib, ballot {bid}", f"/procesos/{pid}/presupuesto/boletas/{bid}.pb")
        for bid in ids["ballot_ids"]
    ]
    return found


def run(ballots: int) -> None:
    url, ids = dataset(ballots)
    idle, idle_rss = measure(url, "")
    print(
        f"\n{ballots:,} ballots; a child that builds the app and downloads nothing: "
        f"{idle_rss:.0f} MB max RSS"
    )
    print(f"  {'export':<28} {'seconds':>8} {'MB out':>8} {'max RSS MB':>11} {'over idle':>10}")
    for label, path in exports(ids, app_for(url)):
        found, rss = measure(url, path)
        if found["status"] != 200:
            print(f"  {label:<28} status {found['status']}")
            continue
        print(
            f"  {label:<28} {found['seconds']:>8.1f} {found['bytes'] / 1e6:>8.1f} "
            f"{rss:>11.0f} {rss - idle_rss:>10.0f}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[1_000_000])
    parser.add_argument("--child", nargs=2, metavar=("URL", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    for size in args.sizes:
        run(size)


if __name__ == "__main__":
    main()
