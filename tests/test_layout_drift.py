"""Meeting the real sites, piece by piece: each spider's identity from configs/sites.yaml (validated,
set per endpoint), article pages in the 2026 forms (time outside ``div.infos``, outlet without
"来源：" or only at the body's end, share and app widgets), and layout drift as an incident: the
run's status, the alert rule, the crawl's exit code and the ``sites check`` verdict."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from scrapy import Request

from alerts.rules import Rule, verdict
from core.config import ConfigError
from core.dates import SHANGHAI
from crawler.blocking import SOURCE_META
from crawler.check import source_verdict
from crawler.identity import apply_identity, endpoint_of
from crawler.seen import ARTICLE_FLAG
from crawler.sites import load_sites, parse_sites
from finnews.commands_crawl import crawl_exit_code
from replica.eastmoney_pages import render_article_page, render_article_page_2026, render_drifted_article_page
from replica.site import ReplicaSite, SiteForms, load_articles, synthetic_articles
from scheduler.jobs import Job
from scheduler.status import run_status
from tagging.extract import extract_article
from tagging.pages.eastmoney import parse_article_page

NOW = datetime(2026, 12, 5, 12, 0, tzinfo=SHANGHAI)
SITE = {"domains": ["finance.eastmoney.com"], "concurrency": 2, "delay": 1.0}


def sites_with(identity: object) -> dict:
    return {"sites": {"eastmoney": {**SITE, "identity": identity}}}


# --- identity ------------------------------------------------------------------------------------


def test_the_shipped_identities_look_like_a_browser_with_each_apis_referer() -> None:
    sites = load_sites()
    eastmoney = sites.identity("eastmoney")
    assert eastmoney is not None and eastmoney.user_agent.startswith("Mozilla/5.0")
    assert "finnews" not in eastmoney.user_agent.lower() and "bot" not in eastmoney.user_agent.lower()
    assert eastmoney.referer("fast") == "https://kuaixun.eastmoney.com/"
    assert eastmoney.referer("columns") == "https://finance.eastmoney.com/"
    assert eastmoney.referer("anything else") == "https://finance.eastmoney.com/"  # the default
    assert sites.identity("chinaorg") is not None
    assert sites.identity("no such site") is None


@pytest.mark.parametrize(
    ("identity", "message"),
    [
        ({"user_agent": "a\nb"}, "user_agent: expected one line"),
        ({"user_agnet": "x"}, "did you mean 'user_agent'"),
        ({"referers": {"fsat": "https://kuaixun.eastmoney.com/"}}, "did you mean 'fast'"),
        ({"referers": {"fast": "kuaixun.eastmoney.com"}}, "referers.fast: expected an http(s) URL"),
        ({"headers": {"Cookie": "a=b"}}, "headers.Cookie: set by user_agent / referers or by Scrapy"),
        ({"headers": {"Bad Header": "x"}}, "is not a header name"),
        ({"headers": ["Accept"]}, "headers: expected a mapping"),
        ("Mozilla/5.0", "expected a mapping with user_agent, headers, referers"),
    ],
)
def test_a_malformed_identity_is_a_clear_error(identity: object, message: str) -> None:
    with pytest.raises(ConfigError, match=r"sites\.yaml") as error:
        parse_sites(sites_with(identity))
    assert message in str(error.value)


def test_each_request_gets_its_endpoints_referer_and_the_sites_user_agent() -> None:
    identity = parse_sites(
        sites_with(
            {
                "user_agent": "Mozilla/5.0 Test",
                "headers": {"Accept-Language": "zh-CN"},
                "referers": {"fast": "https://kuaixun.eastmoney.com/", "default": "https://finance.eastmoney.com/"},
            }
        )
    ).identity("eastmoney")
    fast = Request("http://127.0.0.1/comm/web/getFastNewsList", meta={SOURCE_META: "fast:102"})
    article = Request("http://127.0.0.1/a/1.html", meta={SOURCE_META: "fast:102", ARTICLE_FLAG: True})
    own = Request("http://127.0.0.1/x", headers={"Accept-Language": "en"})
    for request in (fast, article, own):
        apply_identity(request, identity)
    assert [endpoint_of(r) for r in (fast, article, own)] == ["fast", "articles", "default"]
    assert fast.headers["Referer"] == b"https://kuaixun.eastmoney.com/"
    assert article.headers["Referer"] == b"https://finance.eastmoney.com/"
    assert fast.headers["User-Agent"] == b"Mozilla/5.0 Test"
    assert own.headers["Accept-Language"] == b"en"  # a header the request set itself is kept


def test_each_request_carries_the_fetch_metadata_a_browser_sends_for_it() -> None:
    """Eastmoney's list endpoints answer an empty list to a request without browser context: Referer, cookies,
    ``sec-fetch-*`` headers (../shared/reference/sites.md, how the sites refuse crawlers; the search API's empty
    answers were traced to them in 2026, PROVENANCE.md). A working 2026 client sends ``Accept: */*`` to the APIs."""
    sites = load_sites()
    eastmoney, chinaorg = sites.identity("eastmoney"), sites.identity("chinaorg")
    column = Request(
        "https://np-listapi.eastmoney.com/comm/web/getNewsByColumns?column=345", meta={SOURCE_META: "columns:345"}
    )
    fast = Request("https://np-weblist.eastmoney.com/comm/web/getFastNewsList", meta={SOURCE_META: "fast:102"})
    article = Request("https://finance.eastmoney.com/a/202608193840000001.html", meta={ARTICLE_FLAG: True})
    listed = Request("http://app.finance.china.com.cn/news/column.php?cname=x&p=1", meta={SOURCE_META: "list:x"})
    replica = Request("http://127.0.0.1:8000/comm/web/getNewsByColumns", meta={SOURCE_META: "columns:345"})
    own = Request(
        "https://finance.eastmoney.com/a/cywjh.html", headers={"Sec-Fetch-Site": "none", "Accept": "text/html"}
    )
    for request, identity in ((column, eastmoney), (fast, eastmoney), (article, eastmoney), (replica, eastmoney)):
        apply_identity(request, identity)
    apply_identity(listed, chinaorg)
    apply_identity(own, eastmoney)

    def fetch(request: Request) -> tuple[str, ...]:
        names = ("Sec-Fetch-Site", "Sec-Fetch-Mode", "Sec-Fetch-Dest", "Accept")
        return tuple((request.headers.get(name) or b"").decode() for name in names)

    assert fetch(column) == ("same-site", "no-cors", "script", "*/*")  # the list page's JSONP call to np-listapi
    assert fetch(fast) == ("same-site", "no-cors", "script", "*/*")  # kuaixun.eastmoney.com's to np-weblist
    assert b"Origin" not in column.headers  # (a script load has none; a cors call would)
    assert fetch(article)[:3] == ("same-origin", "navigate", "document")  # a link on finance.eastmoney.com
    assert article.headers["Sec-Fetch-User"] == b"?1"
    assert fetch(listed)[:3] == ("same-site", "navigate", "document")  # finance. → app.finance.china.com.cn
    assert fetch(replica)[0] == "cross-site"  # the replica's host is not the Referer's site
    assert fetch(own) == ("none", "navigate", "document", "text/html")  # what the request set itself is kept


def test_the_replica_refuses_an_api_request_without_fetch_metadata_and_answers_the_crawls() -> None:
    """The replica's APIs, told to want fetch metadata as the real ones are reported to, answer an empty list to a
    request with User-Agent and Referer only, and the list to one the spider's identity dressed."""
    site = ReplicaSite(synthetic_articles(3), forms=SiteForms.of("2026", require_fetch_metadata=True))
    eastmoney = load_sites().identity("eastmoney")
    query = {"column": ["345"], "page_index": ["1"], "page_size": ["20"], "req_trace": ["1"]}

    def listed(headers: dict[str, str]) -> list:
        answer = site.handle("/comm/web/getNewsByColumns", query, "http://127.0.0.1:1", headers=headers)
        return json.loads(answer[2].decode("utf-8"))["data"]["list"]

    bare = {"User-Agent": eastmoney.user_agent, "Referer": "https://finance.eastmoney.com/"}
    assert listed(bare) == []
    request = Request("http://127.0.0.1:1/comm/web/getNewsByColumns", meta={SOURCE_META: "columns:345"})
    apply_identity(request, eastmoney)
    dressed = {name.decode(): values[0].decode() for name, values in request.headers.items()}
    assert len(listed(dressed)) == 3


# --- article pages -------------------------------------------------------------------------------


def test_article_pages_in_the_2026_forms_keep_time_outlet_and_text() -> None:
    for index, replica in enumerate(load_articles()):
        page = render_article_page_2026(replica, index)
        raw = parse_article_page(page, f"https://finance.eastmoney.com/a/{replica.code}.html")
        article = extract_article(raw)
        assert raw.published_at == replica.raw.published_at.replace(second=0)  # outside div.infos, to the minute
        assert article.media, replica.code  # in the header without 来源：, or only at the body's end
        assert "打开微信" not in article.text and "点击底部" not in article.text and "扫一扫" not in article.text
        assert "下载东方财富APP" not in article.text
        classic = extract_article(parse_article_page(render_article_page(replica), "https://x/a/1.html"))
        assert article.text == classic.text  # the same article text as the older page gives


def test_the_bodys_source_line_outranks_a_header_item_without_a_source_label() -> None:
    """Live-answer audit (day 17): the 2026 header may show the outlet alone, without 来源：, so an item such as
    an app button (APP内打开) was taken for the outlet ahead of the body's （文章来源：第一财经）."""
    page = (
        "<html><head><title>标题_东方财富网</title></head><body><div class='infos'><div class='item'>2026年08月17日 20:16"
        "</div><div class='item'>APP内打开</div></div><div id='ContentBody'><p>正文第一段。</p>"
        "<p class='em_media'>（文章来源：第一财经）</p></div></body></html>"
    )
    assert parse_article_page(page, "https://finance.eastmoney.com/a/202608173834567890.html").media == "第一财经"
    header_only = page.replace("<p class='em_media'>（文章来源：第一财经）</p>", "").replace("APP内打开", "证券时报")
    assert (
        parse_article_page(header_only, "https://finance.eastmoney.com/a/202608173834567890.html").media == "证券时报"
    )


def test_an_outlet_line_that_goes_on_with_the_author() -> None:
    """Review of day 22: a 2014-style header line 来源：X 作者：Y gave the outlet "X 作者：Y"."""
    page = (
        "<html><head><title>标题_东方财富网</title></head><body><div class='newText'><h1>标题</h1><div class='Info'>"
        "<span>2014-05-06 09:30:12</span><span>来源：中国证券报 作者：李明</span></div>"
        "<div id='ContentBody'><p>正文第一段。</p></div></div></body></html>"
    )
    assert (
        parse_article_page(page, "https://finance.eastmoney.com/news/1350,20140506123456789.html").media == "中国证券报"
    )
    one_item = page.replace("<span>来源：中国证券报 作者：李明</span>", "<span>来源：21世纪经济报道</span>")
    media = parse_article_page(one_item, "https://finance.eastmoney.com/news/1350,20140506123456789.html").media
    assert media == "21世纪经济报道"


def test_an_outlet_line_that_goes_on_with_a_qualified_label_or_after_a_bar() -> None:
    """Review of the day's changes: the cut above kept the qualifier of a byline's label (来源：证券时报网 实习记者：李明
    gave the outlet "证券时报网 实习", 英文编辑： "… 英文") and a bar or bracket before it ("上海证券报 |", "新华网（")."""
    url = "https://finance.eastmoney.com/news/1350,20140506123456789.html"
    page = (
        "<html><head><title>标题_东方财富网</title></head><body><div class='newText'><h1>标题</h1><div class='Info'>"
        "<span>2014-05-06 09:30:12</span><span>来源：{}</span></div>"
        "<div id='ContentBody'><p>正文第一段。</p></div></div></body></html>"
    )
    lines = {
        "证券时报网 实习记者：李明": "证券时报网",
        "中国基金报 英文编辑：王五": "中国基金报",
        "上海证券报 | 作者：李明": "上海证券报",
        "新华网（记者：张三）": "新华网",
        "新华社(北京)": "新华社(北京)",
        "21世纪 经济报道": "21世纪 经济报道",
    }
    assert {line: parse_article_page(page.format(line), url).media for line in lines} == lines


def test_a_page_that_shows_its_time_never_gets_a_midnight_one() -> None:
    replica = load_articles()[0]
    page = render_article_page(replica).replace('<div class=" item">', '<div class="x-meta">', 1)
    raw = parse_article_page(page, f"https://finance.eastmoney.com/a/{replica.code}.html")
    assert raw.published_at == replica.raw.published_at.replace(second=0)
    assert (raw.published_at.hour, raw.published_at.minute) != (0, 0)


def test_a_redesigned_article_page_has_no_known_body() -> None:
    from tagging.pages.page import NotAnArticleError

    with pytest.raises(NotAnArticleError):
        parse_article_page(render_drifted_article_page(load_articles()[0]), "https://x/a/1.html")


# --- drift as an incident -----------------------------------------------------------------------


def counts(errors: dict[str, int], new: int = 0, sources: tuple[str, ...] = ("pages:cywjh",)) -> dict:
    return {
        "articles": {"new": new},
        "errors": [{"reason": r, "count": c} for r, c in errors.items()],
        "ok_answers": 3,
        "layout_changed_sources": list(sources),
    }


JOB = Job(name="eastmoney", cron="*/10 * * * *", timeout=60, spider="eastmoney")


def test_a_layout_change_makes_the_run_partial_or_failed_whatever_the_exit_code() -> None:
    changed = {"layout_changed/list_page": 1}
    for outcome in ("failed", "succeeded"):
        status, why = run_status(outcome, JOB, counts(changed, new=12), "", 1, None, NOW)
        assert status == "partial"
        assert why == "layout changed at pages:cywjh (layout_changed/list_page 1) — 12 article(s) gathered"
        status, why = run_status(outcome, JOB, counts(changed), "", 1, None, NOW)
        assert (status, why) == ("failed", "layout changed at pages:cywjh (layout_changed/list_page 1)")
    assert run_status("timeout", JOB, counts(changed), "", None, None, NOW)[0] == "timeout"
    assert run_status("succeeded", JOB, counts({"http_404": 1}, new=3), "", 0, None, NOW)[0] == "succeeded"


def test_the_layout_changed_alert_rule() -> None:
    rule = Rule(name="site-changed", when="layout_changed", channels=("ops",))
    record = {"outcome": "partial", "reason": "layout changed at fast:102", **counts({"layout_changed/api_fields": 2})}
    tripped, why = verdict(rule, record, 0)
    assert tripped and why == "layout_changed/api_fields 2: layout changed at fast:102"
    assert verdict(rule, {"outcome": "succeeded", **counts({"http_500": 4})}, 0) == (False, "")


def stats(**values: object) -> dict:
    return {"finish_reason": "finished", "downloader/request_count": 10, "finnews/ok_answers": 4, **values}


def test_the_crawls_exit_code() -> None:
    assert crawl_exit_code(stats()) == 0
    assert crawl_exit_code(stats(**{"finnews/errors/http_404": 2})) == 0  # a dead link is not the crawl failing
    assert crawl_exit_code(stats(**{"finnews/errors/layout_changed/list_page": 1})) == 1
    assert crawl_exit_code(stats(**{"spider_exceptions/KeyError": 1})) == 1
    assert crawl_exit_code(stats(finish_reason="shutdown")) == 130  # interrupted (Ctrl-C, SIGTERM), as documented
    assert crawl_exit_code(stats(finish_reason="spool_full")) == 1
    every_request_failed = stats(**{"finnews/ok_answers": 0, "finnews/errors/connection_refused": 10})
    assert crawl_exit_code(every_request_failed) == 1


def article_report(**changes: object) -> dict:
    return {
        "url": "https://finance.eastmoney.com/a/1.html",
        "title": "标题",
        "time": "2026-12-05T09:30:00+08:00",
        "outlet": "新华网",
        "body_chars": 800,
        **changes,
    }


def test_the_sites_check_verdicts() -> None:
    listed = {"url": "u", "items": 20, "next": "sortEnd=17"}
    assert source_verdict("fast:102", {"problems": [], "list": listed, "article": article_report()}).ok
    no_outlet = source_verdict("fast:102", {"problems": [], "list": listed, "article": article_report(outlet=None)})
    assert no_outlet.ok and no_outlet.warnings == ["no outlet"]
    untitled = source_verdict("fast:102", {"problems": [], "list": listed, "article": article_report(title="")})
    assert (untitled.status, untitled.missing) == ("BROKEN", ["title"])
    # A real flash may be 26 characters long (third audit: a working 7×24 source was BROKEN on them);
    # an article of a column is not.
    flash = source_verdict("fast:102", {"problems": [], "list": listed, "article": article_report(body_chars=26)})
    assert flash.ok
    short = source_verdict("fast:102", {"problems": [], "list": listed, "article": article_report(body_chars=6)})
    assert short.missing == ["body (6 characters)"]
    column = source_verdict("columns:345", {"problems": [], "list": listed, "article": article_report(body_chars=26)})
    assert column.missing == ["body (26 characters)"]
    no_cursor = source_verdict(
        "fast:102", {"problems": [], "list": {**listed, "next": None}, "article": article_report()}
    )
    assert no_cursor.missing == ["no next page or cursor"]
    blocked = source_verdict("columns:345", {"problems": ["blocked/captcha http://x"]})
    assert blocked.status == "BLOCKED" and blocked.missing[0] == "blocked/captcha http://x"
    changed = source_verdict("pages:cywjh", {"problems": ["layout_changed/list_page (no article link) http://x"]})
    assert changed.status == "BROKEN" and changed.missing[0].startswith("layout_changed/list_page")
