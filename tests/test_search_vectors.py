"""Word vectors (search.vectors): extraction from a ja-ginza-shaped wheel, and
the engine ranking with them beside BM25 when they are installed."""
import io
import struct
import zipfile

import numpy as np
import pytest

from helpcenter.search import vectors as V
from helpcenter.search.ranking import DEFAULT


def test_murmur64a_matches_the_reference_c_implementation():
    # Values printed by Austin Appleby's MurmurHash64A (C, seed 1) for the same UTF-8 bytes.
    assert V.murmur64a(b"") == 14313749767032693980
    assert V.murmur64a("認証".encode()) == 8568456450935381852
    assert V.murmur64a(b"abcdefgh") == 17751780907874141760
    assert V.murmur64a("住民票の写し".encode()) == 1547708818438001287


def fake_wheel(tmp_path, words_to_vectors: dict[str, list[float]]):
    """A wheel laid out like ja-ginza's: vocab/key2row (msgpack map hash → row) and vocab/vectors (.npy)."""
    words = list(words_to_vectors)
    table = np.array([words_to_vectors[w] for w in words], dtype=np.float32)
    packed = b"\xdf" + struct.pack(">I", len(words))
    for row, w in enumerate(words):
        packed += b"\xcf" + struct.pack(">Q", V.murmur64a(w.encode())) + (bytes([row]) if row < 128 else b"\xcd" + struct.pack(">H", row))
    buf = io.BytesIO()
    np.save(buf, table)
    wheel = tmp_path / "ja_ginza-5.3.0-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as z:
        z.writestr("ja_ginza/ja_ginza-5.3.0/vocab/key2row", packed)
        z.writestr("ja_ginza/ja_ginza-5.3.0/vocab/vectors", buf.getvalue())
    return wheel


def test_extract_keeps_every_word_and_unit_vectors(tmp_path):
    wheel = fake_wheel(tmp_path, {"住民票": [3, 4, 0], "戸籍": [3, 4, 0.5], "パスワード": [0, 0, 2], "Google": [1, 0, 0]})
    V.extract(wheel, tmp_path / "vec")
    wv = V.WordVectors.load(tmp_path / "vec")
    assert wv is not None and wv.dim == 3 and len(wv.keys) == 4
    assert np.allclose(wv.vector("住民票"), [0.6, 0.8, 0], atol=1e-3)
    assert wv.vector("google") is not None  # Latin forms are lower case in our index, capitalised in spaCy's
    assert wv.vector("天気") is None
    assert V.WordVectors.load(tmp_path / "nothing") is None


def test_msgpack_that_is_not_a_map_is_refused():
    with pytest.raises(ValueError):
        V._msgpack_uint_map(b"\x90")


def vector_generation(tmp_path, small_content, monkeypatch, entries: dict[int, tuple[str, str]],
                      near: dict[str, list[float]], use_vectors: bool = True, name: str = "gen"):
    """A generation of the small content plus `entries` (number → title, body),
    built with word vectors made of `near` (or without them)."""
    from helpcenter.content.loader import load_content
    from helpcenter.search import indexer
    from helpcenter.search.store import Generation
    from support import faq_text

    for number, (title, body) in entries.items():
        (small_content / "faq" / f"{number}.md").write_text(faq_text(number, title, body=body), encoding="utf-8")
    content, problems = load_content(small_content)
    assert content is not None, problems
    V.extract(fake_wheel(tmp_path, near), tmp_path / "vec")
    monkeypatch.setenv("HELPCENTER_VECTORS_DIR", str(tmp_path / "vec"))
    target = tmp_path / name
    target.mkdir()
    indexer.build_generation(content, target, use_vectors=use_vectors)
    return Generation(target)


def test_vectors_reorder_results_by_meaning_and_nothing_changes_without_them(tmp_path, small_content, monkeypatch):
    """An entry that shares no word with the query but whose words are near it
    is found with vectors; without the vectors folder the engine is lexical."""
    from helpcenter.search import service

    entries = {30: ("戸籍を取りたい", "窓口で申請できます。"), 31: ("パスワードを変えたい", "設定画面で変更できます。")}
    near = {"謄本": [1, 0, 0], "戸籍": [0.95, 0.05, 0], "パスワード": [0, 1, 0], "変える": [0, 0.2, 1],
            "取る": [0.1, 0.1, 0.1]}
    gens = {name: vector_generation(tmp_path, small_content, monkeypatch, entries, near, use, f"gen-{name}")
            for name, use in (("with", True), ("without", False))}
    try:
        assert gens["with"].engine.word_vectors is not None and gens["without"].engine.word_vectors is None
        with_vectors = [h.number for h in service.search(gens["with"], "謄本").hits]
        assert with_vectors[:1] == [30]
        assert 30 not in [h.number for h in service.search(gens["without"], "謄本").hits]
        off = [h.number for h in service.search(gens["with"], "謄本",
                                                ranking=DEFAULT.with_(vector_weight=0, expansion=0)).hits]
        assert 30 not in off
    finally:
        for g in gens.values():
            g.close()


def test_with_vectors_the_scores_are_the_fused_order_not_bm25(tmp_path, small_content, monkeypatch):
    """What ranks by score (the chatbot's re-ranking, an editor's "clearly
    first") must see the order the vectors made: an entry found by its
    meaning alone, first, also has the highest score (the re-ranking by
    coverage, which is lexical and puts 31 back first here, left out; with
    it the scores agree with the order too)."""
    from helpcenter.search import service

    gen = vector_generation(tmp_path, small_content, monkeypatch,
                            {30: ("戸籍を取りたい", "窓口で申請できます。"), 31: ("謄本の保管について", "謄本は保管されます。")},
                            {"謄本": [1, 0, 0], "戸籍": [0.95, 0.05, 0], "取る": [1, 0, 0.1], "保管": [0, 0, 1]})
    try:
        query = "謄本を取りたい"
        no_coverage = DEFAULT.with_(coverage=0)
        lexical = gen.engine.rank(gen.engine.parse(query), ranking=no_coverage.with_(vector_weight=0, expansion=0))
        fused = gen.engine.rank(gen.engine.parse(query), ranking=no_coverage)
        assert [n for n, _ in lexical][:1] == [31] and [n for n, _ in fused][:1] == [30]
        scores = [s for _, s in fused]
        assert scores == sorted(scores, reverse=True) and scores[0] > dict(fused)[31]
        hits = service.search(gen, query, ranking=no_coverage).hits
        assert [h.number for h in hits][:1] == [30] and hits[0].score > hits[1].score
        covered = [s for _, s in gen.engine.rank(gen.engine.parse(query))]
        assert len(covered) > 1 and covered == sorted(covered, reverse=True)
    finally:
        gen.close()


def test_soft_expansion_finds_a_near_word_but_ranks_the_members_own_word_first(tmp_path, small_content, monkeypatch):
    """Query expansion alone (no vector fusion): 謄本 also matches 戸籍, its
    nearest word in the collection, below the entry that says 謄本; a word with
    no near neighbour (cosine below expansion_cos) adds nothing."""
    from helpcenter.search import service

    entries = {n: (title, "窓口で申請できます。") for n, title in
               ((30, "戸籍を取りたい"), (31, "パスワードを変えたい"), (32, "謄本を郵送で取りたい"))}
    near = {"謄本": [1, 0, 0], "戸籍": [0.95, 0.05, 0], "パスワード": [0, 1, 0], "郵送": [0.3, 0.3, 0.9]}
    gen = vector_generation(tmp_path, small_content, monkeypatch, entries, near)
    try:
        only_expansion = DEFAULT.with_(vector_weight=0, expansion=1.0, expansion_cos=0.5)
        hits = [h.number for h in service.search(gen, "謄本", ranking=only_expansion).hits]
        assert hits[:2] == [32, 30]
        assert 31 not in hits
        assert [n for n, _ in gen.engine.neighbours("謄本", 0.5, 5)][:1] == ["戸籍"]
        assert "ぱすわーど" in gen.engine.kinds["words"].ids  # the index term (kana folded) it must not be
        assert "ぱすわーど" not in [n for n, _ in gen.engine.neighbours("謄本", 0.5, 5)]
        without = [h.number for h in service.search(gen, "謄本", ranking=only_expansion.with_(expansion=0)).hits]
        assert without == [32]
    finally:
        gen.close()
