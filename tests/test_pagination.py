"""Pagination as a pure value."""
import pytest

from helpcenter.pagination import PageOutOfRange, Pagination, parse_page


def test_seed_page_two_of_24_entries():
    p = Pagination(24, 2, 10)
    assert (p.first, p.last, p.pages, p.offset) == (11, 20, 3, 10)
    assert p.has_prev and p.has_next


def test_last_page_is_partial():
    p = Pagination(24, 3, 10)
    assert (p.first, p.last, p.has_next) == (21, 24, False)


def test_empty_list_has_one_empty_page():
    p = Pagination(0, 1, 10)
    assert (p.first, p.last, p.pages) == (0, 0, 1)


@pytest.mark.parametrize("page", [0, 4, -1])
def test_out_of_range_pages_are_rejected(page):
    with pytest.raises(PageOutOfRange):
        Pagination(24, page, 10)


@pytest.mark.parametrize("raw", ["abc", "1.5", "-2", "0", "１", "9999999", " ", "2a", "1e3"])
def test_page_parameter_junk_is_rejected(raw):
    with pytest.raises(PageOutOfRange):
        parse_page(raw)


def test_page_parameter_defaults_to_one():
    assert parse_page(None) == 1 and parse_page("") == 1 and parse_page("3") == 3


def test_window_elides_far_pages():
    assert Pagination(200, 10, 10).window() == [1, None, 8, 9, 10, 11, 12, None, 20]
    assert Pagination(30, 2, 10).window() == [1, 2, 3]
