"""The content checker: every kind of error is reported with file, line and field,
all at once, and valid content loads into the model."""
from pathlib import Path

from support import CONTENT, faq_text

from helpcenter.cli import main
from helpcenter.content.loader import load_content, parse_datetime


def problems_of(root: Path) -> list[str]:
    content, problems = load_content(root)
    assert content is None
    return [str(p) for p in problems]


def write(root: Path, name: str, text: str) -> None:
    (root / "faq" / name).write_text(text, encoding="utf-8")


def test_real_content_is_valid_and_complete():
    content, problems = load_content(CONTENT)
    assert problems == []
    two_factor = [f for f in content.faqs.values() if any(c.startswith("two-factor") for c in f.categories)]
    assert len(two_factor) == 24
    assert len(content.faqs) >= 54
    tops = {c.split("/")[0] for f in content.faqs.values() for c in f.categories}
    assert {"two-factor", "login", "profile", "app", "contact"} <= tops


def test_small_content_loads_into_the_model(small_content):
    content, problems = load_content(small_content)
    assert problems == []
    assert list(content.faqs) == [1, 2]
    faq = content.faqs[1]
    assert faq.published.isoformat() == "2021-04-23T16:00:00+09:00"
    assert content.categories["two-factor/other"].parent == "two-factor"
    assert content.categories["two-factor"].children == ("two-factor/other",)


def test_dates_accept_iso_forms_and_default_to_japan_time():
    assert parse_datetime("2021-04-23 16:00").utcoffset().total_seconds() == 9 * 3600
    assert parse_datetime("2021-04-23T16:00:30+00:00").hour == 16
    assert parse_datetime("2021-04-23 16:00:00Z").utcoffset().total_seconds() == 0
    for bad in ("2021/13/01", "2021-13-01 10:00", "yesterday", "", None, 20210423):
        assert parse_datetime(bad) is None


def test_unknown_field_is_named(small_content):
    write(small_content, "3.md", faq_text(3, extra="colour: red\n"))
    assert "content/faq/3.md:7: colour: unknown field" in problems_of(small_content)


def test_missing_field_is_named(small_content):
    write(small_content, "3.md", "---\nnumber: 3\ncategories: [login]\npublished: 2021-04-23 16:00\n"
                                 "updated: 2021-04-23 16:00\n---\n本文\n")
    assert any(p.startswith("content/faq/3.md:1: title: missing") for p in problems_of(small_content))


def test_duplicate_numbers_name_both_files(small_content):
    write(small_content, "9.md", faq_text(1, "別の質問"))
    found = problems_of(small_content)
    assert any("content/faq/9.md" in p and "duplicate number 1, also in content/faq/1.md" in p for p in found)


def test_bad_date_quotes_the_value(small_content):
    write(small_content, "3.md", faq_text(3, updated="2021/13/01"))
    assert "content/faq/3.md:6: updated: not a date: '2021/13/01' (write 2021-04-23 16:00)" in problems_of(small_content)


def test_updated_before_published_is_an_error(small_content):
    write(small_content, "3.md", faq_text(3, published="2022-01-01 10:00", updated="2021-01-01 10:00"))
    assert any("3.md:6: updated: is before published" in p for p in problems_of(small_content))


def test_unknown_category_is_named_with_its_position(small_content):
    write(small_content, "3.md", faq_text(3, categories="[login, nope/child]"))
    assert "content/faq/3.md:4: categories[1]: unknown category: 'nope/child'" in problems_of(small_content)


def test_related_number_that_does_not_exist(small_content):
    write(small_content, "3.md", faq_text(3, extra="related: [1, 999]\n"))
    assert "content/faq/3.md:7: related[1]: no FAQ with number 999" in problems_of(small_content)


def test_link_to_a_missing_faq_inside_the_answer_names_its_line(small_content):
    write(small_content, "3.md", faq_text(3, body="一行目\n[こちら](/faq/1)と[あちら](/faq/404)"))
    assert "content/faq/3.md:9: body: link to /faq/404: no such FAQ" in problems_of(small_content)


def test_unknown_flow_in_the_answer(small_content):
    write(small_content, "3.md", faq_text(3, body="[画面](flow:no-such-flow)"))
    assert "content/faq/3.md:8: body: unknown flow: 'no-such-flow'" in problems_of(small_content)


def test_yaml_syntax_error_reports_the_line(small_content):
    write(small_content, "3.md", "---\nnumber: 3\ntitle: [unclosed\n---\n本文\n")
    found = problems_of(small_content)
    assert len(found) == 1 and found[0].startswith("content/faq/3.md:") and "invalid YAML" in found[0]


def test_file_without_front_matter(small_content):
    write(small_content, "3.md", "ただの本文\n")
    assert any("content/faq/3.md:1" in p and "no front matter" in p for p in problems_of(small_content))


def test_number_must_be_positive_and_match_the_file(small_content):
    write(small_content, "3.md", faq_text(4))
    write(small_content, "5.md", faq_text(-5).replace("number: -5", "number: -5"))
    found = problems_of(small_content)
    assert any("3.md:2: number: 4 does not match the file name 3.md" in p for p in found)
    assert any("5.md:2: number: not a positive whole number: -5" in p for p in found)


def test_unknown_flow_in_site_contacts_and_bad_flow_url(small_content):
    site = (small_content / "site.yaml").read_text(encoding="utf-8")
    site = site.replace("    hours: 平日 9:00〜17:00\n", "    hours: 平日 9:00〜17:00\n    flow: nowhere\n")
    site = site.replace("url: https://member.example.jp/2fa", "url: javascript:alert(1)")
    (small_content / "site.yaml").write_text(site, encoding="utf-8")
    found = problems_of(small_content)
    assert any(p.startswith("content/site.yaml:7: contacts[0].flow: unknown flow") for p in found)
    assert any(p.startswith("content/site.yaml:11: flows.two-factor-settings.url: must be an http(s) URL") for p in found)


def test_duplicate_category_slug(small_content):
    (small_content / "categories.yaml").write_text("- slug: login\n  title: A\n- slug: login\n  title: B\n",
                                                   encoding="utf-8")
    found = problems_of(small_content)
    assert "content/categories.yaml:3: [2].slug: duplicate category: 'login'".replace("[2]", "[1]") in found


def test_all_errors_are_reported_at_once(small_content):
    write(small_content, "3.md", faq_text(3, updated="2021/13/01", categories="[nope]", extra="related: [77]\n"))
    write(small_content, "4.md", faq_text(4, body="[x](flow:nope)"))
    found = problems_of(small_content)
    assert len(found) == 4, found


def test_synonym_groups_are_validated(small_content):
    (small_content / "synonyms.yaml").write_text("groups:\n  - [スマホ]\n  - [a, b, a]\n  - 42\n", encoding="utf-8")
    found = problems_of(small_content)
    assert "content/synonyms.yaml:2: groups[0]: a group needs at least two words" in found
    assert "content/synonyms.yaml:3: groups[1]: word listed twice: 'a'" in found
    assert "content/synonyms.yaml:4: groups[2]: must be a list of words" in found


def test_check_command_exits_nonzero_and_prints_every_problem_without_traceback(small_content, runner):
    write(small_content, "3.md", faq_text(3, updated="2021/13/01"))
    write(small_content, "4.md", "\x00\xff garbage")
    (small_content / "faq" / "5.md").write_bytes(b"\xff\xfe\x00bad")
    result = runner.invoke(main, ["check", "--content", str(small_content)])
    assert result.exit_code == 1
    assert "content/faq/3.md:6: updated: not a date: '2021/13/01'" in result.output
    assert "content/faq/5.md" in result.output and "UTF-8" in result.output
    assert "Traceback" not in result.output and result.exception is None or isinstance(result.exception, SystemExit)


def test_check_command_passes_on_the_real_content(runner):
    result = runner.invoke(main, ["check", "--content", str(CONTENT)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("OK:")


def test_missing_content_folder_is_reported(tmp_path, runner):
    result = runner.invoke(main, ["check", "--content", str(tmp_path / "none")])
    assert result.exit_code == 1 and "content folder not found" in result.output


def test_lenient_loading_keeps_readable_entries_of_a_foreign_collection(tmp_path):
    root = tmp_path / "other"
    (root / "faq").mkdir(parents=True)
    (root / "faq" / "1.md").write_text(faq_text(1, "返品はできますか", "[shop/returns]",
                                                body="[地図](flow:map) をご覧ください。"), encoding="utf-8")
    (root / "faq" / "2.md").write_text(faq_text(2, updated="not a date"), encoding="utf-8")
    strict, problems = load_content(root)
    assert strict is None and problems
    content, warnings = load_content(root, lenient=True)
    assert list(content.faqs) == [1, 2]  # 2 keeps a stand-in date: only search is at stake
    assert content.categories["shop/returns"].parent == "shop"
    assert any("not a date" in str(w) for w in warnings)


def test_categories_keep_the_file_order_parents_before_children():
    content, _ = load_content(CONTENT)
    assert list(content.categories)[:4] == ["two-factor", "two-factor/change", "two-factor/glossary",
                                            "two-factor/other"]
    assert [c.slug for c in content.top_categories()] == ["two-factor", "login", "profile", "app", "contact"]


def alias_bomb(levels: int) -> str:
    """The "billion laughs": each level lists the one before nine times."""
    rows = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, levels + 1):
        rows.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(rows) + "\n"


def test_yaml_aliases_are_refused_with_file_and_line(small_content):
    write(small_content, "3.md", faq_text(3, extra="x: &t テキスト\naliases: [*t]\n"))
    (small_content / "synonyms.yaml").write_text("- &g [スマホ, 携帯]\n- *g\n", encoding="utf-8")
    found = problems_of(small_content)
    assert "content/faq/3.md:8: YAML aliases (*t) are not allowed in content: write the value out in full" in found
    assert "content/synonyms.yaml:2: YAML aliases (*g) are not allowed in content: write the value out in full" \
        in found


def test_merge_keys_are_aliases_too(small_content):
    (small_content / "site.yaml").write_text("base: &b {name: x}\nother:\n  <<: *b\n", encoding="utf-8")
    assert any(p.startswith("content/site.yaml:3: YAML aliases (*b)") for p in problems_of(small_content))


def test_alias_bomb_is_refused_at_once_by_check_and_index(small_content, tmp_path):
    import os
    import subprocess
    import sys
    import time

    bomb = alias_bomb(9)  # 9**10 strings once expanded: never finished before
    assert len(bomb) < 700
    (small_content / "categories.yaml").write_text(bomb, encoding="utf-8")
    env = dict(os.environ, HELPCENTER_INSTANCE_DIR=str(tmp_path / "inst"))
    for command in ("check", "index"):
        started = time.monotonic()
        result = subprocess.run([sys.executable, "-m", "helpcenter.cli", command, "--content", str(small_content)],
                                capture_output=True, text=True, timeout=60, env=env)
        assert time.monotonic() - started < 30
        assert result.returncode == 1
        assert "content/categories.yaml:2: YAML aliases (*a0) are not allowed" in result.stdout + result.stderr
        assert "Traceback" not in result.stdout + result.stderr
