"""Results pages at scale: median and p95 of the consultation and PB results pages.

Run: .venv/bin/python -m bench.results_scale [N ...] [--runs 10]  (default: 10000 100000 1000000)
Each size is a generated data set (bench/datasets.py: made once, then reused): a finished
consultation and a finished PB vote with N ballots each. Pages are served by Flask's test
client (no network), anonymously, as the public reads them. Prints figures; asserts nothing.
"""

import argparse
import math
import statistics
import time

from bench.datasets import app_for, dataset


def timed(client, url: str, runs: int) -> tuple[float, float, float]:
    """Median, p95 (nearest rank) and first-request time, in ms."""
    times = []
    for _ in range(runs + 1):
        start = time.perf_counter()
        response = client.get(url)
        response.get_data()
        times.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (url, response.status_code)
    first, rest = times[0], sorted(times[1:])
    p95 = rest[math.ceil(0.95 * len(rest)) - 1]
    return statistics.median(rest), p95, first


def run(ballots: int, runs: int) -> None:
    url, ids = dataset(ballots)
    client = app_for(url).test_client()
    print(f"\n{ballots:,} ballots ({runs} timed requests per page, after one untimed)")
    print(f"  {'page':<38} {'median ms':>10} {'p95 ms':>9} {'first ms':>9}")
    pages = (
        ("consultation results", f"/procesos/{ids['consultation_id']}/resultados"),
        ("PB results (2 ballots)", f"/procesos/{ids['pb_process_id']}/presupuesto/resultados"),
    )
    for label, path in pages:
        median, p95, first = timed(client, path, runs)
        print(f"  {label:<38} {median:>10.0f} {p95:>9.0f} {first:>9.0f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=10)
    args = parser.parse_args()
    for size in args.sizes:
        run(size, args.runs)


if __name__ == "__main__":
    main()
