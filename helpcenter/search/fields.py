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

from whoosh import columns, fields

NUMBER = "number"              # stored: "3816"
NUMBER_SORT = "number_sort"    # column: the number as an integer (stable tie-breaks, number → document)
TITLE = "title"                # stored: the question as shown
ALIASES = "aliases"            # stored: list of other phrasings
CATEGORIES = "categories"      # every category slug of the entry and their parents (filtering, counts)
CATEGORY_LIST = "category_list"  # stored: the entry's own slugs, primary first (list)
UPDATED = "updated"            # stored (epoch seconds, UTC)
UPDATED_SORT = "updated_sort"  # column: the same, for sorting newest first
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
    # The numbers are only sorted by and read back, never searched: as
    # columns without index terms. An indexed field with a value per entry
    # wrote a posting block (zlib-compressed) per value, which made Whoosh's
    # writing the slowest serial part of a build (10,000 entries: 1.2 s of the
    # builder's CPU, 0.46 s as columns; with 8 or 16 terms per value before
    # shift_step=0, 4.8 s).
    return fields.Schema(**{
        NUMBER: fields.STORED(),
        NUMBER_SORT: fields.COLUMN(columns.NumericColumn("q")),
        TITLE: fields.STORED(),
        ALIASES: fields.STORED(),
        CATEGORIES: fields.KEYWORD(commas=True),
        CATEGORY_LIST: fields.STORED(),
        UPDATED: fields.STORED(),
        UPDATED_SORT: fields.COLUMN(columns.NumericColumn("q")),
        PUBLISHED: fields.STORED(),
        EXPIRES: fields.STORED(),
        EXCERPT: fields.STORED(),
        PLAIN: fields.STORED(),
        HTML: fields.STORED(),
        RELATED: fields.STORED(),
    })
