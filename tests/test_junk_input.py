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
        "/feedback/reason?{}", "/{}", "/chat?{}", "/sitemap.xml?{}", "/robots.txt?{}", "/feed.atom?{}",
        "/opensearch.xml?{}", "/favicon.ico?{}", "/sitemap.xml/{}", "/feed.atom?page={}", "/api/openapi.json?{}",
        "/contact?q={}", "/contact/matches?q={}", "/contact/code/{}", "/admin/lookup?code={}",
        "/furigana?on=1&next={}"]
DISCOVERY = ["/sitemap.xml", "/robots.txt", "/feed.atom", "/opensearch.xml", "/favicon.ico", "/", "/faq/3816",
             "/category/two-factor"]


def junk(rnd: random.Random) -> str:
    return "".join(rnd.choice(ALPHABET) for _ in range(rnd.randint(0, 40)))


def enc(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


@pytest.mark.parametrize("seed", range(4))
def test_random_junk_never_causes_a_server_error(client, seed):
    rnd = random.Random(seed)
    if seed % 2:  # half the runs with furigana on: readings added to whatever the junk finds
        client.set_cookie("hc_furigana", "1")
    for _ in range(120):
        url = rnd.choice(GETS).format(quote(enc(junk(rnd)), safe=""))
        assert client.get(url).status_code < 500, url
    for _ in range(25):
        body = rnd.choice([junk(rnd), json.dumps({"message": junk(rnd)}),
                           json.dumps({"message": junk(rnd), "state": junk(rnd)}), '{"message": "\\ud800"}'])
        for url in ("/api/chat", "/api/contact-code"):
            resp = client.post(url, data=enc(body), content_type=rnd.choice(["application/json", "text/plain"]))
            assert resp.status_code < 500, (url, body)
        for url, data in [("/feedback", {"target_type": junk(rnd), "target": junk(rnd), "helpful": junk(rnd)}),
                          ("/chat", {"message": junk(rnd), "state": junk(rnd)}),
                          ("/text-size", {"size": junk(rnd), "next": junk(rnd)}),
                          ("/furigana", {"on": junk(rnd), "next": junk(rnd)}),
                          ("/admin/login", {"password": junk(rnd)}),
                          ("/contact/code", {"source": junk(rnd), "q": junk(rnd), "wizard": junk(rnd),
                                             "path": junk(rnd), "log": junk(rnd)})]:
            resp = client.post(url, data={k: enc(v) for k, v in data.items()})
            assert resp.status_code < 500, (url, data)


@pytest.mark.parametrize("seed", range(2))
def test_junk_host_headers_never_cause_a_server_error_or_reach_a_page_unescaped(client, seed):
    """Without HELPCENTER_BASE_URL absolute URLs come from the Host header."""
    rnd = random.Random(seed)
    for _ in range(60):
        host = "".join(rnd.choice(string.printable[:-6] + "あ<>\"'&") for _ in range(rnd.randint(1, 30)))
        url = rnd.choice(DISCOVERY)
        resp = client.get(url, headers={"Host": host})
        assert resp.status_code < 500, (url, host)
        if resp.mimetype.startswith("image/"):
            continue
        body = resp.get_data(as_text=True)
        assert "<script>" not in body.replace('<script type="application/ld+json">', ""), (url, host)


@pytest.mark.parametrize("url", ["/sitemap.xml", "/robots.txt", "/feed.atom", "/opensearch.xml", "/favicon.ico"])
def test_discovery_urls_refuse_other_methods_cleanly(client, url):
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)(url, data=b"\x00junk").status_code == 405, (method, url)
