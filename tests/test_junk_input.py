"""Any query string, page number, path, wizard path or form post gets a clear
answer, never a 500: random junk (control characters, lone surrogates, emoji,
query syntax, full-width digits) against every endpoint, with a fixed seed."""
import json
import random
import string
from urllib.parse import quote

import pytest

ALPHABET = (string.printable + "あいう漢字ｱｲｳ０１２\u3000\ud800\U0001F600%&?#/\\<>\"'\x00\x1f{}[]()*:~^"
            + "AND OR NOT")
GETS = ["/search?q={}", "/search?q=機種&page={}", "/search?q=a&category={}", "/api/search?q={}",
        "/api/search?q=x&page={}", "/api/suggest?q={}", "/category/{}", "/category/two-factor?page={}",
        "/faq/{}", "/wizard/{}", "/wizard/changing-phones/{}", "/wizard/{}/map", "/admin/{}",
        "/feedback/reason?{}", "/{}", "/chat?{}"]


def junk(rnd: random.Random) -> str:
    return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 40)))


def enc(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("seed", range(4))
def test_random_junk_never_causes_a_server_error(client, seed):
    rnd = random.Random(seed)
    for _ in range(120):
        url = rnd.choice(GETS).format(quote(enc(junk(rnd)), safe=""))
        assert client.get(url).status_code < 500, url
    for _ in range(25):
        body = rnd.choice([junk(rnd), json.dumps({"message": junk(rnd)}),
                           json.dumps({"message": junk(rnd), "state": junk(rnd)}), '{"message": "\\ud800"}'])
        resp = client.post("/api/chat", data=enc(body), content_type=rnd.choice(["application/json", "text/plain"]))
        assert resp.status_code < 500, body
        for url, data in [("/feedback", {"target_type": junk(rnd), "target": junk(rnd), "helpful": junk(rnd)}),
                          ("/chat", {"message": junk(rnd), "state": junk(rnd)}),
                          ("/text-size", {"size": junk(rnd), "next": junk(rnd)}),
                          ("/admin/login", {"password": junk(rnd)})]:
            resp = client.post(url, data={k: enc(v) for k, v in data.items()})
            assert resp.status_code < 500, (url, data)
