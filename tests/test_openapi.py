"""The OpenAPI 3.1 document (/api/openapi.json) says what the API does: every
documented response is produced by a real request and matches its schema
(jsonschema), every response a request can get is documented, and
schemathesis, generating requests from the document, finds no 5xx and no
undocumented status, header, content type or body."""
from __future__ import annotations

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema import Draft202012Validator
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_headers_conformance,
                                               response_schema_conformance, status_code_conformance)

from helpcenter import create_app
from helpcenter.web.api import OPENAPI
from support import app_config

DOC = json.loads(OPENAPI.read_text(encoding="utf-8"))
OPERATIONS = [(path, method) for path, item in DOC["paths"].items() for method in item]
DOCUMENTED = {(path, method, status) for path, method in OPERATIONS for status in DOC["paths"][path][method]["responses"]}


def response_spec(path: str, method: str, status: int) -> dict:
    spec = DOC["paths"][path][method]["responses"][str(status)]
    if "$ref" in spec:
        spec = DOC["components"]["responses"][spec["$ref"].rsplit("/", 1)[1]]
    return spec


def check(resp, path: str, method: str, covered: set) -> None:
    """The response is documented for this operation and matches it."""
    assert (path, method, str(resp.status_code)) in DOCUMENTED, (path, method, resp.status_code)
    spec = response_spec(path, method, resp.status_code)
    [(media, content)] = spec["content"].items()
    assert resp.mimetype == media
    # the whole document as the root, so that #/components/... resolves
    schema = {**content["schema"], "components": DOC["components"]}
    Draft202012Validator(schema).validate(resp.get_json())
    for name, header in spec.get("headers", {}).items():
        if header.get("required") or name in resp.headers:
            Draft202012Validator(header["schema"]).validate(resp.headers[name])
    covered.add((path, method, str(resp.status_code)))


@pytest.fixture(scope="module")
def covered():
    seen: set = set()
    yield seen


def test_the_document_is_openapi_31_with_valid_json_schemas():
    assert DOC["openapi"] == "3.1.0"
    for name, schema in DOC["components"]["schemas"].items():
        Draft202012Validator.check_schema(schema)
    assert {p for p, _ in OPERATIONS} == {"/api/search", "/api/suggest", "/api/chat", "/api/contact-code"}


def test_the_document_is_served(client):
    resp = client.get("/api/openapi.json")
    assert resp.status_code == 200 and resp.mimetype == "application/json"
    assert resp.get_json() == DOC


def test_search_responses_match_the_document(client, covered):
    p = "/api/search"
    ok = client.get("/api/search?q=機種変更")
    check(ok, p, "get", covered)
    assert ok.get_json()["total"] > 10 and ok.headers["Cache-Control"] == "no-store"
    check(client.get("/api/search?q=機種変更&page=2"), p, "get", covered)
    check(client.get("/api/search?q=SMS&category=two-factor"), p, "get", covered)
    check(client.get("/api/search?q=zzqqxxyy"), p, "get", covered)  # nothing found is a 200 with no results
    for url in ["/api/search", "/api/search?q=%00%01", "/api/search?q=a&page=0", "/api/search?q=a&page=x",
                "/api/search?q=a&page=1234567"]:
        resp = client.get(url)
        assert resp.status_code == 400, url
        check(resp, p, "get", covered)
    for url in ["/api/search?q=機種変更&page=99", "/api/search?q=a&category=nowhere"]:
        resp = client.get(url)
        assert resp.status_code == 404, url
        check(resp, p, "get", covered)


def test_suggest_responses_match_the_document(client, covered):
    hits = client.get("/api/suggest?q=バックアップ")
    check(hits, "/api/suggest", "get", covered)
    assert hits.get_json()["suggestions"]
    for url in ["/api/suggest", "/api/suggest?q=", "/api/suggest?q=%00"]:
        resp = client.get(url)
        check(resp, "/api/suggest", "get", covered)
        assert resp.get_json()["suggestions"] == []


def chat(client, body, **kw):
    data = body if isinstance(body, (bytes, str)) else json.dumps(body)
    return client.post("/api/chat", data=data, content_type=kw.pop("content_type", "application/json"), **kw)


def test_chat_responses_match_the_document_for_every_reply_type(client, covered):
    types, state = {}, None
    for message in ["こんにちは", "バックアップキーとは何ですか", "ログインできない", "機種変更でコードが届かない",
                    "明日の天気を教えて", "ありがとう"]:
        resp = chat(client, {"message": message})
        check(resp, "/api/chat", "post", covered)
        types[resp.get_json()["type"]] = message
        state = state or (resp.get_json()["state"] if resp.get_json()["type"] == "wizard" else None)
    assert set(types) == {"answer", "clarify", "wizard", "fallback", "smalltalk"}, types
    check(chat(client, {"message": "はい", "state": state}), "/api/chat", "post", covered)  # inside the wizard
    check(chat(client, {"message": "アプリ", "state": "tampered"}), "/api/chat", "post", covered)


@pytest.mark.parametrize("body, content_type", [
    (b"not json", "application/json"), ({"message": ""}, "application/json"), ({"message": "   "}, "application/json"),
    ({"message": 1}, "application/json"), ({"state": "x"}, "application/json"), ([1, 2], "application/json"),
    ({"message": "a" * 1001}, "application/json"), ({"message": "\x00"}, "application/json"),
    (b'{"message": "\\ud800"}', "application/json"), ({"message": "hi"}, "text/plain"),
])
def test_chat_bad_bodies_are_documented_400s(client, covered, body, content_type):
    resp = chat(client, body, content_type=content_type)
    assert resp.status_code == 400
    check(resp, "/api/chat", "post", covered)


def test_chat_too_large_and_rate_limited_replies_are_documented(make_app, small_content, covered):
    app = make_app(small_content, CHAT_RATE_LIMIT="2/60")
    client = app.test_client()
    big = chat(client, {"message": "a" * 70_000})
    assert big.status_code == 413
    check(big, "/api/chat", "post", covered)
    statuses = [chat(client, {"message": "SMS"}).status_code for _ in range(4)]
    assert statuses[-1] == 429
    limited = chat(client, {"message": "SMS"})
    check(limited, "/api/chat", "post", covered)
    assert int(limited.headers["Retry-After"]) >= 1


def test_contact_code_responses_match_the_document(make_app, small_content, covered):
    from helpcenter.contact import store

    client = make_app(small_content).test_client()
    p = "/api/contact-code"
    client.get("/contact")  # the visitor cookie, so every code below is this visitor's
    for body in ({"messages": ["天気は？"]}, {}):
        check(client.post(p, json=body), p, "post", covered)
    for body in (b"x", b"[]", b'{"messages": "x"}', b'{"messages": [1]}'):
        resp = client.post(p, data=body, content_type="application/json")
        assert resp.status_code == 400
        check(resp, p, "post", covered)
    big = client.post(p, data=json.dumps({"messages": ["a" * 70_000]}), content_type="application/json")
    assert big.status_code == 413
    check(big, p, "post", covered)
    for _ in range(store.MAX_PER_VISITOR_DAY):
        client.post(p, json={})
    limited = client.post(p, json={})
    assert limited.status_code == 429
    check(limited, p, "post", covered)


def test_without_an_index_every_operation_answers_a_documented_503(tmp_path, covered):
    app = create_app(app_config(tmp_path / "empty-instance"))
    client = app.test_client()
    try:
        for resp, (path, method) in [(client.get("/api/search?q=a"), ("/api/search", "get")),
                                     (client.get("/api/suggest?q=a"), ("/api/suggest", "get")),
                                     (chat(client, {"message": "SMS"}), ("/api/chat", "post")),
                                     (client.post("/api/contact-code", json={}), ("/api/contact-code", "post"))]:
            assert resp.status_code == 503
            check(resp, path, method, covered)
    finally:
        app.extensions["helpcenter.index"].close()
        app.extensions["helpcenter.db"].dispose()


def test_every_documented_response_was_produced_by_a_request_above(covered):
    # runs last in this module (pytest keeps file order)
    assert DOCUMENTED - covered == set()


# --- schemathesis -------------------------------------------------------------------

FUZZ_EXAMPLES = 60  # per operation and mode (bounded: the whole fuzzing takes about 15 s here)
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]


@pytest.fixture(scope="module")
def fuzz_schema(tmp_path_factory):
    from helpcenter.publishing import prepare

    # its own app (module scope), with a rate limit the fuzzer cannot reach (429 is checked above)
    app = create_app(app_config(tmp_path_factory.mktemp("fuzz-instance"), CHAT_RATE_LIMIT="1000000/60"))
    prepare(app.config)
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", app)
    yield schema
    app.extensions["helpcenter.index"].close()
    app.extensions["helpcenter.db"].dispose()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
@pytest.mark.parametrize("path, method", OPERATIONS)
def test_fuzzing_finds_no_server_error_and_no_undocumented_response(fuzz_schema, path, method, mode):
    operation = fuzz_schema[path][method.upper()]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=FUZZ_EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case):
        case.call_and_validate(checks=CHECKS)

    run()
