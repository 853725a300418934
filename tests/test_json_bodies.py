"""Every JSON endpoint answers any body (nested, huge, wrong types, not an
object) with a 4xx JSON error, never a 500 or a traceback."""
import json

import pytest

from helpcenter.web import jsonbody

NESTED = b'{"message":"hi","x":' + b"[" * 1000 + b"]" * 1000 + b"}"
VALUES = [None, True, 0, -1, 1.5, 1e308, "", "x", [], {}, [[[]]], {"a": {"b": []}}, "\ud800", "a" * 20_000]


def _assert_json_error(r, codes=(400,)):
    assert r.status_code in codes, (r.status_code, r.get_data()[:200])
    body = r.get_json()
    assert isinstance(body, dict) and body["error"] and body["message"]
    assert b"Traceback" not in r.get_data()


def test_deeply_nested_body_is_a_400_json_error(client):
    r = client.post("/api/chat", data=NESTED, content_type="application/json")
    _assert_json_error(r)
    assert "nested" in r.get_json()["message"]


@pytest.mark.parametrize("body", [
    b"[" * 60_000, b"{" * 60_000, b'{"a":' * 10_000, b'{"message": "hi", "state": ' + b"[" * 500 + b"]" * 500 + b"}",
    b'{"message": "' + b"[" * 5000 + b'"}',  # brackets inside a string are text, not nesting
])
def test_any_nesting_is_refused_or_read_never_500(client, body):
    r = client.post("/api/chat", data=body, content_type="application/json")
    assert r.status_code < 500 and r.is_json


def test_brackets_inside_strings_do_not_count_as_nesting():
    assert jsonbody.depth('{"a": "[[[[{{{{", "b": ["\\"]]]]"]}') == 2
    assert jsonbody.parse_object(b'{"message": "' + b"[" * 100 + b'"}')["message"] == "[" * 100


def test_a_body_over_the_size_limit_is_a_413_json_error(client):
    r = client.post("/api/chat", data=json.dumps({"message": "a" * 70_000}), content_type="application/json")
    _assert_json_error(r, (413,))


@pytest.mark.parametrize("body", [b"", b"null", b"true", b"1", b"1e999", b"NaN", b'"x"', b"[]", b"[{}]",
                                  b"1" * 5000, b'{"message": 1' + b"0" * 5000 + b"}", b"{'message': 'hi'}",
                                  b'{"message": "hi"', b"\x00", b"\xef\xbb\xbf{}"])
def test_non_objects_and_broken_json_are_400_json_errors(client, body):
    _assert_json_error(client.post("/api/chat", data=body, content_type="application/json"))
    _assert_json_error(client.post("/api/contact-code", data=body, content_type="application/json"))


def test_the_contact_code_endpoint_refuses_deep_nesting_too(client):
    _assert_json_error(client.post("/api/contact-code", data=NESTED, content_type="application/json"))


@pytest.mark.parametrize("value", [v for v in VALUES if v != "x"])
def test_wrong_types_for_message_are_400_json_errors(client, value):
    body = json.dumps({"message": value})
    _assert_json_error(client.post("/api/chat", data=body, content_type="application/json"))


@pytest.mark.parametrize("value", VALUES)
def test_any_state_is_read_as_a_fresh_conversation(client, value):
    r = client.post("/api/chat", data=json.dumps({"message": "こんにちは", "state": value}),
                    content_type="application/json")
    assert r.status_code == 200 and r.get_json()["type"]


@pytest.mark.parametrize("path", ["/api/search?q=a", "/api/suggest?q=a", "/api/nowhere"])
@pytest.mark.parametrize("method", ["POST", "PUT", "DELETE", "PATCH"])
def test_other_api_endpoints_answer_json_to_bodies(client, path, method):
    r = client.open(path, method=method, data=NESTED, content_type="application/json")
    assert 400 <= r.status_code < 500 and r.is_json and r.get_json()["error"]
