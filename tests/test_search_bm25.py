"""The one BM25F definition (search.engine.bm25): the impacts written at
publish time equal the textbook formula computed entry by entry."""
import math

import numpy as np
import pytest

from helpcenter.search import fields as F
from helpcenter.search.engine import bm25
from helpcenter.search.ranking import DEFAULT, Stream


def textbook(stream: Stream, fields, tf_row, lengths_row, avg, df, n):
    tilde = sum(stream.fields.get(f, 0) * tf_row[j] / (1 - stream.b.get(f, 0.75) + stream.b.get(f, 0.75)
                                                     * lengths_row[j] / avg[j]) for j, f in enumerate(fields))
    idf = math.log(1 + (n - df + 0.5) / (df + 0.5))
    return stream.weight * idf * tilde * (stream.k1 + 1) / (tilde + stream.k1) if tilde > 0 else 0.0


def test_idf_is_robertson_sparck_jones_and_never_negative():
    assert bm25.idf(0, 10) == pytest.approx(math.log(1 + 10.5 / 0.5))
    assert bm25.idf(10, 10) > 0
    assert bm25.idf(np.array([1, 5]), 10)[0] > bm25.idf(np.array([1, 5]), 10)[1]


@pytest.mark.parametrize("kind", [F.WORDS, F.GRAMS, F.READING_KIND])
def test_impacts_equal_the_formula_entry_by_entry(kind):
    rng = np.random.default_rng(7)
    fields = F.KIND_FIELDS[kind]
    n, terms = 12, 5
    lengths = rng.integers(1, 40, size=(n, len(fields))).astype(np.float32)
    indptr, docs, tf = [0], [], []
    for t in range(terms):
        ids = np.sort(rng.choice(n, size=rng.integers(1, n), replace=False))
        rows = rng.integers(0, 4, size=(len(ids), len(fields))).astype(np.float32)
        rows[rows.sum(axis=1) == 0, 0] = 1  # a posting has the term somewhere
        docs.extend(ids)
        tf.extend(rows)
        indptr.append(len(docs))
    indptr, docs, tf = np.array(indptr), np.array(docs, dtype=np.int32), np.array(tf)
    got = bm25.impacts(kind, fields, DEFAULT, indptr, docs, tf, lengths)
    avg = lengths.mean(axis=0)
    for t in range(terms):
        lo, hi = indptr[t], indptr[t + 1]
        for p in range(lo, hi):
            want = 0.0
            for s in DEFAULT.streams.values():
                if s.kind != kind:
                    continue
                df = sum(1 for q in range(lo, hi) if any(s.fields.get(f, 0) * tf[q, j] > 0
                                                           for j, f in enumerate(fields)))
                want += textbook(s, fields, tf[p], lengths[docs[p]], avg, df, n)
            assert got[p] == pytest.approx(want, rel=1e-5)


def test_a_ranking_other_than_the_default_recomputes_impacts(gen):
    words = gen.engine.kinds[F.WORDS]
    stored = words.impacts_for(DEFAULT)
    heavier = DEFAULT.with_(streams={n: {"weight": 2 * s.weight} for n, s in DEFAULT.streams.items()
                                     if s.kind == F.WORDS})
    assert np.allclose(words.impacts_for(heavier), 2 * np.asarray(stored), rtol=1e-5)
    assert np.allclose(bm25.impacts(F.WORDS, words.fields, DEFAULT, words.indptr, words.docs, words.tf,
                                    words.lengths), stored)


@pytest.mark.parametrize("query", ["2段階認証 コード 届かない", "にだんかいにんしょう", "スマホ 機種変更 認証アプリ",
                                   "パスワードを忘れました", "authenticator"])
def test_dense_rows_of_frequent_terms_give_the_same_scores_as_their_postings(gen, query):
    """Terms in at least 1/DENSE_SHARE of the entries are added as dense rows
    (a vector add instead of a scatter): the scores are the same, bit for bit."""
    from helpcenter.search.engine import arrays

    engine = gen.engine
    parsed = engine.parse(query)
    with_rows = engine.scores(parsed)
    dense_terms = {kind: len(k.dense_terms) for kind, k in engine.kinds.items()}
    assert dense_terms[F.WORDS] > 0 and dense_terms[F.GRAMS] > 0
    for kind in engine.kinds.values():
        n = kind.lengths.shape[0]
        counts = np.diff(kind.indptr)
        assert sorted(kind.ids[t] for t in kind.dense_terms) == \
            [int(t) for t in np.flatnonzero(counts * arrays.DENSE_SHARE >= n)]
        # The table the lookups read emptied: postings only (emptying another
        # table, which this one was built from, left the rows in use).
        kind.__dict__["dense_terms"] = {}
    sparse = engine.scores(parsed)
    assert with_rows.dtype == sparse.dtype == np.float32
    assert np.array_equal(with_rows, sparse) and with_rows.any()


def test_the_mean_where_every_part_matches_equals_its_numpy_definition():
    """scoring.mean_where_all (a synonym of several words: their mean where
    all of them are) gives np.where's floats bit for bit, leaving its inputs."""
    import numpy as np

    from helpcenter.search.engine.scoring import mean_where_all

    rng = np.random.default_rng(7)
    for _ in range(500):
        n = int(rng.integers(1, 200))
        vecs = [np.where(rng.random(n) < 0.6, rng.random(n) * rng.choice([1e-3, 1.0, 1e3]), 0).astype(np.float32)
                for _ in range(int(rng.integers(2, 6)))]
        before = [v.copy() for v in vecs]
        want = np.where(np.logical_and.reduce([v > 0 for v in vecs]), sum(vecs) / len(vecs), 0).astype(np.float32)
        got = mean_where_all(vecs)
        assert got.dtype == np.float32 and got.tobytes() == want.tobytes()
        assert all(a.tobytes() == b.tobytes() for a, b in zip(vecs, before))
