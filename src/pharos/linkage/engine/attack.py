"""The frequency attack on Bloom-filter encodings, to measure what hardening buys.

The adversary (say, the linkage unit, or anyone who obtains an encoded file) has no secret
but a list of names with their frequencies in the population. Equal values give equal
filters, so it groups identical encodings, ranks the groups by size and the names by
frequency, and guesses that the i-th largest group is the i-th most frequent name
(Kuzu et al. 2011; Christen et al. 2017). We count a guess as a re-identification when
it is right, and report the share of encoded values re-identified.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np


def frequency_attack(encodings: np.ndarray, truth: Sequence[str | None], name_list: Counter[str]) -> float:
    """Share of non-empty values in ``truth`` that the attack re-identifies from ``encodings``.

    ``encodings``: one row of packed words per record (all-zero rows are empty values).
    """
    present = np.flatnonzero(encodings.any(axis=1))
    if len(present) == 0:
        return 0.0
    rows = np.ascontiguousarray(encodings[present]).view(np.dtype((np.void, encodings.shape[1] * 8))).ravel()
    _, group, sizes = np.unique(rows, return_inverse=True, return_counts=True)
    order = np.argsort(-sizes, kind="stable")
    ranked_names = [name for name, _count in name_list.most_common()]
    guess_of_group: dict[int, str] = {
        int(g): ranked_names[i] for i, g in enumerate(order[: len(ranked_names)])
    }
    hits = sum(
        1 for i, g in zip(present.tolist(), group.tolist(), strict=True) if guess_of_group.get(g) == truth[i]
    )
    return hits / len(present)
