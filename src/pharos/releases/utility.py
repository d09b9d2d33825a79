"""The utility report of a DP release: how the released combinations compare with the true ones.

The metric set of PRIVACY_RELEASE.md §5, per combination length and by true-count bucket:
preserved and suppressed reportable combinations (true count >= 10), fabricated combinations
(released, absent from the data), mean relative error on reportable combinations (an
unreleased one counts as 1) and mean absolute error over all true combinations. It compares
with the sensitive data, so it stays inside the system (reviewers read it; it is not published).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pharos.releases.dp import Combo

REPORTABLE = 10
BUCKETS = ((1, 9), (10, 99), (100, 999), (1000, None))


def _bucket(n: int) -> str:
    for low, high in BUCKETS:
        if n >= low and (high is None or n <= high):
            return f"{low}-{high}" if high is not None else f"{low}+"
    return "0"


def utility_report(
    truth: Mapping[Combo, int], released: Mapping[Combo, int], *, max_length: int = 3
) -> dict[str, Any]:
    """Per length: counts, shares and errors; per length and bucket: the same on true combinations."""
    lengths: dict[str, Any] = {}
    for length in range(1, max_length + 1):
        true_k = {c: n for c, n in truth.items() if len(c) == length and n > 0}
        out_k = {c: n for c, n in released.items() if len(c) == length}
        reportable = [c for c, n in true_k.items() if n >= REPORTABLE]
        preserved = [c for c in reportable if c in out_k]
        fabricated = [c for c in out_k if c not in true_k]
        rel = [abs(out_k.get(c, 0) - true_k[c]) / true_k[c] if c in out_k else 1.0 for c in reportable]
        abs_err = [abs(out_k.get(c, 0) - n) for c, n in true_k.items()]
        buckets: dict[str, dict[str, Any]] = {}
        for combo, n in true_k.items():
            b = buckets.setdefault(
                _bucket(n), {"true": 0, "released": 0, "abs_error_sum": 0.0, "rel_error_sum": 0.0}
            )
            b["true"] += 1
            b["released"] += combo in out_k
            b["abs_error_sum"] += abs(out_k.get(combo, 0) - n)
            b["rel_error_sum"] += abs(out_k.get(combo, 0) - n) / n if combo in out_k else 1.0
        for b in buckets.values():
            b["mean_abs_error"] = round(b.pop("abs_error_sum") / b["true"], 3)
            b["mean_rel_error"] = round(b.pop("rel_error_sum") / b["true"], 3)
        released_mass = sum(out_k.values())
        lengths[str(length)] = {
            "true_combinations": len(true_k),
            "released_combinations": len(out_k),
            "reportable": len(reportable),
            "preserved": len(preserved),
            "suppressed": len(reportable) - len(preserved),
            "suppressed_small": sum(1 for c, n in true_k.items() if n < REPORTABLE and c not in out_k),
            "fabricated": len(fabricated),
            "preserved_share": _share(len(preserved), len(reportable)),
            "fabricated_share": _share(len(fabricated), len(out_k)),
            "fabricated_mass_share": _share(sum(out_k[c] for c in fabricated), released_mass),
            "mean_relative_error_reportable": round(sum(rel) / len(rel), 4) if rel else None,
            "mean_absolute_error": round(sum(abs_err) / len(abs_err), 3) if abs_err else None,
            "by_bucket": dict(sorted(buckets.items())),
        }
    return {"reportable_threshold": REPORTABLE, "lengths": lengths}


def _share(part: int | float, whole: int | float) -> float | None:
    return round(part / whole, 4) if whole else None
