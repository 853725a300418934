"""The one definition of the scoring formula: idf and BM25F impacts.

An *impact* is what one term adds to one entry's score for one ranking,
before the query's own weights: for each stream of the term's kind,

    weight · idf(df) · t̃f·(k1 + 1) / (t̃f + k1),
    t̃f = Σ_fields  w_f · tf_f / (1 − b_f + b_f · len_f / avg len_f)

summed over the kind's streams. Impacts are computed for whole posting
arrays at once (numpy), at publish time for the default ranking.
"""
from __future__ import annotations

import numpy as np

from ..ranking import Ranking


def idf(df, n_docs: int):
    """Robertson–Spärck Jones idf; works on ints and numpy arrays."""
    return np.log1p((n_docs - df + 0.5) / (df + 0.5))


def impacts(kind: str, fields: tuple[str, ...], ranking: Ranking, indptr: np.ndarray, docs: np.ndarray,
            tf: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Impact of every posting of one kind (aligned with `docs`).

    `tf[p, j]` is the frequency of posting p's term in `fields[j]`,
    `lengths[d, j]` the length of that field in entry d."""
    n_docs = lengths.shape[0]
    out = np.zeros(len(docs), dtype=np.float32)
    if not len(docs):
        return out
    avg = lengths.mean(axis=0)
    avg[avg == 0] = 1.0
    counts = np.diff(indptr)
    for stream in ranking.streams.values():
        if stream.kind != kind or stream.weight == 0:
            continue
        tilde = np.zeros(len(docs), dtype=np.float64)
        for j, name in enumerate(fields):
            w = stream.fields.get(name, 0.0)
            if w == 0:
                continue
            b = stream.b.get(name, 0.75)
            norm = 1.0 - b + b * lengths[:, j] / avg[j]
            norm[norm <= 0] = 1.0
            tilde += w * tf[:, j] / norm[docs]
        present = tilde > 0
        # df of the stream: entries with the term in any of its fields.
        df = np.add.reduceat(present.astype(np.int64), indptr[:-1]) if len(indptr) > 1 else np.zeros(0)
        df[counts == 0] = 0
        term_idf = np.repeat(idf(df, n_docs), counts)
        k1 = stream.k1
        out += (stream.weight * term_idf * np.where(present, tilde * (k1 + 1) / (tilde + k1), 0.0)).astype(np.float32)
    return out
