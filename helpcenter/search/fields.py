"""The index's field names and the schema built from them: one place for
schema, document builder and queries.

Each FAQ entry is one document. Text the member searches is indexed three ways
(see `analysis`): words (`*_WORDS`), character bigrams (`*_NGRAMS`) and, for the
question and aliases, bigrams of the reading (`READING`). Everything a page
shows is stored, so browsing never re-reads content files.
"""
from __future__ import annotations

from collections import Counter

from whoosh import fields
from whoosh.system import pack_uint

from .analysis import MorphAnalyzer, NgramAnalyzer, PartsAnalyzer, ReadingAnalyzer

NUMBER = "number"              # "3816"; unique key
NUMBER_SORT = "number_sort"    # numeric, for stable tie-breaks
TITLE = "title"                # the question as shown
TITLE_WORDS = "title_words"    # question, Sudachi words
TITLE_NGRAMS = "title_ngrams"  # question, bigrams
ALIASES = "aliases"            # stored: aliases, one a line (find-as-you-type)
ALIASES_WORDS = "aliases_words"
ALIASES_NGRAMS = "aliases_ngrams"
BODY_WORDS = "body_words"      # answer as plain text, Sudachi words
BODY_NGRAMS = "body_ngrams"    # answer as plain text, bigrams of its longer words (compound parts)
READING = "reading"            # question + aliases, bigrams of the hiragana reading
CATEGORY_WORDS = "category_words"  # category titles (2段階認証, 変更方法 …)
CATEGORIES = "categories"      # every category slug of the entry and their parents
CATEGORY_LIST = "category_list"  # stored: the entry's own slugs in order, "two-factor/other,…"
UPDATED = "updated"            # sortable, stored (UTC)
PUBLISHED = "published"        # stored
EXCERPT = "excerpt"            # stored: about 100 characters of plain text
PLAIN = "plain"                # stored: the whole answer as plain text (highlighting, chat)
HTML = "html"                  # stored: the rendered, sanitised answer
RELATED = "related"            # stored: "3818,3820"

# Fields searched for a member's query, with their weights (see search.query).
WORD_FIELDS = (TITLE_WORDS, ALIASES_WORDS, BODY_WORDS, CATEGORY_WORDS)
NGRAM_FIELDS = (TITLE_NGRAMS, ALIASES_NGRAMS, BODY_NGRAMS)


class Terms(fields.TEXT):
    """A TEXT field (term frequencies, no positions) that counts its
    analyzer's terms directly: Whoosh's generic path builds a Token object per
    term, which cost about a third of indexing time. Same postings, same
    lengths (this class is pickled into the index: keep its name and path)."""

    def __init__(self, analyzer):
        super().__init__(analyzer=analyzer, phrase=False)

    def index(self, value, **kwargs):
        if not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        for term, n in Counter(self.analyzer.fn(value)).items():
            yield term.encode("utf-8"), n, n * boost, pack_uint(n)


def build_schema() -> fields.Schema:
    words, ngrams, reading, parts = MorphAnalyzer(), NgramAnalyzer(), ReadingAnalyzer(), PartsAnalyzer()
    return fields.Schema(**{
        NUMBER: fields.ID(stored=True, unique=True),
        NUMBER_SORT: fields.NUMERIC(int, sortable=True),
        TITLE: fields.STORED(),
        TITLE_WORDS: Terms(words),
        TITLE_NGRAMS: Terms(ngrams),
        ALIASES: fields.STORED(),
        ALIASES_WORDS: Terms(words),
        ALIASES_NGRAMS: Terms(ngrams),
        BODY_WORDS: Terms(words),
        BODY_NGRAMS: Terms(parts),
        READING: Terms(reading),
        CATEGORY_WORDS: Terms(words),
        CATEGORIES: fields.KEYWORD(commas=True),
        CATEGORY_LIST: fields.STORED(),
        UPDATED: fields.NUMERIC(int, stored=True, sortable=True),
        PUBLISHED: fields.STORED(),
        EXCERPT: fields.STORED(),
        PLAIN: fields.STORED(),
        HTML: fields.STORED(),
        RELATED: fields.STORED(),
    })
