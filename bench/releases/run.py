"""DP release utility: Pharos's OpenDP release against Microsoft's pac-synth, in the same run.

    .venv/bin/python bench/releases/run.py [--records 50000] [--seed 20261128] [--epsilons 1 4 12] [--runs 1] [--synthesis]

On the generator's data (``pharos generate``, CTDC layout and the victim's status), both engines release all present-value
combinations of length 1-3 at the same epsilon and delta (1 / (n ln n)). For every length it prints,
per engine: the share of reportable combinations (true count >= 10) preserved, their mean relative
error (unreleased = 1), the share of released combinations that are fabricated, and the time.
Ratios are Pharos / pac-synth (preserved: higher is better; error and fabricated: lower is better).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from pharos.releases import ctdc, dp, utility  # noqa: E402
from pharos.standards.generator import GeneratorConfig, generate  # noqa: E402

Combo = tuple[tuple[str, str], ...]


def load(records: int, seed: int) -> list[dict[str, str]]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "cases.csv"
        generate(GeneratorConfig(cases=records, seed=seed), out, Path(folder) / "truth.csv", workers=2)
        return list(ctdc.rows_from_htcds_csv(out))


def run_pacsynth(
    rows: list[dict[str, str]], columns: tuple[str, ...], epsilon: float, delta: float
) -> dict[Combo, int]:
    import pacsynth

    raw = [list(columns)] + [[r[c] for c in columns] for r in rows]
    dataset = pacsynth.Dataset(raw, use_columns=list(columns))
    params = (
        pacsynth.DpAggregateSeededParametersBuilder()
        .reporting_length(3)
        .epsilon(epsilon)
        .delta(delta)
        .build()
    )
    synth = pacsynth.DpAggregateSeededSynthesizer(params)
    synth.fit(dataset)
    order = {c: i for i, c in enumerate(columns)}
    out: dict[Combo, int] = {}
    for key, count in synth.get_dp_aggregates(";").items():
        parts = [p.split(":", 1) for p in key.split(";") if p]
        combo = tuple(sorted(((a, v) for a, v in parts), key=lambda a: order[a[0]]))
        if combo:
            out[combo] = int(count)
    return out


def summary(report: dict[str, Any]) -> dict[str, Any]:
    return {
        k: {
            "preserved": v["preserved_share"],
            "mre": v["mean_relative_error_reportable"],
            "fabricated": v["fabricated_share"],
            "released": v["released_combinations"],
        }
        for k, v in report["lengths"].items()
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=20261128)
    parser.add_argument("--epsilons", type=float, nargs="+", default=[1.0, 4.0, 12.0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument(
        "--synthesis", action="store_true", help="Also draw Pharos's synthetic records and score them."
    )
    args = parser.parse_args()

    rows = load(args.records, args.seed)
    columns = ctdc.DP_COLUMNS
    years = sorted({int(r["yearOfRegistration"]) for r in rows})
    # The public codebook: ISO countries (alpha-2, as the generator writes them) and a fixed year range.
    domains = ctdc.codebook(2000, 2026, alpha3=False)
    assert years[0] >= 2000
    assert years[-1] <= 2026
    truth = dp.true_counts(rows, columns, 3)
    delta = dp.default_delta(len(rows))
    print(f"{len(rows):,} registered victims, {len(columns)} columns, delta {delta:.3g}")
    results: list[dict[str, Any]] = []
    for epsilon in args.epsilons:
        for run in range(args.runs):
            t0 = time.perf_counter()
            ours = dp.measure_combinations(
                rows, columns, domains, dp.DpParameters(epsilon=epsilon, delta=delta, seed=run)
            )
            t_ours = time.perf_counter() - t0
            t0 = time.perf_counter()
            theirs = run_pacsynth(rows, columns, epsilon, delta)
            t_theirs = time.perf_counter() - t0
            a = summary(utility.utility_report(truth, ours.counts))
            b = summary(utility.utility_report(truth, theirs))
            if args.synthesis:
                from pharos.releases import synthesis

                t0 = time.perf_counter()
                records = synthesis.synthesize(ours, seed=run)
                t_synth = time.perf_counter() - t0
                found = dp.true_counts(records, columns, 3)
                absent = sum(1 for combo in found if combo not in ours.counts)
                scored = summary(utility.utility_report(truth, found))
                print(
                    f"synthetic: {len(records):,} records in {t_synth:.0f} s, {absent} absent combinations, {scored}"
                )
            results.append(
                {"epsilon": epsilon, "run": run, "pharos": a, "pacsynth": b, "seconds": [t_ours, t_theirs]}
            )
            print(f"\nepsilon {epsilon:g} run {run}: Pharos {t_ours:.1f} s, pac-synth {t_theirs:.1f} s")
            print("len | preserved P / S (ratio) | MRE>=10 P / S (ratio) | fabricated P / S")
            for k in ("1", "2", "3"):
                p, s = a[k], b[k]
                ratio_p = p["preserved"] / s["preserved"] if s["preserved"] else float("nan")
                ratio_e = p["mre"] / s["mre"] if s["mre"] else float("nan")
                print(
                    f"{k}   | {p['preserved']:.1%} / {s['preserved']:.1%} ({ratio_p:.2f}) | "
                    f"{p['mre']:.3f} / {s['mre']:.3f} ({ratio_e:.2f}) | {p['fabricated']:.1%} / {s['fabricated']:.1%}"
                )
            sys.stdout.flush()
    if args.json:
        args.json.write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
