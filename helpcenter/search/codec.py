"""How index files are written: Whoosh's W3 codec with two changes for speed.

* Postings are written in blocks of BLOCK_POSTINGS instead of Whoosh's 128.
  Our scorer (`scorer.py`) reads whole posting lists, and each block costs a
  zlib decompression and an unpickling in Python: at 10,000 entries, bigger
  blocks made the first read of common terms about 1.6× faster (bench/search,
  "query cold").
* While a segment's postings are written, Whoosh asks for the document's field
  length once per posting (through a column reader, about 4 µs each) to keep
  per-block length statistics; a segment has far fewer (document, field)
  pairs than postings, so the answers are remembered for the segment.

The codec object is pickled into the index's table of contents (Whoosh keeps
it with each segment), so this module's path and class name must stay stable,
as for the analyzers.
"""
from __future__ import annotations

from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter

BLOCK_POSTINGS = 1024


class _Lengths:
    """A per-document reader's field lengths, remembered per (document, field)."""

    def __init__(self, lengths):
        self._lengths = lengths
        self._known: dict[tuple[int, str], int] = {}

    def doc_field_length(self, docnum: int, fieldname: str, default: int = 0) -> int:
        key = (docnum, fieldname)
        value = self._known.get(key)
        if value is None:
            value = self._known[key] = self._lengths.doc_field_length(docnum, fieldname, default)
        return value


class FieldWriter(W3FieldWriter):
    def add_postings(self, schema, lengths, items):
        return super().add_postings(schema, _Lengths(lengths) if lengths else lengths, items)


class Codec(W3Codec):
    def __init__(self, blocklimit: int = BLOCK_POSTINGS, compression: int = 3, inlinelimit: int = 1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def field_writer(self, storage, segment):
        return FieldWriter(self, storage, segment)
