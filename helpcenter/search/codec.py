"""How index files are written: Whoosh's W3 codec with two changes for speed.

* Postings are written in blocks of BLOCK_POSTINGS instead of Whoosh's 128.
  Our scorer (`scorer.py`) reads whole posting lists, and each block costs a
  zlib decompression and an unpickling in Python: at 10,000 entries, bigger
  blocks made the first read of common terms about 1.6× faster (bench/search,
  "query cold").
* While a segment's postings are written, Whoosh asks for the document's field
  length once per posting (through a column reader, about 4 µs each) to keep
  per-block length statistics; a segment has far fewer (document, field)
  pairs than postings, so the answers are remembered for the segment. And the
  per-posting method calls and type assertions of Whoosh's postings writer
  are inlined into one loop (FieldWriter.add_postings).

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
        """Whoosh's loop (codec.base.FieldWriter.add_postings) with the
        per-posting calls inlined: W3PostingsWriter.add_posting's four type
        assertions and two method calls cost more than the append they guard,
        two million times per 10,000 entries. The pool hands postings sorted
        (field, term, document), as Whoosh's own loop assumes; the block and
        term statistics are kept exactly as add_posting keeps them
        (tests/test_index.py compares every posting list and term statistic
        with Whoosh's own writer)."""
        dfl = _Lengths(lengths).doc_field_length if lengths else (lambda docnum, fieldname: 0)
        lastfn = lasttext = None
        pw = None
        for fieldname, btext, docnum, weight, value in items:
            if fieldname != lastfn:
                if lasttext is not None:
                    self.finish_term()
                if lastfn is not None:
                    self.finish_field()
                self.start_field(fieldname, schema[fieldname])
                lastfn, lasttext = fieldname, None
            if docnum == -1:  # a spelling-graph entry (Whoosh's hack; our fields have none)
                continue
            if btext != lasttext:
                if lasttext is not None:
                    self.finish_term()
                self.start_term(btext)
                lasttext = btext
                pw = self._postwriter
            length = dfl(docnum, fieldname)
            if len(pw._ids) >= pw._blocklimit:
                pw._write_block()
            pw._ids.append(docnum)
            pw._weights.append(weight)
            if weight > pw._maxweight:
                pw._maxweight = weight
            if value:
                pw._values.append(value)
            if length:
                if pw._minlength is None or length < pw._minlength:
                    pw._minlength = length
                if length > pw._maxlength:
                    pw._maxlength = length
        if lasttext is not None:
            self.finish_term()
        if lastfn is not None:
            self.finish_field()


class Codec(W3Codec):
    def __init__(self, blocklimit: int = BLOCK_POSTINGS, compression: int = 3, inlinelimit: int = 1):
        super().__init__(blocklimit=blocklimit, compression=compression, inlinelimit=inlinelimit)

    def field_writer(self, storage, segment):
        return FieldWriter(self, storage, segment)
