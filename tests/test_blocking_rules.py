"""Blocked, not just failed — the pure parts: telling a refusal, the back-off and the stop (with a
fake clock), the memory of lists that had items, and a run's status from what its crawl counted."""

from __future__ import annotations

import gzip
import html
import json
import re
import zlib
from datetime import datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from core.config import ConfigError
from core.dates import SHANGHAI
from crawler.backoff import BlockingPolicy, BlockTracker, ListMemory, PaceMemory, grown_delay
from crawler.refusals import (
    SourceStopped,
    blocked_reason,
    decoded_body,
    looks_like_script_challenge,
    looks_like_verification_page,
)
from crawler.retry import retry_after_seconds
from replica import chinaorg_articles, chinaorg_pages
from replica.eastmoney_pages import PORTAL_PAGE, render_article_page
from replica.refusing import CAPTCHA_PAGE, CHALLENGE_PAGE
from replica.site import load_articles
from scheduler.jobs import Job, parse_duration
from scheduler.stats import record_counts as crawl_counts
from scheduler.status import human_duration, run_status

LOGIN = re.compile(r"login|passport|verify", re.I)
CODES = frozenset({403, 429, 451})


class Stats:
    """Scrapy's stats collector, as far as the tracker uses it."""

    def __init__(self) -> None:
        self.values: dict = {}

    def inc_value(self, key: str, count: float = 1) -> None:
        self.values[key] = self.values.get(key, 0) + count

    def get_value(self, key: str, default: object = None) -> object:
        return self.values.get(key, default)

    def set_value(self, key: str, value: object) -> None:
        self.values[key] = value

    def max_value(self, key: str, value: float) -> None:
        self.values[key] = max(self.values.get(key, value), value)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def tracker(threshold: int = 3, base: float = 1.0, maximum: float = 30.0) -> tuple[BlockTracker, Stats, Clock]:
    stats, clock = Stats(), Clock()
    policy = BlockingPolicy(threshold=threshold, backoff_base=base, backoff_max=maximum, non_article_run=3)
    return BlockTracker(policy, stats, clock), stats, clock


# --- telling a refusal -----------------------------------------------------------------------------------


def test_a_captcha_page_is_told_from_articles() -> None:
    assert looks_like_verification_page(CAPTCHA_PAGE.encode())
    for article in load_articles():
        assert not looks_like_verification_page(render_article_page(article).encode())
    for article in chinaorg_articles.ARTICLES:
        assert not looks_like_verification_page(chinaorg_pages.render_article(article)[1])
    assert not looks_like_verification_page(PORTAL_PAGE.encode())


def test_an_article_about_verification_codes_is_not_a_captcha() -> None:
    page = render_article_page(load_articles()[0])
    scam = "<p>警方提醒：不要向陌生人透露短信验证码，谨防诈骗。</p>" + "<p>正文段落。</p>" * 800
    assert not looks_like_verification_page(page.replace("<!--文章主体-->", "<!--文章主体-->" + scam).encode())
    # … while a short page that asks to drag a slider is one, whatever its title.
    short = "<html><head><title>东方财富网</title></head><body><p>请按住滑块，拖动到最右边</p></body></html>"
    assert looks_like_verification_page(short.encode())
    assert looks_like_verification_page(b'<html><div id="captcha_container"></div></html>')


def test_the_identity_check_slider_is_a_captcha() -> None:
    # Guba and fund pages show anonymous high-rate visitors a slider titled 身份核实, drawn by script
    # (PROVENANCE.md, recon notes 2026-08): a refusal to back off from, not a layout change.
    slider = '<html><head><title>身份核实</title></head><body><div id="app"></div><script src="/s.js"></script></body></html>'
    assert looks_like_verification_page(slider.encode())
    assert looks_like_verification_page("<html><body><p>请拖动滑块完成身份核实</p></body></html>".encode())
    # … but in a short page's text the words are news as often (review of day 20).
    assert not looks_like_verification_page(
        "<html><body><p>社保部门在例行核实身份时发现异常</p></body></html>".encode()
    )


@pytest.mark.parametrize("call", ["jQuery1111_1(", "(", "cb ("])
def test_a_script_list_whose_headline_holds_a_captcha_word_is_no_captcha(call: str) -> None:
    # china.com.cn's more_news.php: a call whose payload is a JSON string of the items' HTML, unescaped UTF-8.
    items = '<div class="c"><h3><a href="/a.shtml">警惕冒充客服索要验证码诈骗</a></h3></div>'
    answer = call + json.dumps(items, ensure_ascii=False) + ");"
    assert not looks_like_verification_page(answer.encode())


@pytest.mark.parametrize(
    "title",
    [
        "无人机概念股集体走强 低空经济持续升温",
        "多家银行升级身份验证 防范电信诈骗",
        "民政部门开展养老金领取资格身份核实",
        "节前安全检查全面启动",
        "FDA verification",
    ],
)
@pytest.mark.parametrize("padding", [0, 70_000])  # a short page, and one past the sniffed 64 KiB
def test_an_article_whose_title_holds_a_verification_word_is_not_a_captcha(title: str, padding: int) -> None:
    article = load_articles()[0]
    page = render_article_page(article).replace(html.escape(article.raw.title or ""), title)
    assert f"<title>{title}" in page
    page = page.replace("</head>", f"<script>var pad = '{'x' * padding}';</script></head>")
    assert not looks_like_verification_page(page.encode())
    page = f'<html><head><title>{title}_中国网</title></head><body><div id="fontzoom"><p>正文。</p></div></body></html>'
    assert not looks_like_verification_page(page.encode())
    # The same title on a page without an article body is still read as a verification page.
    assert looks_like_verification_page(f"<html><head><title>{title}</title></head><body></body></html>".encode()) == (
        title != "无人机概念股集体走强 低空经济持续升温"
    )


def test_a_list_answer_with_verification_words_in_its_titles_is_not_a_captcha() -> None:
    items = [{"title": "警惕验证码诈骗 拖动滑块也要当心", "code": f"20261206{i:010d}"} for i in range(3)]
    answer = json.dumps({"code": "1", "data": {"list": items}}, ensure_ascii=False)
    assert not looks_like_verification_page(answer.encode())
    assert not looks_like_verification_page(f"jQuery1_1({answer})".encode())
    # … while a short HTML answer asking to drag a slider, where JSON was asked for, is one.
    assert looks_like_verification_page("<html><body><p>请按住滑块，拖动到最右边</p></body></html>".encode())
    # A captcha page whose inline script runs past the sniffed 64 KiB is still short of text.
    script = "<script>var nc = '" + "x" * 70_000 + "';</script>"
    assert looks_like_verification_page(f"<html><head><title>安全验证</title>{script}</head></html>".encode())


@pytest.mark.parametrize(
    "body",
    [
        '<div class="Body"><p>正文。</p></div>',  # Eastmoney's 2017 body, known by its class
        '<div class="content_left"><div class="article"><p>正文。</p></div></div>',  # china.com.cn, 2024
        "<p>" + "正文段落，经济运行稳中向好。" * 300 + "</p>",  # an article's worth of text, no known body
    ],
)
def test_a_page_holding_an_article_is_no_captcha_whatever_its_title(body: str) -> None:
    page = f"<html><head><title>多家银行升级身份验证_中国网</title></head><body>{body}</body></html>"
    assert not looks_like_verification_page(page.encode())


@pytest.mark.parametrize(
    "page",
    [
        CHALLENGE_PAGE,
        # a challenge answered with 521: the cookie is computed, then the same URL is loaded again
        "<html><body><script>document.cookie=('_'+'_jsl_clear'+'ance=1733560000.123|0|abc');"
        "location.href=location.pathname+location.search</script></body></html>",
        # the page loaded again by its own address (review of day 21)
        "<html><body><script>document.cookie='c=1';location.href=document.URL</script></body></html>",
        "<html><body><script>document.cookie='c=1';location.replace(document.URL)</script></body></html>",
        # obfuscated: the cookie and the reload written with brackets (second review of day 21)
        "<html><body><script>var d=document;d=document;document['cookie']='x=1';location['reload']();</script></body></html>",
        # Ruishu's bootstrap: its object set inline, the rest in an external script
        "<html><head><meta charset=\"utf-8\"><script>$_ts=window['$_ts'];if(!$_ts)$_ts={};$_ts.nsd=84;</script>"
        '<script src="/AbCdEf/g.js" r="m"></script></head><body></body></html>',
        # yunsuo's verify address
        "<html><body><script>function setCookie(k,v){document.cookie=k+'='+v}setCookie('srcurl','x');"
        "self.location='/?security_verify_data=313932302c31303830';</script></body></html>",
        # one that only names its cookie, the rest in a script loaded from elsewhere, with a line for the reader
        '<html><head><script src="/waf.js"></script><script>var c="yunsuo_session_verify";</script></head>'
        "<body><noscript>请开启JavaScript后访问</noscript></body></html>",
    ],
)
def test_a_script_challenge_is_told(page: str) -> None:
    assert looks_like_script_challenge(page.encode())
    assert blocked_reason(521, page.encode(), None, CODES, LOGIN) == "script_challenge"


def test_pages_and_answers_with_cookie_scripts_are_no_challenge() -> None:
    # Real pages set cookies and redirect in their scripts too: an article never counts, nor a JSON answer,
    # nor a page with text to read, nor a short page that writes a cookie without loading anything again.
    script = "<script>document.cookie='st_si=1;path=/';if(!ok){location.href='/m/';}</script>"
    for article in load_articles()[:3]:
        page = render_article_page(article).replace("</head>", script + "</head>")
        assert not looks_like_script_challenge(page.encode())
    assert not looks_like_script_challenge(b'{"data": {"list": []}, "js": "document.cookie=1;location.reload()"}')
    text = "<p>" + "本站将于今晚进行系统维护，期间部分栏目暂停更新，敬请谅解。" * 10 + "</p>"
    assert not looks_like_script_challenge(f"<html><body>{text}{script}</body></html>".encode())
    assert not looks_like_script_challenge(b"<html><body><script>document.cookie='a=1';</script></body></html>")
    assert not looks_like_script_challenge(b"")


@pytest.mark.parametrize(
    "page",
    [
        # a script-built list page: an analytics cookie, and phones sent to the mobile site
        "<html><head><title>财经导读</title></head><body><div id='list'>加载中…</div><script>"
        "document.cookie='st_pvi=1;path=/';if(/iPhone|Android/.test(navigator.userAgent)){location.href='https://wap.x/'}"
        "</script></body></html>",
        # a jump page to the original article
        "<html><body>正在跳转到原文…<script>document.cookie='from=em';"
        "window.location.href='https://finance.eastmoney.com/a/202612073850000001.html';</script></body></html>",
        # a variable named like location, and a cookie compared, not written
        '<html><body><script>document.cookie="a=1";var allocation = 3;</script></body></html>',
        "<html><body><script>if(document.cookie==''){location.reload()}</script></body></html>",
    ],
)
def test_a_cookie_and_a_jump_elsewhere_is_no_challenge(page: str) -> None:
    # Review of day 21: only a page that loads itself again after setting its cookie is a challenge.
    assert not looks_like_script_challenge(page.encode())


def test_a_gbk_page_with_text_is_no_challenge_and_a_gbk_captcha_is_told() -> None:
    # Review of day 21: read as UTF-8, a GBK page's Chinese text vanished and the page looked empty.
    text = "<p>" + "国家统计局今天发布数据，十月份规模以上工业增加值同比增长。" * 14 + "</p>"
    script = "<script>document.cookie='uv=1';location.href=location.pathname+location.search</script>"
    declared = f'<html><head><meta charset="gbk"></head><body>{text}{script}</body></html>'.encode("gbk")
    assert not looks_like_script_challenge(declared)
    by_header = f"<html><body>{text}{script}</body></html>".encode("gbk")
    assert not looks_like_script_challenge(by_header, "text/html; charset=GBK")
    assert blocked_reason(200, by_header, None, CODES, LOGIN, "text/html; charset=GBK") is None
    # … a UTF-8 captcha that declares another charset is still told (review of day 21)
    utf8 = "<html><body><p>请按住滑块，拖动到最右边</p></body></html>".encode()
    assert blocked_reason(200, utf8, None, CODES, LOGIN, "text/html; charset=iso-8859-1") == "captcha"
    # … and a captcha page in GBK is still told by its words
    captcha = "<html><body><p>请按住滑块，拖动到最右边</p></body></html>".encode("gbk")
    assert blocked_reason(200, captcha, None, CODES, LOGIN, "text/html; charset=gbk") == "captcha"


@pytest.mark.parametrize("coding", ["gzip", "deflate", "br", "zstd"])
def test_a_compressed_refusal_is_told_after_it_is_inflated(coding: str) -> None:
    # Review of day 21: the blocking middleware sees answers before Scrapy inflates them (it sits above
    # HttpCompressionMiddleware), so a gzipped captcha or challenge was never told from a page. Scrapy asks for
    # zstd too where its package is installed, as here.
    import brotli
    from backports import zstd

    compress = {"gzip": gzip.compress, "deflate": zlib.compress, "br": brotli.compress, "zstd": zstd.compress}[coding]
    for page, status, reason in ((CAPTCHA_PAGE, 200, "captcha"), (CHALLENGE_PAGE, 412, "script_challenge")):
        sent = compress(page.encode())
        assert blocked_reason(status, sent, None, CODES, LOGIN) is None  # the bytes as they came tell nothing
        assert blocked_reason(status, decoded_body(sent, [coding.encode()]), None, CODES, LOGIN) == reason


def test_a_body_whose_coding_is_unknown_or_broken_is_looked_at_as_it_came() -> None:
    page = CHALLENGE_PAGE.encode()
    assert decoded_body(page, None) == page
    assert decoded_body(page, [b"identity"]) == page
    assert decoded_body(page, [b"compress"]) == page  # a coding nobody inflates
    assert decoded_body(b"\x1f\x8bnot gzip", [b"gzip"]) == b"\x1f\x8bnot gzip"
    # two codings are undone last first; a gzip of two members is read whole (review of day 21)
    assert decoded_body(gzip.compress(zlib.compress(page)), [b"deflate, gzip"]) == page
    assert decoded_body(gzip.compress(page[:50]) + gzip.compress(page[50:]), [b"gzip"]) == page
    # a bomb is not inflated past the limit, brotli's either (review of day 21: it was, then cut)
    import brotli

    for coding, bomb in ((b"gzip", gzip.compress(b"x" * 5_000_000)), (b"br", brotli.compress(b"x" * 5_000_000))):
        assert decoded_body(bomb, [coding], limit=1000) == bomb


@pytest.mark.parametrize(
    ("status", "body", "location", "reason"),
    [
        (403, b"", None, "http_403"),
        (429, b"", None, "http_429"),
        (451, b"", None, "http_451"),
        (404, b"", None, None),
        (500, b"", None, None),
        (302, b"", "https://passport.eastmoney.com/login?returnUrl=x", "login_redirect"),
        (302, b"", "https://finance.eastmoney.com/a/202205302396636936.html", None),
        (301, b"", None, None),
        (200, CAPTCHA_PAGE.encode(), None, "captcha"),
        (200, b'{"data": {"list": []}}', None, None),
        (412, CHALLENGE_PAGE.encode(), None, "script_challenge"),
        (200, CHALLENGE_PAGE.encode(), None, "script_challenge"),
        (412, b"<html><body><h1>412 Precondition Failed</h1></body></html>", None, None),
        (404, CHALLENGE_PAGE.encode(), None, None),  # a missing page, whatever it holds
    ],
)
def test_blocked_reasons(status: int, body: bytes, location: str | None, reason: str | None) -> None:
    assert blocked_reason(status, body, location, CODES, LOGIN) == reason


def test_retry_after_as_seconds_or_a_date() -> None:
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    when = datetime(2026, 11, 3, 10, 0, 30, tzinfo=SHANGHAI)
    now = (when - timedelta(seconds=30)).timestamp()
    assert retry_after_seconds(format_datetime(when.astimezone(), usegmt=False), now=now) == pytest.approx(30)
    assert retry_after_seconds(format_datetime(when.astimezone(), usegmt=False), now=now + 60) == 0


# --- back-off and stop ------------------------------------------------------------------------------------


def test_the_back_off_grows_per_domain_and_a_good_answer_ends_it() -> None:
    blocks, stats, clock = tracker(threshold=10)
    assert [grown_delay(n, 1.0, 30.0) for n in (1, 2, 3, 6, 7)] == [1, 2, 4, 30, 30]
    blocks.blocked("columns:345", "np-listapi.eastmoney.com", "captcha", "https://np-listapi.eastmoney.com/x")
    assert blocks.turn("columns:345", "np-listapi.eastmoney.com") == pytest.approx(1.0)
    assert blocks.turn("columns:345", "np-listapi.eastmoney.com") == pytest.approx(2.0)  # spaced, not a burst
    assert blocks.turn("list:x", "finance.china.com.cn") == 0  # another domain is not slowed
    clock.now += 10
    blocks.blocked("columns:345", "np-listapi.eastmoney.com", "captcha", "https://np-listapi.eastmoney.com/x")
    assert blocks.turn("fast:102", "np-listapi.eastmoney.com") == pytest.approx(2.0)  # the domain, any source
    blocks.good("fast:102", "np-listapi.eastmoney.com")
    clock.now += 5
    assert blocks.turn("fast:102", "np-listapi.eastmoney.com") == 0
    assert stats.values["finnews/errors/blocked/captcha"] == 2
    assert stats.values["finnews/failures"] == ["blocked/captcha https://np-listapi.eastmoney.com/x"] * 2


def test_a_request_that_waited_keeps_to_a_back_off_lengthened_meanwhile() -> None:
    blocks, _, clock = tracker(threshold=10)
    site = "finance.eastmoney.com"
    blocks.blocked("pages:x", site, "http_403", "u1")  # back-off 1 s
    noted = blocks.refusals(site)
    assert blocks.turn("pages:x", site) == pytest.approx(1.0)  # its slot: at 1 s
    assert blocks.turn_again("pages:x", site, noted) == 0  # nothing came meanwhile: it goes
    clock.now += 0.5
    blocks.blocked("pages:x", site, "http_403", "u2")  # an earlier request refused: back-off 2 s
    clock.now += 0.5  # the wait is over, at 1 s
    assert blocks.turn_again("pages:x", site, noted) == pytest.approx(1.5)  # to 2.5 s (0.5 + 2)
    later = blocks.refusals(site)
    clock.now += 1.5
    assert blocks.turn_again("pages:x", site, later) == 0
    # Requests queued behind it re-take their turns at the new spacing, not behind slots given up (second review).
    blocks, _, clock = tracker(threshold=10, base=10, maximum=300)
    for _ in range(3):
        blocks.blocked("columns:345", site, "http_403", "u")  # back-off 40 s
    noted = blocks.refusals(site)
    waits = [blocks.turn(f"columns:{n}", site) for n in range(3)]
    assert waits == [pytest.approx(40), pytest.approx(80), pytest.approx(120)]
    clock.now = 41
    blocks.blocked("columns:0", site, "http_403", "u")  # the first one sent is refused: 80 s apart from now
    clock.now = 80
    assert blocks.turn_again("columns:1", site, noted) == pytest.approx(41)  # at 121, not after the slot of 120
    clock.now = 120
    assert blocks.turn_again("columns:2", site, noted) == pytest.approx(81)  # at 201
    # A later refusal with a shorter back-off never shortens what a Retry-After asked.
    blocks, _, clock = tracker(threshold=10)
    blocks.blocked("pages:x", site, "http_429", "u1", retry_after=25)
    blocks.blocked("pages:x", site, "http_403", "u2")  # back-off 2 s
    assert blocks.turn("pages:x", site) == pytest.approx(25)
    # A refusal that stops the source meanwhile drops the waiting request.
    blocks, _, clock = tracker(threshold=2)
    blocks.blocked("pages:x", site, "http_403", "u1")
    noted = blocks.refusals(site)
    blocks.turn("pages:x", site)
    blocks.blocked("pages:x", site, "http_403", "u2")
    with pytest.raises(SourceStopped):
        blocks.turn_again("pages:x", site, noted)


def test_retry_after_is_honoured_and_a_longer_one_than_the_maximum_stops_the_source() -> None:
    blocks, stats, _ = tracker(base=0.5, maximum=60)
    blocks.blocked("pages:cywjh", "finance.eastmoney.com", "http_429", "u", retry_after=20)
    assert blocks.turn("pages:cywjh", "finance.eastmoney.com") == pytest.approx(20)
    assert blocks.stopped("pages:cywjh") is None
    assert blocks.blocked("pages:cywjh", "finance.eastmoney.com", "http_429", "u", retry_after=3600)
    assert "asks to wait 3600 s" in blocks.stopped("pages:cywjh")
    with pytest.raises(SourceStopped):
        blocks.turn("pages:cywjh", "finance.eastmoney.com")
    # Another source of the same site would wait longer than the maximum: stopped too, saying so.
    with pytest.raises(SourceStopped):
        blocks.turn("columns:345", "finance.eastmoney.com")
    assert "longer than BLOCKING_BACKOFF_MAX" in blocks.stopped("columns:345")
    assert stats.values["finnews/errors/source_stopped"] == 2


def test_a_source_stops_after_the_threshold_of_refusals_in_a_row() -> None:
    blocks, stats, _ = tracker(threshold=3)
    source, domain = "columns:345", "np-listapi.eastmoney.com"
    assert not blocks.blocked(source, domain, "captcha", "u1")
    assert not blocks.blocked(source, domain, "empty_list", "u2")
    blocks.good(source, domain)  # a good answer breaks the row
    assert not blocks.blocked(source, domain, "captcha", "u3")
    assert not blocks.blocked(source, domain, "captcha", "u4")
    assert blocks.blocked(source, domain, "captcha", "u5")
    assert blocks.stopped(source) == f"3 blocked answers in a row from {domain} (captcha 3); last u5"
    assert stats.values["finnews/stopped_sources"] == [f"{source}: {blocks.stopped(source)}"]
    assert blocks.stopped("fast:102") is None  # other sources go on
    blocks.summarise()
    assert stats.values["finnews/sources_ok"] == []


def test_a_run_of_non_article_pages_counts_from_the_nth() -> None:
    blocks, _, _ = tracker()
    assert [blocks.non_article("columns:345", "d") for _ in range(4)] == [False, False, True, True]
    blocks.good("columns:345", "d")
    assert not blocks.non_article("columns:345", "d")


# --- lists that had items -------------------------------------------------------------------------------


def test_list_memory_remembers_lists_with_items_across_crawls(tmp_path: Path) -> None:
    path = tmp_path / "lists.json"
    today = datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI)
    memory = ListMemory(path, keep_days=7, now=lambda: today)
    assert not memory.had_items("eastmoney columns:345 np-listapi.eastmoney.com")
    memory.note_items("eastmoney columns:345 np-listapi.eastmoney.com")
    memory.save()
    other = ListMemory(path, keep_days=7, now=lambda: today)
    other.note_items("eastmoney fast:102 np-listapi.eastmoney.com")
    ListMemory(path, now=lambda: today).save()  # saving nothing changes nothing
    other.save()  # merged with what the first crawl wrote
    later = ListMemory(path, keep_days=7, now=lambda: today + timedelta(days=3))
    assert later.had_items("eastmoney columns:345 np-listapi.eastmoney.com")
    assert later.had_items("eastmoney fast:102 np-listapi.eastmoney.com")
    # Empty for longer than keep_days: the list is taken as really empty, and leaves the file.
    much_later = ListMemory(path, keep_days=7, now=lambda: today + timedelta(days=8))
    assert not much_later.had_items("eastmoney columns:345 np-listapi.eastmoney.com")
    much_later.note_items("chinaorg list:x finance.china.com.cn")
    much_later.save()
    assert list(json.loads(path.read_text())) == ["chinaorg list:x finance.china.com.cn"]


# --- a run's status ------------------------------------------------------------------------------------------

JOB = Job("eastmoney", "*/10 * * * *", 540, spider="eastmoney", expect_new_within=3600)
NOW = datetime(2026, 11, 3, 12, 0, tzinfo=SHANGHAI)


def counts(**stats: object) -> dict:
    return crawl_counts({"downloader/response_count": 10, "finnews/ok_answers": 5, **stats})


def status(outcome: str = "succeeded", job: Job = JOB, last_new: datetime | None = None, **stats: object) -> tuple:
    return run_status(outcome, job, counts(**stats), "line one\nfinnews crawl: boom\n\n", 2, last_new, NOW)


def test_a_crawl_that_robots_txt_kept_from_every_article_failed_and_says_why() -> None:
    # Scrapy counts requests its robots.txt middleware did not send; nothing reached is no quiet day.
    forbidden = status(**{"robotstxt/forbidden": 12})
    assert forbidden[0] == "failed" and "robots.txt forbade 12 request(s)" in forbidden[1]
    assert status(**{"robotstxt/forbidden": 2, "finnews/articles/new": 5}) == ("succeeded", None)
    assert status(**{"robotstxt/forbidden": 2, "finnews/articles/skipped_seen": 40}) == ("succeeded", None)
    assert {"reason": "robots_forbidden", "count": 12} in counts(**{"robotstxt/forbidden": 12})["errors"]


def test_a_run_whose_articles_are_not_all_in_the_index_is_partial() -> None:
    """docs/commands.md: exit 4 when articles were spooled or rejected (day-17 hunt: a crawl during an outage
    was recorded as succeeded); and when written articles could not be remembered as seen."""
    spooled = status(**{"finnews/articles/new": 3, "finnews/articles/spooled": 40})
    assert spooled[0] == "partial" and "40 article(s) spooled" in spooled[1]
    rejected = status(**{"finnews/articles/new": 3, "finnews/articles/dead_letter": 2})
    assert rejected[0] == "partial" and "2 article(s) rejected" in rejected[1]
    unremembered = status(**{"finnews/articles/new": 9, "finnews/errors/seen_store_write": 9})
    assert unremembered[0] == "partial" and "9 written article(s) not remembered as seen" in unremembered[1]
    assert status(**{"finnews/articles/new": 3}) == ("succeeded", None)


def test_run_status_from_the_exit_and_the_crawl() -> None:
    assert status() == ("succeeded", None)
    assert status("failed") == ("failed", "exit 2: finnews crawl: boom")
    assert status("timeout")[0] == "timeout" and "540 s" in status("timeout")[1]
    assert status("stopped")[0] == "stopped"
    every_request_failed = status(**{"finnews/ok_answers": 0, "finnews/errors/connection_refused": 4})
    assert every_request_failed == ("failed", "every request failed: connection_refused 4")
    stopped = {
        "finnews/stopped_sources": ["columns:345: 3 blocked answers in a row from d (captcha 3); last u"],
        "finnews/errors/blocked/captcha": 3,
        "finnews/ok_answers": 0,
    }
    assert status(**stopped) == (
        "blocked",
        "stopped columns:345: 3 blocked answers in a row from d (captcha 3); last u",
    )
    partial = status(**stopped, **{"finnews/articles/new": 7})
    assert partial[0] == "partial" and partial[1].endswith("7 article(s) gathered from the rest")
    other_source_fine = status(**stopped, **{"finnews/sources_ok": ["fast:102"]})
    assert other_source_fine[0] == "partial"
    given_up = status(
        **{"finnews/errors/blocked/empty_list": 3, "finnews/blocking/given_up": 1, "finnews/ok_answers": 0}
    )
    assert given_up == ("blocked", "refused: blocked/empty_list 3")
    lists_failing = status(
        **{"finnews/list_errors": 1, "finnews/errors/bad_list_payload": 1, "finnews/articles/new": 3}
    )
    assert lists_failing == ("partial", "some lists failed (bad_list_payload 1) — 3 article(s) gathered")
    cut = status(
        **{"finnews/list_truncated": 1, "finnews/list_truncated_sources": ["fast:102"], "finnews/ok_answers": 4}
    )
    assert cut == ("partial", "list(s) fast:102 still all new at the last page allowed: older items may be missed")


def test_a_run_is_empty_when_nothing_new_came_for_longer_than_the_window() -> None:
    assert status(last_new=NOW - timedelta(minutes=50)) == ("succeeded", None)
    assert status(last_new=NOW - timedelta(hours=3, minutes=10)) == (
        "empty",
        "no new article for 3 h 10 min (expected within 1 h)",
    )
    assert status(last_new=NOW - timedelta(hours=5), **{"finnews/articles/new": 1}) == ("succeeded", None)
    assert status(last_new=None) == ("succeeded", None)  # nothing known yet
    no_window = Job("feeds", "30 6 * * *", 3600, spider="feed")
    assert status(job=no_window, last_new=NOW - timedelta(days=30)) == ("succeeded", None)
    assert status("failed", last_new=NOW - timedelta(days=1))[0] == "failed"  # a failure is told first


def test_durations() -> None:
    assert [parse_duration(v, "w") for v in (90, "90s", "30m", "6h", "2d", "1.5h")] == [
        90,
        90,
        1800,
        21600,
        172800,
        5400,
    ]
    for bad in (0, "0m", "-5m", "soon", "5 weeks", True, None, [5]):
        with pytest.raises(ConfigError, match="w: expected a duration"):
            parse_duration(bad, "w")
    assert [human_duration(s) for s in (45, 60, 125, 3600, 11400, 86400, 93600)] == [
        "45 s",
        "1 min",
        "2 min 5 s",
        "1 h",
        "3 h 10 min",
        "1 d",
        "1 d 2 h",
    ]


def test_a_site_with_a_request_budget_pauses_after_so_many_requests_without_stopping() -> None:
    # sites.yaml pause_after / pause: Eastmoney is reported to refuse a client after about 500
    # requests in a row; the crawl pauses itself instead, across the site's domains.
    blocks, stats, clock = tracker(maximum=30.0)
    blocks.budgets = {
        "finance.eastmoney.com": ("eastmoney", 3, 600.0),
        "np-listapi.eastmoney.com": ("eastmoney", 3, 600.0),
    }
    assert [blocks.turn("pages:x", "finance.eastmoney.com") for _ in range(2)] == [0, 0]
    assert blocks.turn("columns:345", "np-listapi.eastmoney.com") == 0  # the third: then the pause
    assert blocks.turn("pages:x", "finance.eastmoney.com") == pytest.approx(600)  # longer than backoff_max
    assert blocks.stopped("pages:x") is None  # a planned pause is no refusal: the source goes on
    assert blocks.turn("list:x", "finance.china.com.cn") == 0  # another site is not paused
    clock.now += 600
    # The request that waited out the pause was the first of the next three; two more go out at once.
    assert [blocks.turn("fast:102", "np-listapi.eastmoney.com") for _ in range(2)] == [0, 0]
    assert blocks.turn("fast:102", "np-listapi.eastmoney.com") == pytest.approx(600)
    assert stats.values["finnews/blocking/planned_pauses"] == 2


def test_a_request_budget_is_checked_on_load() -> None:
    from crawler.sites import parse_sites

    site = {"domains": ["finance.eastmoney.com"], "concurrency": 2, "delay": 0.5}
    budgets = parse_sites({"sites": {"eastmoney": {**site, "pause_after": 450, "pause": "10m"}}}).request_budgets()
    assert budgets == {"finance.eastmoney.com": ("eastmoney", 450, 600.0)}
    with pytest.raises(ConfigError, match="pause_after and pause go together"):
        parse_sites({"sites": {"eastmoney": {**site, "pause_after": 450}}})


# --- what one crawl leaves the next -------------------------------------------------------------------


class Wall:
    """Wall-clock time, which goes on between two processes (their monotonic clocks do not agree)."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


def next_crawl(path: Path, wall: Wall, budgets: dict) -> tuple[BlockTracker, Stats, PaceMemory]:
    """A new crawl's tracker (its own monotonic clock) given what the file holds."""
    blocks, stats, clock = tracker(threshold=3, base=10.0, maximum=300.0)
    clock.now = 50.0  # another process: its monotonic clock started elsewhere
    blocks.budgets = budgets
    pace = PaceMemory(path, {"finance.eastmoney.com", "np-listapi.eastmoney.com"}, wall=wall)
    pace.restore(blocks)
    return blocks, stats, pace


EASTMONEY_BUDGET = {
    "finance.eastmoney.com": ("eastmoney", 5, 600.0),
    "np-listapi.eastmoney.com": ("eastmoney", 5, 600.0),
}


def test_the_request_budget_counts_across_crawls(tmp_path: Path) -> None:
    # finnews live polls every 30 s, a crawl of a few requests each: the budget (sites.yaml
    # pause_after) must count them all, or it never comes due (second audit, G2).
    path, wall = tmp_path / "site-pace.json", Wall()
    for _poll in range(2):  # two polls of two requests, 30 s apart: requests in a row
        blocks, stats, pace = next_crawl(path, wall, EASTMONEY_BUDGET)
        assert [blocks.turn("fast:102", "np-listapi.eastmoney.com") for _ in range(2)] == [0, 0]
        pace.save(blocks)
        wall.now += 30
    blocks, stats, pace = next_crawl(path, wall, EASTMONEY_BUDGET)
    assert blocks.turn("fast:102", "np-listapi.eastmoney.com") == 0  # the fifth: then the pause
    assert stats.values["finnews/blocking/planned_pauses"] == 1
    pace.save(blocks)
    wall.now += 30
    blocks, stats, pace = next_crawl(path, wall, EASTMONEY_BUDGET)
    assert blocks.turn("fast:102", "np-listapi.eastmoney.com") == pytest.approx(570)  # the pause, carried over
    assert blocks.stopped("fast:102") is None


def test_scheduled_runs_of_a_few_dozen_requests_never_wait_out_a_pause(tmp_path: Path) -> None:
    """The eastmoney job (configs/schedule.yaml: every 10 minutes, a 540 s timeout) sends about 31
    requests a run under sites.yaml's 450 requests / 10 minutes. Counted until a whole pause of quiet,
    the budget came due in one run of fifteen, which then waited 600 s and was killed (fifth audit,
    gap 5); rested off by the quiet between runs, it never does, while 451 requests in a row still pause,
    and so do requests 30 s apart (a live loop's polls)."""
    budget = {"np-listapi.eastmoney.com": ("eastmoney", 450, 600.0)}
    path, wall = tmp_path / "site-pace.json", Wall()
    for _run in range(40):
        blocks, stats, pace = next_crawl(path, wall, budget)
        assert {blocks.turn("columns:345", "np-listapi.eastmoney.com") for _ in range(31)} == {0}
        assert "finnews/blocking/planned_pauses" not in stats.values
        pace.save(blocks)
        wall.now += 600
    blocks, stats, pace = next_crawl(path, wall, budget)
    waits = [blocks.turn("columns:345", "np-listapi.eastmoney.com") for _ in range(451)]
    assert waits[-1] == pytest.approx(600) and set(waits[:-1]) == {0}
    wall.now += 1200
    blocks, stats, pace = next_crawl(path, wall, budget)
    polls = []
    for _poll in range(151):  # three requests every 30 s
        polls += [blocks.turn("fast:102", "np-listapi.eastmoney.com") for _ in range(3)]
        blocks.clock.now += 30
    assert polls.index(max(polls)) == 450 and max(polls) == pytest.approx(570)  # the pause began at the 450th


def test_a_quiet_gap_as_long_as_the_pause_is_the_pause(tmp_path: Path) -> None:
    path, wall = tmp_path / "site-pace.json", Wall()
    blocks, stats, pace = next_crawl(path, wall, EASTMONEY_BUDGET)
    assert [blocks.turn("pages:x", "finance.eastmoney.com") for _ in range(4)] == [0, 0, 0, 0]
    pace.save(blocks)
    wall.now += 601  # nothing sent for longer than a pause
    blocks, stats, pace = next_crawl(path, wall, EASTMONEY_BUDGET)
    assert [blocks.turn("pages:x", "finance.eastmoney.com") for _ in range(4)] == [0, 0, 0, 0]
    assert "finnews/blocking/planned_pauses" not in stats.values


def test_a_back_off_carries_over_to_the_next_crawl_and_a_replica_starts_afresh(tmp_path: Path) -> None:
    # After a captcha, the next poll 30 s later must not hit the site at full speed.
    path, wall = tmp_path / "site-pace.json", Wall()
    blocks, _stats, pace = next_crawl(path, wall, {})
    for _ in range(2):
        blocks.blocked("fast:102", "np-listapi.eastmoney.com", "captcha", "https://np-listapi.eastmoney.com/x")
        blocks.blocked("local", "127.0.0.1:8123", "captcha", "http://127.0.0.1:8123/x")
    pace.save(blocks)
    wall.now += 5
    blocks, _stats, pace = next_crawl(path, wall, {})
    assert blocks.turn("fast:102", "np-listapi.eastmoney.com") == pytest.approx(15)  # 20 s spacing, 5 s gone
    assert blocks.turn("fast:102", "np-listapi.eastmoney.com") == pytest.approx(35)  # still 20 s apart
    assert blocks.turn("local", "127.0.0.1:8123") == 0  # not a site of sites.yaml: not kept
    blocks.good("fast:102", "np-listapi.eastmoney.com")  # a good answer ends the back-off …
    pace.save(blocks)
    wall.now += 60  # … and once the last spaced request's turn has passed …
    blocks, _stats, pace = next_crawl(path, wall, {})
    assert blocks.domains == {}  # … nothing is left to carry


def test_a_damaged_pace_file_is_a_fresh_start(tmp_path: Path) -> None:
    path = tmp_path / "site-pace.json"
    for text in ("", "not json", "[1, 2]", '{"domains": {"finance.eastmoney.com": {"streak": "x"}}}'):
        path.write_text(text, encoding="utf-8")
        blocks, _stats, _pace = next_crawl(path, Wall(), EASTMONEY_BUDGET)
        assert blocks.turn("pages:x", "finance.eastmoney.com") == 0


def test_the_middleware_restores_the_pace_and_saves_it_when_the_crawl_closes(tmp_path: Path) -> None:
    from scrapy.settings import Settings
    from scrapy.utils.test import get_crawler

    from crawler.blocking import BlockingMiddleware

    project = Settings()
    project.setmodule("crawler.settings")
    settings = {
        **{name: value for name, value in project.copy_to_dict().items() if name.startswith("BLOCKING_")},
        "BLOCKING_PACE_MEMORY": str(tmp_path / "pace.json"),
        "BLOCKING_LIST_MEMORY": str(tmp_path / "l.json"),
    }
    first = BlockingMiddleware(get_crawler(settings_dict=settings))
    first.tracker.blocked("fast:102", "np-listapi.eastmoney.com", "captcha", "https://np-listapi.eastmoney.com/x")
    first.spider_closed(None, "finished")
    second = BlockingMiddleware(get_crawler(settings_dict=settings))
    assert second.tracker.domains["np-listapi.eastmoney.com"].streak == 1
    assert second.tracker.turn("fast:102", "np-listapi.eastmoney.com") > 0


def test_list_memory_keeps_the_first_pages_length_and_reads_files_without_one(tmp_path: Path) -> None:
    path = tmp_path / "lists.json"
    today = datetime(2026, 11, 3, 10, 0, tzinfo=SHANGHAI)
    path.write_text(json.dumps({"eastmoney pages:cywjh x": today.isoformat()}))  # written before counts were kept
    memory = ListMemory(path, keep_days=7, now=lambda: today)
    assert memory.had_items("eastmoney pages:cywjh x") and memory.items_before("eastmoney pages:cywjh x") is None
    memory.note_items("eastmoney pages:cywjh x", 42)
    memory.save()
    later = ListMemory(path, keep_days=7, now=lambda: today + timedelta(days=1))
    assert later.had_items("eastmoney pages:cywjh x") and later.items_before("eastmoney pages:cywjh x") == 42
    assert (
        ListMemory(path, keep_days=7, now=lambda: today + timedelta(days=8)).items_before("eastmoney pages:cywjh x")
        is None
    )


# --- third review of day 21 ------------------------------------------------------------------------------


def test_a_list_page_a_feed_or_a_json_variant_with_a_verification_word_is_no_captcha() -> None:
    headlines = "".join(f'<li><a href="/news/{i}.shtml">第{i}条消息</a></li>' for i in range(12))
    page = f"<html><body><ul>{headlines}<li><a href='/x.shtml'>警惕冒充客服索要验证码骗局</a></li></ul></body></html>"
    assert not looks_like_verification_page(page.encode())
    assert not looks_like_verification_page(page.encode("gbk"), "text/html; charset=gbk")
    rss = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>财经</title>'
        "<item><title>证监会：上市公司股东减持须完成身份验证</title><link>http://x/1</link></item></channel></rss>"
    )
    assert not looks_like_verification_page(rss.encode())
    answer = '{"data": {"list": [{"title": "警惕验证码诈骗"}]}}'
    for variant in (
        "\ufeff" + answer,
        f"/**/cb({answer})",
        f"try{{cb({answer})}}catch(e){{}}",
        f"// callback\ncb({answer})",
        f"typeof cb === 'function' && cb({answer});",
        f"var result = {answer};",
    ):
        assert not looks_like_verification_page(variant.encode()), variant
    # … while a captcha page with a link or two is still one
    assert looks_like_verification_page(
        "<html><body><p>请拖动滑块完成验证</p><a href='/help'>帮助</a></body></html>".encode()
    )


def test_a_gbk_page_with_a_captcha_widget_of_a_login_box_is_no_captcha() -> None:
    # (over 3,000 characters of text: read as UTF-8, most of it vanished and the page looked short)
    text = "<p>" + "国家统计局今天发布数据，十月份规模以上工业增加值同比增长。" * 120 + "</p>"
    page = f'<html><head><meta charset="gbk"></head><body>{text}<img id="captchaImg" src="/c.png"></body></html>'
    assert not looks_like_verification_page(page.encode("gbk"))


def test_a_charset_that_is_no_text_encoding_raises_nothing() -> None:
    for content_type in ("text/html; charset=hex", "text/html; charset=zlib", "text/html; charset=undefined"):
        assert blocked_reason(200, CAPTCHA_PAGE.encode(), None, CODES, LOGIN, content_type) == "captcha"
    assert (
        blocked_reason(200, b'<html><head><meta charset="hex"></head><body>ok</body></html>', None, CODES, LOGIN)
        is None
    )


def test_a_page_of_unclosed_tags_is_read_once() -> None:
    # (quadratic before: 2.6 s for 64 KiB; a refusal is still not made of it)
    assert blocked_reason(200, b"<a" * 40_000, None, CODES, LOGIN) is None
    assert blocked_reason(412, b"<script" * 20_000 + b"document.cookie", None, CODES, LOGIN) is None


@pytest.mark.parametrize(
    "page",
    [
        # a phone sent to the mobile site by an address made from this one
        "<html><body><script>document.cookie='a=1';"
        "location.href = location.href.replace('finance.china.com.cn','m.china.com.cn')</script></body></html>",
        # names that only hold Ruishu's
        "<html><body><script>document.cookie='a=1';var a$_ts=1;if(window.$_ts===undefined){}</script></body></html>",
    ],
)
def test_an_address_made_from_this_one_or_a_look_alike_name_is_no_challenge(page: str) -> None:
    assert not looks_like_script_challenge(page.encode())


# --- fourth review of day 21 -----------------------------------------------------------------------------


def test_an_xhtml_captcha_is_no_feed() -> None:
    page = (
        '<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html><html><head><title>安全验证</title></head>'
        '<body><div id="captcha"></div>请完成验证</body></html>'
    )
    assert blocked_reason(200, page.encode(), None, CODES, LOGIN) == "captcha"
    challenge = (
        '<?xml version="1.0"?><html><script>document.cookie="__jsl_clearance=1";'
        "location.href=location.pathname+location.search</script></html>"
    )
    assert blocked_reason(521, challenge.encode(), None, CODES, LOGIN) == "script_challenge"


@pytest.mark.parametrize(
    "reload",
    [
        'setTimeout("location.href=location.href",100)',
        "setTimeout('location.href=location.pathname+location.search.replace(/[\\?|&]captcha-challenge/,\\'\\')',1500)",
        "location.href=location.href+''",
        "location.href=location.origin+location.pathname+location.search",
        'location.replace(location.href.split("#")[0])',
        'location.href=location.pathname+location.search+"&_t="+Date.now()',
        "location.href=location.href // reload",
    ],
)
def test_a_challenge_reloading_its_own_address_in_other_words_is_told(reload: str) -> None:
    page = f"<html><body><script>document.cookie=('_')+('_jsl');{reload}</script></body></html>"
    assert looks_like_script_challenge(page.encode()), reload


def test_a_visitor_s_words_count_among_links_and_a_widget_on_a_list_page_does_not() -> None:
    menu = "".join(f'<a href="/c{i}.html">栏目{i}</a>' for i in range(12))
    refused = (
        f"<html><head><title>东方财富网</title></head><body>{menu}<p>您的访问过于频繁，请稍后再试</p></body></html>"
    )
    assert looks_like_verification_page(refused.encode())
    headlines = "".join(f'<li><a href="/news/{i}.shtml">第{i}条消息</a></li>' for i in range(20))
    login = f'<html><body><ul>{headlines}</ul><form><img class="captcha" src="/c.png"></form></body></html>'
    assert not looks_like_verification_page(login.encode())
    # links written inside a script are no links of the page
    scripted = "<html><head><title>提示</title></head><body><p>请拖动滑块完成验证</p><script>var m=["
    scripted += ",".join("'<a href=\"/x\">x</a>'" for _ in range(12)) + "];</script></body></html>"
    assert looks_like_verification_page(scripted.encode())


def test_a_utf8_captcha_with_a_stray_byte_or_a_dotted_capital_is_still_told() -> None:
    page = '<html><head><meta charset="gb2312"></head><body><p>请按住滑块，拖动到最右边</p>'.encode()
    assert looks_like_verification_page(page + b"\xa9</body></html>")
    dotted = "<html><head><title>İ</title><script>" + "x" * 3500 + "</script></head><body>请输入验证码</body></html>"
    assert looks_like_verification_page(dotted.encode())
