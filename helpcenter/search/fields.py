"""Field names: one place for the stored document, the browsing schema and
the search engine's text fields.

Each FAQ entry is one Whoosh document holding what pages show (stored fields,
plain Python values) and what browsing sorts and filters by (stock Whoosh
field types only: nothing of ours is pickled into the index). The text a
member searches is not in Whoosh at all: the search engine (`search.engine`)
keeps it as arrays beside the index, in *kinds* of terms (Sudachi words,
character bigrams, reading bigrams), each kind with its text fields.
"""
from __future__ import annotations

from whoosh import fields

NUMBER = "number"              # "3816"; unique key
NUMBER_SORT = "number_sort"    # numeric, for stable tie-breaks
TITLE = "title"                # stored: the question as shown
ALIASES = "aliases"            # stored: list of other phrasings
CATEGORIES = "categories"      # every category slug of the entry and their parents (filtering, counts)
CATEGORY_LIST = "category_list"  # stored: the entry's own slugs, primary first (list)
UPDATED = "updated"            # sortable, stored (epoch seconds, UTC)
PUBLISHED = "published"        # stored (epoch seconds, UTC): visible from then on
EXPIRES = "expires"            # stored: hidden from then on (epoch seconds), or absent
EXCERPT = "excerpt"            # stored: about 100 characters of plain text
PLAIN = "plain"                # stored: the whole answer as plain text (highlighting, chat)
HTML = "html"                  # stored: the rendered, sanitised answer
RELATED = "related"            # stored: list of entry numbers

# --- the search engine's text fields, by kind of term ------------------------
WORDS, GRAMS, READING_KIND = "words", "grams", "reading"
TITLE_WORDS = "title_words"        # question, Sudachi content words (normalised form)
ALIASES_WORDS = "aliases_words"
BODY_WORDS = "body_words"          # answer as plain text
CATEGORY_WORDS = "category_words"  # category titles (2段階認証, 変更方法 …)
TITLE_NGRAMS = "title_ngrams"      # question, character bigrams
ALIASES_NGRAMS = "aliases_ngrams"
BODY_NGRAMS = "body_ngrams"        # answer: bigrams of its longer words (compound parts)
READING = "reading"                # question + aliases, bigrams of the hiragana reading

KIND_FIELDS: dict[str, tuple[str, ...]] = {
    WORDS: (TITLE_WORDS, ALIASES_WORDS, BODY_WORDS, CATEGORY_WORDS),
    GRAMS: (TITLE_NGRAMS, ALIASES_NGRAMS, BODY_NGRAMS),
    READING_KIND: (READING,),
}
FIELD_KIND = {f: k for k, fs in KIND_FIELDS.items() for f in fs}
WORD_FIELDS = KIND_FIELDS[WORDS]
NGRAM_FIELDS = KIND_FIELDS[GRAMS]


def build_schema() -> fields.Schema:
    # The numeric fields are only sorted by (their columns), never searched by
    # range: shift_step=0 indexes one term per value instead of 8 (32 bits) or
    # 16 (64 bits), which made Whoosh's writing the slowest serial part of a
    # build (10,000 entries: 4.8 s CPU → 2.1 s).
    return fields.Schema(**{
        NUMBER: fields.ID(stored=True, unique=True),
        NUMBER_SORT: fields.NUMERIC(int, sortable=True, shift_step=0),
        TITLE: fields.STORED(),
        ALIASES: fields.STORED(),
        CATEGORIES: fields.KEYWORD(commas=True),
        CATEGORY_LIST: fields.STORED(),
        UPDATED: fields.NUMERIC(int, bits=64, stored=True, sortable=True, shift_step=0),
        PUBLISHED: fields.STORED(),
        EXPIRES: fields.STORED(),
        EXCERPT: fields.STORED(),
        PLAIN: fields.STORED(),
        HTML: fields.STORED(),
        RELATED: fields.STORED(),
    })
