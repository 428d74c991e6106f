"""The HTTP API on the real node: search with filters, facets, sort and collapse; articles; stats;
streamed export; 400 for bad input, 401 without the key, 503 when Elasticsearch is down."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.article import RawArticle
from core.dates import SHANGHAI
from core.settings import reload as reload_settings
from finnews.cli import build_parser
from replica.site import load_articles
from store.client import connect
from store.documents import article_document
from store.lifecycle import ensure_index
from store.search import HIGHLIGHT_POST, HIGHLIGHT_PRE, snippet_html
from store.writer import ArticleWriter
from tagging.extract import extract_article, parse_document
from tests.conftest import TEST_ALIAS, drop_test_indices, fixture_text

SAMPLE_URL = "https://finance.eastmoney.com/a/202205302396636936.html"
COPY_URL = "https://www.xinhuanet.com/fortune/2022-05/30/c_1128697.htm"
EVIL_URL = "https://example.com/news/evil.html"
EVIL_TITLE = "<script>alert(1)</script>恶意标题"
EVIL_MARKUP = "<img src=x onerror=alert(1)>"
ARTICLES = 7  # 4 replica articles, 1 China.org page, 1 syndicated copy, 1 malicious article


def load_api_corpus() -> dict[str, int]:
    """The store tests' corpus (the replica's real articles and a China.org page), plus a syndicated
    copy of the sample (for collapse) and an article whose title and text carry markup (for escaping)."""
    writer = ArticleWriter(connect(), TEST_ALIAS)
    replica = load_articles()
    for article in replica:
        writer.add(article_document(extract_article(article.raw)))
    writer.add(
        article_document(
            extract_article(
                parse_document(fixture_text("chinaorg_article.txt"), "https://www.china.org.cn/x/content_1.htm")
            )
        )
    )
    evil = RawArticle(
        source="text",
        url=EVIL_URL,
        title=EVIL_TITLE,
        published_at=datetime(2022, 5, 30, 9, 30, tzinfo=SHANGHAI),
        media="测试媒体",
        body_text=f"北京推进数字经济发展，{EVIL_MARKUP} 数字经济板块走强。",
    )
    writer.add(article_document(extract_article(evil)))
    writer.flush()  # the copy is recognised against the indexed original
    copy = extract_article(next(a.raw for a in replica if extract_article(a.raw).url == SAMPLE_URL))
    copy.url, copy.media = COPY_URL, "新华社"
    copy.text = copy.text.replace("记者30日", "新华社记者30日")
    writer.add(article_document(copy))
    return writer.close()


@pytest.fixture(scope="module")
def corpus(es_node: object) -> Iterator[str]:
    """Loaded once for the module (the API is read-only); as ``fresh_index``, dropped afterwards."""
    es = connect()
    drop_test_indices(es)
    ensure_index(es, TEST_ALIAS)
    counts = load_api_corpus()
    assert counts["new"] == ARTICLES and counts["duplicates"] == 1, counts
    yield TEST_ALIAS
    drop_test_indices(es)


@pytest.fixture(scope="module")
def client(corpus: str) -> TestClient:
    return TestClient(create_app())


def hits(client: TestClient, **params: object) -> list[dict]:
    response = client.get("/search", params={"size": 50, **params})
    assert response.status_code == 200, response.text
    return response.json()["hits"]


def test_snippet_html_escapes_the_text_and_marks_only_the_highlights() -> None:
    snippet = f"a <b>&{HIGHLIGHT_PRE}数字经济{HIGHLIGHT_POST}</b> 'x'"
    assert snippet_html(snippet) == "a &lt;b&gt;&amp;<em>数字经济</em>&lt;/b&gt; &#x27;x&#x27;"


def test_search_highlights_words_and_escapes_untrusted_text(client: TestClient) -> None:
    response = client.get("/search", params={"q": "数字经济"})
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    body = response.json()
    assert body["total"] >= 4 and body["page"] == 1 and body["size"] == 10
    assert any("<em>数字经济</em>" in hit["snippet"] for hit in body["hits"])
    first = body["hits"][0]
    assert re.fullmatch(r"[0-9a-f]{40}", first["id"]) and first["url"] and first["published_at"]
    assert {"title", "media", "boards", "stocks", "topics", "score"} <= set(first)
    evil = next(hit for hit in body["hits"] if hit["url"] == EVIL_URL)
    assert evil["title"] == EVIL_TITLE  # data stays data in JSON; the page puts it in as text
    assert "&lt;img src=x onerror=alert(1)&gt;" in evil["snippet"] and "<img" not in evil["snippet"]
    assert re.sub(r"</?em>", "", evil["snippet"]).count("<") == 0  # the only tags are the highlights


def test_filters_narrow_the_search(client: TestClient) -> None:
    by_board = hits(client, board="数字经济")
    assert by_board and all("数字经济" in {b["name"] for b in hit["boards"]} for hit in by_board)
    assert {h["id"] for h in by_board} == {h["id"] for h in hits(client, board="BK1061")}
    assert {h["url"] for h in hits(client, stock="603888")} == {SAMPLE_URL, COPY_URL}
    assert {h["url"] for h in hits(client, media="新华网")} == {SAMPLE_URL}
    assert {h["url"] for h in hits(client, topic="digital_economy")} >= {SAMPLE_URL}
    assert {h["url"] for h in hits(client, **{"from": "2022-01-21", "to": "2022-01-21"})} == {
        "https://finance.eastmoney.com/a/202201212257099936.html"
    }
    assert hits(client, board="数字经济", to="2022-05-29") == []
    assert len(hits(client, source="jekyll", topic="")) == len(hits(client, source="jekyll"))  # empty = absent


def test_facets_count_every_match(client: TestClient) -> None:
    body = client.get("/search", params={"q": "", "size": 1}).json()
    assert body["total"] == ARTICLES and len(body["hits"]) == 1
    facets = body["facets"]
    assert set(facets) == {"topics", "boards", "stocks", "media", "months"}
    boards = {entry["value"]: entry["count"] for entry in facets["boards"]}
    assert boards["数字经济"] == len(hits(client, board="数字经济"))
    assert {"新华网", "新华社", "测试媒体"} <= {entry["value"] for entry in facets["media"]}
    months = {entry["value"]: entry["count"] for entry in facets["months"]}
    assert months["2022-05"] >= 4 and sum(months.values()) <= ARTICLES


def test_sort_by_date_and_pages(client: TestClient) -> None:
    dates = [hit["published_at"] for hit in hits(client, sort="date") if hit["published_at"]]
    assert len(dates) >= 5 and dates == sorted(dates, reverse=True)
    page1 = client.get("/search", params={"sort": "date", "size": 3}).json()["hits"]
    page2 = client.get("/search", params={"sort": "date", "size": 3, "page": 2}).json()["hits"]
    assert len(page1) == 3 and page2 and not {h["id"] for h in page1} & {h["id"] for h in page2}


def test_collapse_keeps_one_of_a_syndicated_story(client: TestClient) -> None:
    plain = {hit["url"] for hit in hits(client, q="数字经济")}
    assert {SAMPLE_URL, COPY_URL} <= plain
    collapsed = {hit["url"] for hit in hits(client, q="数字经济", collapse="true")}
    assert len(collapsed & {SAMPLE_URL, COPY_URL}) == 1 and len(collapsed) == len(plain) - 1
    copy = next(hit for hit in hits(client, q="数字经济") if hit["url"] == COPY_URL)
    assert copy["dup_of"]
    # The total counts what the pages hold (stories), and says how many articles they stand for.
    answer = client.get("/search", params={"q": "数字经济", "collapse": "true", "size": 1}).json()
    assert (answer["total"], answer["articles"]) == (len(collapsed), len(plain))
    last_page = client.get("/search", params={"q": "数字经济", "collapse": "true", "size": 1, "page": len(collapsed)})
    assert len(last_page.json()["hits"]) == 1  # issue 23, item 4: the last page the total promises has its hit


def test_article_by_id_and_404s(client: TestClient) -> None:
    hit = hits(client, stock="603888", media="新华网")[0]
    response = client.get(f"/articles/{hit['id']}")
    assert response.status_code == 200
    article = response.json()
    assert article["url"] == SAMPLE_URL and article["id"] == hit["id"]
    assert "数字经济" in article["text"] and article["mentions"] and article["keywords"]
    assert "text_words" not in article and "content_hash" not in article
    for missing in ("0" * 40, "not-an-id", "A" * 40, "%2e%2e", "x" * 500):
        response = client.get(f"/articles/{missing}")
        assert response.status_code == 404 and "error" in response.json(), missing
    assert client.get("/nothing-here").json() == {"error": "Not Found"}


def test_stats_by_board_per_month(client: TestClient) -> None:
    response = client.get("/stats", params={"by": "board", "interval": "month", "source": "jekyll", "top": 3})
    assert response.status_code == 200, response.text
    stats = response.json()
    assert stats["by"] == "board" and stats["interval"] == "month"
    assert stats["periods"][0] == "2022-01" and stats["periods"][-1] == "2022-05"
    assert "数字经济" in stats["series"] and len(stats["series"]) == 3
    for value, counts in stats["series"].items():
        assert len(counts) == len(stats["periods"]) and sum(counts) == stats["totals"][value]
    assert stats["articles"] == len(hits(client, source="jekyll"))
    assert stats["cooccurring"]["boards"] and stats["cooccurring"]["stocks"]
    empty = client.get("/stats", params={"board": "数字经济", "to": "2000-01-01"}).json()
    assert empty["articles"] == 0 and empty["series"] == {} and empty["periods"] == []


def test_export_streams_every_matching_article_once(client: TestClient) -> None:
    with client.stream("GET", "/export") as response:
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/x-ndjson"
        assert "content-length" not in response.headers  # streamed, not built in memory
        rows = [json.loads(line) for line in response.iter_lines() if line]
    assert len(rows) == ARTICLES and len({row["id"] for row in rows}) == ARTICLES
    assert {row["id"] for row in rows} == {hit["id"] for hit in hits(client)}
    assert all("text" in row and "text_words" not in row for row in rows)
    assert EVIL_TITLE in {row["title"] for row in rows}
    filtered = [json.loads(line) for line in client.get("/export", params={"board": "数字经济"}).text.splitlines()]
    assert {row["id"] for row in filtered} == {hit["id"] for hit in hits(client, board="数字经济")}
    none = client.get("/export", params={"from": "2030-01-01"})
    assert none.status_code == 200 and none.text == ""


def test_export_as_csv_is_honoured(client: TestClient) -> None:
    """Issue 23, item 5: ``/export?format=csv`` used to answer JSON Lines."""
    response = client.get("/export", params={"format": "csv", "board": "数字经济", "excel": "true"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert response.content[:3] == b"\xef\xbb\xbf"
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {row["id"] for row in rows} == {hit["id"] for hit in hits(client, board="数字经济")}
    assert all("BK1061" in row["board_codes"].split(";") for row in rows)
    assert client.get("/export", params={"format": "xlsx"}).status_code == 400


@pytest.mark.parametrize(
    ("path", "params", "message"),
    [
        ("/search", {"board": "不存在的板块"}, "unknown board"),
        ("/search", {"topic": "nothing"}, "unknown topic"),
        ("/search", {"from": "2022-13-45"}, "not a date"),
        ("/search", {"to": "yesterday-ish"}, "not a date"),
        ("/search", {"size": 0}, "size"),
        ("/search", {"size": 101}, "size"),
        ("/search", {"size": "ten"}, "size"),
        ("/search", {"page": 0}, "page"),
        ("/search", {"page": 101, "size": 100}, "page"),
        ("/search", {"q": "数" * 201}, "q"),
        ("/search", {"board": "板" * 101}, "board"),
        ("/search", {"sort": "popular"}, "sort"),
        ("/search", {"collapse": "perhaps"}, "collapse"),
        ("/stats", {"by": "author"}, "by"),
        ("/stats", {"interval": "hour"}, "interval"),
        ("/stats", {"top": 31}, "top"),
        ("/stats", {"stock": "不存在", "board": "nope"}, "unknown board"),
        ("/export", {"from": "2022-02-30"}, "not a date"),
    ],
)
def test_bad_input_is_400_with_a_reason(client: TestClient, path: str, params: dict, message: str) -> None:
    response = client.get(path, params=params)
    assert response.status_code == 400, response.text
    assert message in response.json()["error"]


@pytest.mark.parametrize(
    ("query_string", "message"),
    [
        ("q=%C4%FE%B5%C2%CA%B1%B4%FA", "q is not valid UTF-8 text"),  # 宁德时代 in GBK
        ("stock=%C4%FE%B5%C2%CA%B1%B4%FA", "stock is not valid UTF-8 text"),
        ("q=&q=%E4%B8%8D%E5%AD%98%E5%9C%A8", "q is given 2 times; give it once"),
        ("q=%E6%95%B0%E5%AD%97&size=5&size=50", "size is given 2 times"),
    ],
)
def test_a_query_string_not_utf8_or_repeating_a_single_parameter_is_400(
    client: TestClient, query_string: str, message: str
) -> None:
    """Audit 5, gap 7: GBK bytes were decoded as U+FFFD (a 200 with 0 hits, where the CLI says the
    text is not UTF-8), and a repeated q silently searched the last one."""
    for path in ("/search", "/stats", "/export"):
        response = client.get(f"{path}?{query_string}")
        assert response.status_code == 400 and message in response.json()["error"], (path, response.text)
    # A filter may repeat (any of its values); U+FFFD sent as UTF-8 is text like any other.
    assert client.get("/search?stock=600519&stock=300750&q=%EF%BF%BD").status_code == 200


def test_api_key_is_required_when_set(corpus: str) -> None:
    keyed = TestClient(create_app(api_key="s3cret"))
    for path in ("/search", "/stats", "/export", "/openapi.json", f"/articles/{'0' * 40}"):
        response = keyed.get(path)
        assert response.status_code == 401 and "X-API-Key" in response.json()["error"], path
        assert keyed.get(path, headers={"X-API-Key": "wrong"}).status_code == 401
    assert keyed.get("/search", headers={"X-API-Key": "s3cret"}).json()["total"] == ARTICLES
    schema = keyed.get("/openapi.json", headers={"X-API-Key": "s3cret"}).json()
    assert schema["components"]["securitySchemes"]["ApiKey"]["name"] == "X-API-Key"
    # The page and its files open without the key: the page is what asks for it.
    assert keyed.get("/").status_code == 200 and keyed.get("/static/app.js").status_code == 200


def test_the_page_and_its_files(client: TestClient) -> None:
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert '<script src="/static/app.js"' in page.text and "财经新闻检索" in page.text
    policy = page.headers["content-security-policy"]
    assert "script-src 'self'" in policy and "connect-src 'self'" in policy
    assert not re.search(r"(src|href)=\"(https?:)?//", page.text)  # nothing from outside the server
    script = client.get("/static/app.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert ".innerHTML" not in script.text and "insertAdjacentHTML" not in script.text
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")
    assert client.get("/docs").status_code == 404  # Swagger UI would load a CDN


def test_openapi_schema_describes_the_responses(client: TestClient) -> None:
    schema = client.get("/openapi.json").json()
    assert set(schema["paths"]) == {
        "/search",
        "/suggest",
        "/articles/{article_id}",
        "/stats",
        "/export",
        "/runs",
        "/runs/{run_id}",
        "/jobs",
        "/health",
        "/metrics",
        "/feeds/search.xml",
        "/feeds/{name}.xml",
    }
    search = schema["paths"]["/search"]["get"]
    assert search["responses"]["200"]["content"]["application/json"]["schema"]["$ref"].endswith("/SearchResponse")
    assert {"400", "401", "503"} <= set(search["responses"]) and "422" not in search["responses"]
    export = schema["paths"]["/export"]["get"]["responses"]
    assert export["200"]["content"]["application/x-ndjson"]["schema"]["$ref"].endswith("/Article")
    assert {p["name"] for p in search["parameters"]} >= {"q", "from", "to", "board", "page", "size", "collapse"}


@pytest.fixture
def unreachable_es(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Point the configuration at a closed port (settings are cached: clear them on both sides)."""
    monkeypatch.setenv("FINNEWS_ES_URL", "http://127.0.0.1:9")
    reload_settings()
    yield
    monkeypatch.undo()
    reload_settings()


def test_elasticsearch_down_is_503(unreachable_es: None) -> None:
    down = TestClient(create_app())
    for path in ("/search", "/stats", "/export", f"/articles/{'a' * 40}"):
        response = down.get(path)
        assert response.status_code == 503, (path, response.text)
        assert "not reachable" in response.json()["error"] and response.headers["retry-after"]
    assert down.get("/search", params={"size": 0}).status_code == 400  # bad input is still bad input
    assert down.get("/").status_code == 200


def test_serve_is_a_finnews_subcommand() -> None:
    args = build_parser().parse_args(["serve", "--port", "8123"])
    assert (args.host, args.port, args.api_key) == ("127.0.0.1", 8123, None) and callable(args.func)


def test_every_search_and_every_watchlist_is_an_atom_feed(corpus: str) -> None:
    """Issue 24: /feeds/search.xml?q=…&stock=… and /feeds/<watchlist>.xml, read by a feed library; a feed
    reader sends no header, so with an API key the feed's address carries it."""
    import feedparser

    client = TestClient(create_app("feed-key"))
    assert client.get("/feeds/search.xml", params={"q": "数字经济"}).status_code == 401
    response = client.get("/feeds/search.xml", params={"q": "数字经济", "key": "feed-key"})
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo and feed.version == "atom10"
    searched = TestClient(create_app()).get("/search", params={"q": "数字经济", "size": 50}).json()
    assert {entry.id.rsplit(":", 1)[1] for entry in feed.entries} == {hit["id"] for hit in searched["hits"]}
    assert client.get("/search", params={"key": "feed-key"}).status_code == 401  # only feeds take it so
    watched = client.get("/feeds/chips.xml", params={"key": "feed-key"})
    assert watched.status_code == 200 and feedparser.parse(watched.content).feed.title == "半导体与芯片"
    missing = client.get("/feeds/no-such-list.xml", params={"key": "feed-key"})
    assert missing.status_code == 404 and "no watchlist" in missing.json()["error"]
