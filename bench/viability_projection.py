"""Benchmark: project the regeneration-threshold date of many lots against plain numpy.

    python bench/viability_projection.py [LOTS]      (default 1,000,000)

Each lot has its own species constants (KE, CW, CH, CQ), moisture content, storage temperature,
initial viability and date of its last test; its threshold is 85 % of its initial viability (the
FAO standard's regeneration threshold). genebank's projection (viability.equation.project) is timed
against the same formula written inline with numpy and scipy's ndtri in the same run. Bar: at most
1.5x. Best of five runs each; both results are compared so the two compute the same thing.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
REPEAT = 5
BAR = 1.5


def best(run) -> tuple[float, object]:
    times, result = [], None
    for _ in range(REPEAT):
        start = time.perf_counter()
        result = run()
        times.append(time.perf_counter() - start)
    return min(times), result


def lots(count: int):
    import numpy as np

    rng = np.random.default_rng(1)
    # Constants spread around those of the reference table (KE 5-10, CW 1.5-6, CH, CQ near the
    # universal 0.0329 and 0.000478), conditions of base and active collections.
    return {
        "ke": rng.uniform(5.0, 10.0, count),
        "cw": rng.uniform(1.5, 6.0, count),
        "ch": rng.uniform(0.02, 0.045, count),
        "cq": rng.uniform(0.0003, 0.0006, count),
        "moisture": rng.uniform(3.0, 8.0, count),
        "temperature": rng.choice([-18.0, -18.0, -18.0, 4.0, 20.0], count),
        "initial": rng.uniform(70.0, 100.0, count),
        "tested": np.datetime64("2020-01-01")
        + rng.integers(0, 2000, count).astype("timedelta64[D]"),
    }


def main() -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "genebank.settings")
    import django

    django.setup()
    import numpy as np
    from scipy.special import ndtri

    from genebank.viability.equation import project

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    data = lots(count)

    def plain():
        t = data["temperature"]
        sigma = 10.0 ** (
            data["ke"]
            - data["cw"] * np.log10(data["moisture"])
            - data["ch"] * t
            - data["cq"] * t * t
        )
        initial = data["initial"] / 100.0
        days = (ndtri(initial) - ndtri(initial * 0.85)) * sigma
        return data["tested"] + np.minimum(days, 1e6).astype("timedelta64[D]")

    def genebank():
        days = project(
            data["ke"],
            data["cw"],
            data["ch"],
            data["cq"],
            data["moisture"],
            data["temperature"],
            data["initial"],
            data["initial"] * 0.85,
        )
        return data["tested"] + np.minimum(days, 1e6).astype("timedelta64[D]")

    baseline, expected = best(plain)
    ours, got = best(genebank)
    same = bool(np.array_equal(expected, got))
    ratio = ours / baseline
    print(f"lots: {count:,}")
    print(f"plain numpy (same formula, inline): {baseline * 1000:8.1f} ms")
    print(f"genebank viability.equation.project: {ours * 1000:8.1f} ms")
    print(f"ratio: {ratio:.2f}x (bar {BAR}x) {'ok' if ratio <= BAR else 'OVER THE BAR'}")
    print(f"same threshold dates: {same}")
    return 0 if same and ratio <= BAR else 1


if __name__ == "__main__":
    sys.exit(main())
