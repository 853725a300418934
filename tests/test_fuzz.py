"""Property-based fuzzing of every endpoint and form (hypothesis): whatever the
path parameters, query string, method, form fields (with or without a valid
CSRF token), JSON or raw body, and whether an editor is logged in, the answer
is never a 5xx and never shows a traceback.

Endpoints come from the app's URL map and field names from the templates and
views, so new pages and forms are fuzzed without editing this file. Bounded:
HELPCENTER_FUZZ_EXAMPLES examples (default 12) per endpoint and method, each
kind of input, derandomized so that CI runs the same inputs every time.
"""
from __future__ import annotations

import json
import os
import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from support import ROOT, app_config

from helpcenter import create_app
from helpcenter.publishing import prepare

EXAMPLES = int(os.environ.get("HELPCENTER_FUZZ_EXAMPLES", "12"))
SETTINGS = settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
                    suppress_health_check=list(HealthCheck))
UA = {"User-Agent": "Mozilla/5.0 (X11; Linux x86_64) Chrome/120"}
TRICKY = ["", " ", "0", "-1", "1", "2", "1e9", "99999999999999999999", "NaN", "../..", "..%2f", "%00", "\x00",
          "\x1f", "<script>alert(1)</script>", "'\"", "{{7*7}}", "AND OR NOT", "*", "?", "[", "\ud800", "あ" * 300,
          "🙂", "ｱｲｳ０１２", "\u3000", "//evil.example/", "https://evil.example/", "yes", "no", "S", "L",
          "faq", "wizard", "chat", "queries", "1-2-3", "1-", "x" * 5000]


def _field_names() -> list[str]:
    names = set()
    for path in (ROOT / "templates").rglob("*.html"):
        names.update(re.findall(r'name="([a-z_]+)"', path.read_text(encoding="utf-8")))
    for path in (ROOT / "helpcenter" / "web").glob("*.py"):
        names.update(re.findall(r'request\.(?:args|form|values)\.get\("([^"]+)"', path.read_text(encoding="utf-8")))
    return sorted(names - {"csrf_token", "viewport", "robots", "description"})


FIELDS = _field_names()


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory, built_index):
    inst = tmp_path_factory.mktemp("fuzz-instance")
    os.symlink(built_index, inst / "index")
    app = create_app(app_config(inst, PAGE_CACHE_SECONDS=5, CHAT_RATE_LIMIT="1000000/60",
                                CHAT_VISITOR_RATE_LIMIT="1000000/60", LOGIN_RATE_LIMIT="1000000/60",
                                LOGIN_GLOBAL_RATE_LIMIT="1000000/60"))
    prepare(app.config)
    yield app
    app.extensions["helpcenter.index"].close()
    app.extensions["helpcenter.db"].dispose()


def _known_values(app) -> list[str]:
    gen = app.extensions["helpcenter.index"].current()
    values = [str(n) for n in list(gen.faq_titles)[:10]] + list(gen.categories)[:10] + list(gen.wizards)
    from helpcenter.analytics import reports

    return values + list(reports.TABLES)


def _text(app) -> st.SearchStrategy[str]:
    return st.one_of(st.sampled_from(TRICKY + _known_values(app)), st.text(max_size=60),
                     st.binary(max_size=60).map(lambda b: b.decode("latin-1")),
                     st.characters(codec=None).map(str))


def _enc(value: str, safe: str = "") -> str:
    return quote(value.encode("utf-8", "surrogatepass"), safe=safe)


def _rules(app):
    out = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            out.append((rule, method))
    return sorted(out, key=lambda rm: (rm[0].rule, rm[1]))


def _path(draw, rule, text) -> str:
    path = rule.rule
    for name, converter in rule._converters.items():
        kind = type(converter).__name__
        if kind == "IntegerConverter":
            value = str(draw(st.one_of(st.integers(0, 10 ** 12), st.sampled_from(["4001", "1", "0"]))))
        elif kind == "PathConverter":
            value = _enc(draw(text), safe="/")
        else:
            value = _enc(draw(text))
        path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(name) + r">", lambda _m: value or "x", path, count=1)
    return path


def _query(draw, text) -> str:
    params = draw(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), text, max_size=4))
    return "&".join(f"{_enc(k)}={_enc(v)}" for k, v in params.items())


def _clients(app):
    anonymous = app.test_client()
    editor = app.test_client()
    html = editor.get("/admin/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    r = editor.post("/admin/login", data={"csrf_token": token, "password": "test-admin-pw"})
    assert r.status_code == 303
    tokens = {}
    for name, client in (("anonymous", anonymous), ("editor", editor)):
        html = client.get("/admin/login" if name == "anonymous" else "/admin/").get_data(as_text=True)
        tokens[name] = re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)
    return {"anonymous": anonymous, "editor": editor}, tokens


class _Forms(HTMLParser):
    """Every <form> of a page: (method, action, {field: [values seen]})."""

    def __init__(self):
        super().__init__()
        self.forms: list[tuple[str, str, dict[str, list[str]]]] = []
        self._field: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(((a.get("method") or "get").upper(), a.get("action") or "", {}))
        elif self.forms and tag in ("input", "button", "textarea", "select") and a.get("name"):
            self.forms[-1][2].setdefault(a["name"], []).append(a.get("value") or "")
            self._field = a["name"] if tag == "select" else None
        elif self.forms and tag == "option" and self._field:
            self.forms[-1][2][self._field].append(a.get("value") or "")


def _harvest(app, clients) -> list[tuple[str, str, str, dict[str, list[str]]]]:
    """(who, method, action, fields) of the forms on the pages members and editors use."""
    gen = app.extensions["helpcenter.index"].current()
    wizard = next(iter(gen.wizards.values()))
    outcome = next(n for n in wizard.nodes.values() if n.is_outcome)
    seeds = ["/", "/faq/3816", "/chat", "/admin/login", "/contact", "/search?q=機種変更",
             "/feedback/reason?target_type=faq&target=3816",
             f"/feedback/reason?target_type=wizard&target={wizard.id}:{outcome.id}&next=/wizard/"]
    found: dict[tuple, dict[str, list[str]]] = {}
    for who, client in clients.items():
        for url in seeds + (["/admin/", "/admin/lookup"] if who == "editor" else []):
            parser = _Forms()
            parser.feed(client.get(url, headers=UA).get_data(as_text=True))
            for method, action, fields in parser.forms:  # the same form on several pages: one, all values
                merged = found.setdefault((who, method, (action or url).split("#")[0].split("?")[0],
                                           tuple(sorted(fields))), {})
                for name, values in fields.items():
                    merged.setdefault(name, [])
                    merged[name] += [v for v in values if v not in merged[name]]
    return [(who, method, action, fields) for (who, method, action, _), fields in sorted(found.items())]


def _json_values():
    return st.recursive(st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
                        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
                        max_leaves=20)


def _check(response, what) -> None:
    assert response.status_code < 500, (what, response.status_code, response.get_data()[:300])
    assert b"Traceback" not in response.get_data(), what


def test_every_endpoint_and_method_answers_any_input_without_a_server_error(fuzz_app):
    clients, tokens = _clients(fuzz_app)
    text = _text(fuzz_app)
    fuzzed = []
    for rule, method in _rules(fuzz_app):

        @SETTINGS
        @given(st.data())
        def one(data):
            who = data.draw(st.sampled_from(sorted(clients)))
            url = _path(data.draw, rule, text)
            query = _query(data.draw, text)
            target = url + ("?" + query if query else "")
            kw = {"headers": dict(UA, **({"X-Requested-With": "fetch"} if data.draw(st.booleans()) else {}))}
            if method != "GET":
                body = data.draw(st.sampled_from(["form", "json", "raw"]))
                if body == "form":
                    form = data.draw(st.dictionaries(st.sampled_from(FIELDS) | st.text(max_size=8), text,
                                                     max_size=6))
                    if data.draw(st.booleans()):
                        form["csrf_token"] = tokens[who]
                    kw["data"] = {k: v.encode("utf-8", "surrogatepass") for k, v in form.items()}
                elif body == "json":
                    kw["data"] = json.dumps(data.draw(st.one_of(
                        st.fixed_dictionaries({"message": text}, optional={"state": _json_values()}),
                        _json_values()))).encode()
                    kw["content_type"] = "application/json"
                else:
                    kw["data"] = data.draw(st.binary(max_size=300))
                    kw["content_type"] = data.draw(st.sampled_from(
                        ["application/json", "text/plain", "application/x-www-form-urlencoded",
                         "multipart/form-data; boundary=x", "application/json; charset=latin-1"]))
            _check(clients[who].open(target, method=method, **kw), (who, method, target, kw.get("data")))

        one()
        fuzzed.append(f"{method} {rule.rule}")
    assert len(fuzzed) == len(_rules(fuzz_app)) >= 40


def test_every_form_answers_any_mutation_of_its_fields_without_a_server_error(fuzz_app):
    """The real forms, as pages render them (hidden fields, buttons, choices), with
    each field kept, dropped or replaced by junk, and fields added."""
    clients, _ = _clients(fuzz_app)
    forms = _harvest(fuzz_app, clients)
    assert {action for _, _, action, _ in forms} >= {"/feedback", "/chat", "/admin/login", "/text-size", "/search"}
    text = _text(fuzz_app)
    for who, method, action, fields in forms:

        @settings(SETTINGS, max_examples=EXAMPLES * 3)  # few forms, each worth more inputs
        @given(st.data())
        def one(data):
            sent = {}
            for name, values in fields.items():
                choice = data.draw(st.sampled_from(["keep", "keep", "keep", "keep", "junk", "drop"]))
                if choice == "keep" or (name == "csrf_token" and choice == "junk" and data.draw(st.booleans())):
                    sent[name] = data.draw(st.sampled_from(values))
                elif choice == "junk":
                    sent[name] = data.draw(text)
            sent.update(data.draw(st.dictionaries(st.sampled_from(FIELDS), text, max_size=2)))
            encoded = {k: v.encode("utf-8", "surrogatepass") for k, v in sent.items()}
            if method == "POST":
                r = clients[who].post(action, data=encoded, headers=UA)
            else:
                r = clients[who].get(action + "?" + "&".join(f"{_enc(k)}={_enc(v)}" for k, v in sent.items()),
                                     headers=UA)
            _check(r, (who, method, action, sent))

        one()


def test_pages_answer_any_query_string_and_cookies_without_a_server_error(fuzz_app):
    text = _text(fuzz_app)
    client = fuzz_app.test_client()

    @SETTINGS
    @given(st.data())
    def one(data):
        for name in ("hc_size", "hc_v", "session"):
            if data.draw(st.booleans()):
                client.set_cookie(name, _enc(data.draw(text)))
        path = data.draw(st.sampled_from(["/", "/faq/3816", "/category/two-factor", "/search", "/chat",
                                          "/wizard/changing-phones/1", "/admin/", "/api/search", "/contact"]))
        _check(client.get(path + "?" + _query(data.draw, text), headers=UA), path)

    one()
