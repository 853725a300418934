"""受付番号 (helpcenter.contact.code): format, alphabet, signature, lenient reading."""
import random
import re

import pytest

from helpcenter.contact import code

SECRET = "test-secret"


def test_a_new_code_is_three_and_four_symbols_of_the_alphabet():
    c = code.new(SECRET)
    assert re.fullmatch(r"[%s]{3}-[%s]{4}" % (code.ALPHABET, code.ALPHABET), c), c


def test_the_alphabet_has_no_symbols_easily_confused_when_read_or_heard():
    for pair in ("0O", "1IL", "2Z", "5S", "8B", "UV"):
        assert sum(ch in code.ALPHABET for ch in pair) <= 1, pair
    assert len(set(code.ALPHABET)) == len(code.ALPHABET) == 27


def test_a_code_verifies_with_the_secret_that_made_it_and_not_with_another():
    c = code.new(SECRET)
    assert code.verify(c, SECRET) == c
    # over many codes another key accepts about 1 in 729, never most of them
    made = [code.new(SECRET) for _ in range(300)]
    assert sum(code.verify(m, "another-secret") is not None for m in made) < 10


def test_invented_codes_are_refused_almost_always():
    rnd = random.Random(7)
    guesses = ["".join(rnd.choice(code.ALPHABET) for _ in range(code.LENGTH)) for _ in range(5000)]
    accepted = sum(code.verify(g, SECRET) is not None for g in guesses)
    assert accepted < 20  # expected 5000 / 729 ≈ 7


def test_changing_one_symbol_is_caught():
    rnd = random.Random(3)
    caught = total = 0
    for _ in range(200):
        c = code.new(SECRET, rnd.randrange).replace("-", "")
        i = rnd.randrange(code.LENGTH)
        other = rnd.choice([a for a in code.ALPHABET if a != c[i]])
        total += 1
        caught += code.verify(c[:i] + other + c[i + 1:], SECRET) is None
    assert caught >= total - 3


@pytest.mark.parametrize("typed", ["{c}", "{lower}", "{compact}", " {c} ", "{fullwidth}", "{spaced}",
                                   "{c_long_vowel}", "{c_minus}"])
def test_staff_may_type_the_code_loosely(typed):
    c = code.new(SECRET, random.Random(1).randrange)
    variants = {"c": c, "lower": c.lower(), "compact": c.replace("-", ""),
                "fullwidth": "".join(chr(ord(ch) + 0xFEE0) if ch != "-" else "－" for ch in c),
                "spaced": " ".join(c.replace("-", "")), "c_long_vowel": c.replace("-", "ー"),
                "c_minus": c.replace("-", "−")}
    assert code.verify(typed.format(**variants), SECRET) == c


@pytest.mark.parametrize("junk", ["", "K7Q-4MD", "K7Q-4MD22", "K7Q-4M02", "OOO-OOOO", "K7Q_4MD2", "\x00" * 7,
                                  "\ud800" * 7, "あいうえおかき", "K" * 1000, None, 1234567, ["K7Q-4MD2"]])
def test_anything_that_is_not_a_code_is_refused_without_error(junk):
    assert code.verify(junk, SECRET) is None


def test_the_random_source_decides_the_body_so_tests_can_fix_it():
    a = code.new(SECRET, random.Random(5).randrange)
    b = code.new(SECRET, random.Random(5).randrange)
    assert a == b and code.verify(a, SECRET) == a
