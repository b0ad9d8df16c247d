"""Run every bench in order and end with a summary: what `make bench` (and bench-quick) run.

Run: .venv/bin/python -m bench.run_all [--quick]
Each bench's output is shown as it comes and kept in bench/out/ (not tracked); the summary
repeats the lines that carry the headline figures. Prints figures; asserts nothing.
"""

import argparse
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench" / "out"
FULL = (
    ("throughput", ["-m", "bench.throughput"]),
    ("results at scale", ["-m", "bench.results_scale", "10000", "100000", "1000000"]),
    ("exports at 1M", ["-m", "bench.export_scale", "1000000"]),
    ("PB counting", ["bench/pb_counting.py"]),
)
QUICK = (
    (
        "throughput",
        ["-m", "bench.throughput", "--seconds", "5", "--base", "2000"],
    ),
    ("results at scale", ["-m", "bench.results_scale", "2000", "10000", "--runs", "5"]),
    ("exports", ["-m", "bench.export_scale", "10000"]),
    ("PB counting", ["bench/pb_counting.py", "--skip-pabutools"]),
)
HEADLINES = (
    "ballot POST / baseline",
    "req/s",
    "participa ",
    "baseline ",
    "generated",
    "ballots",
    "results",
)
HEADLINES += ("CSV", "Pabulib", "XLSX", "greedy", "Equal Shares")


def machine() -> str:
    """The machine's description, with its load: other work sharing it shows here."""
    cpuinfo = Path("/proc/cpuinfo")
    models = [line for line in cpuinfo.read_text().splitlines() if line.startswith("model name")]
    cpu = models[0].split(":", 1)[1].strip() if models else platform.processor()
    load = " ".join(Path("/proc/loadavg").read_text().split()[:3])
    return (
        f"{platform.system()} {platform.release()}, {cpu}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {load}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="small sizes, a few minutes")
    args = parser.parse_args()
    OUT.mkdir(exist_ok=True)
    print(f"machine: {machine()}")
    summary = []
    for name, command in QUICK if args.quick else FULL:
        print(f"\n=== {name} ===", flush=True)
        started = time.perf_counter()
        process = subprocess.Popen(
            [sys.executable, *command], cwd=ROOT, stdout=subprocess.PIPE, text=True
        )
        lines = []
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line.rstrip())
        process.wait()
        (OUT / f"{name.replace(' ', '-')}.txt").write_text("\n".join(lines) + "\n")
        status = "ok" if process.returncode == 0 else f"FAILED (exit {process.returncode})"
        summary.append(f"--- {name}: {status}, {time.perf_counter() - started:.0f} s")
        summary += [line for line in lines if any(word in line for word in HEADLINES)]
    print(f"\n=== summary ({machine()}) ===")
    print("\n".join(summary))


if __name__ == "__main__":
    main()
