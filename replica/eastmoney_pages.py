"""The Eastmoney replica's pages and answers (:mod:`replica.site` serves them): article pages in the
current ``txtinfos`` layout, HTML list pages, the ``getNewsByColumns`` and ``getFastNewsList`` list
APIs, and the RSS, Atom and sitemap documents of the feed tests. The page templates are long: they
copy the real pages' furniture, which is what the parsers are tested against."""

# ruff: noqa: E501  (page templates keep the lines of the real pages unbroken)
from __future__ import annotations

import html
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # replica.site holds the articles and serves these pages
    from replica.site import ReplicaArticle

# What a site serves where an article was asked for when it no longer serves articles to us: a portal
# page with links and no article body.
PORTAL_PAGE = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>财经频道_东方财富网</title></head><body>
<div class="topnav"><a href="http://www.eastmoney.com/">东方财富网</a> &gt; <a href="http://finance.eastmoney.com/">财经频道</a></div>
<div class="mainCont"><h2>要闻</h2><ul><li><a href="/a/cywjh.html">资讯精华</a></li><li><a href="/a/ccjdd.html">财经导读</a></li>
<li><a href="/a/cgnjj.html">国内经济</a></li></ul></div>
<div class="footer">郑重声明：东方财富网发布此信息目的在于传播更多信息，与本站立场无关。</div></body></html>"""


def render_article_page(article: ReplicaArticle) -> str:
    raw = article.raw
    title = html.escape(raw.title or "")
    shown = raw.published_at.strftime("%Y年%m月%d日 %H:%M") if raw.published_at else ""
    media = html.escape(raw.media or "东方财富网")
    digest = html.escape(raw.digest or "", quote=True)
    canonical = f"http://finance.eastmoney.com/a/{article.code}.html"
    return f"""<!DOCTYPE html>
<html>
<head>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<title>{title}_东方财富网</title>
<meta name="keywords" content="{title}">
<meta name="description" content="{digest}">
<link rel="canonical" href="{canonical}">
<link rel="stylesheet" href="/newsstatic/css/article.css">
<script>var ArticleCode = "{article.code}"; var _hmt = _hmt || [];</script>
</head>
<body>
<div class="topnav"><a href="http://www.eastmoney.com/">东方财富网</a> &gt; <a href="http://finance.eastmoney.com/">财经频道</a> &gt; <span>正文</span></div>
<div class="contentbox">
  <div class="mainleft">
    <div class="zwinfos">
      <div id="topbox">
        <div class="title">{title}</div>
        <div class="sublab"></div>
        <div class="tipbox">
          <div class="infos">
            <div class=" item">{shown}</div>
            <div class="item">来源：{media}</div>
          </div>
          <div class="zwtools"><a href="javascript:;" class="share">分享</a> <a class="cmt" href="#">评论</a></div>
        </div>
      </div>
      <div class="abstract"><div class="b-review">{html.escape(raw.digest or "")}</div></div>
      <div class="txtinfos" id="ContentBody" style="margin-top:0;">
<!--文章主体-->
<p>　　<a class="toplink" target="_blank" href="https://ai.eastmoney.com/">全新妙想投研助理，立即体验</a></p>
{raw.body_html or ""}
<p style="display:none;height:1px;"><br/></p>
<p>　　在东方财富看资讯行情，选东方财富证券一站式开户交易&gt;&gt;</p>
<!-- 正文中部 内嵌广告 -->
<div class="ad_context3"><a href="https://acttg.eastmoney.com/pub/web_act"><img src="https://np-newspic.dfcfw.com/download/ad.jpg" class="em_handle_adv_close" /></a></div>
      </div>
      <div class="sourcebox"> 文章来源：{media} 郑重声明：东方财富发布此内容旨在传播更多信息，与本站立场无关，不构成投资建议。据此操作，风险自担。</div>
      <div class="hotread"><div class="hd">热点阅读</div><ul><li><a href="/a/202205302396000001.html">A股三大指数集体收涨</a></li></ul></div>
    </div>
  </div>
  <div class="mainright"><div class="rank"><div class="hd">24小时点击排行</div><ol><li><a href="/a/202205302396000002.html">央行：保持流动性合理充裕</a></li></ol></div></div>
</div>
<div class="footer">郑重声明：东方财富网发布此信息目的在于传播更多信息，与本站立场无关。 沪ICP证:沪B2-20070217</div>
<script src="/newsstatic/js/article.js"></script>
</body>
</html>
"""


LIST_PAGE_RE = re.compile(r"/a/(c[a-z]{3,5})(?:_(\d+))?\.html")  # /a/cywjh.html (资讯精华), /a/ccjdd.html …
LIST_PAGE_SIZE = 20


def real_sort(article: ReplicaArticle) -> str:
    """A ``realSort`` as the 7×24 API's: the epoch seconds of ``showTime``, ``0``, the code's last five
    digits (checked on real items of 2025–2026, tests/fixtures/real-sites/eastmoney/)."""
    stamp = int(article.raw.published_at.timestamp()) if article.raw.published_at else 0
    return f"{stamp}0{article.code[-5:]}"


def fast_payload(articles: list[ReplicaArticle], query: dict[str, list[str]], form: str = "2020") -> dict:
    """A ``getFastNewsList`` answer: items older than ``sortEnd`` (all when empty), newest first. In the
    2026 form the items carry no ``realSort`` (``data.sortEnd`` is the cursor) and the request's
    ``req_trace`` is echoed; the drifted form renames the item array."""
    if not query.get("req_trace"):
        return {"code": "-1", "message": "Required field req_trace", "data": None}
    sort_end = (query.get("sortEnd") or [""])[0]
    size = int((query.get("pageSize") or ["20"])[0])
    ordered = sorted(articles, key=real_sort, reverse=True)
    older = [a for a in ordered if not sort_end or int(real_sort(a)) < int(sort_end)][:size]
    cursor = real_sort(older[-1]) if older else ""
    if form == "2020":
        items = [
            {
                "code": a.code,
                "title": a.raw.title,
                "summary": a.raw.digest or "",
                "showTime": a.raw.published_at.strftime("%Y-%m-%d %H:%M:%S") if a.raw.published_at else "",
                "realSort": real_sort(a),
                "stockList": [],
            }
            for a in older
        ]
        return {"code": "1", "message": "success", "data": {"fastNewsList": items, "sortEnd": cursor}}
    items = [fast_item_2026(a, index) for index, a in enumerate(older)]
    key = "newsList" if form == "drifted" else "fastNewsList"
    return {
        "code": "1",
        "message": "success",
        "data": {key: items, "sortEnd": cursor, "total": len(articles)},
        "req_trace": (query.get("req_trace") or [""])[0],
    }


def render_list_page(articles: list[ReplicaArticle], base_url: str, slug: str, page: int) -> str | None:
    """An HTML list page (``#newsListContent``, 20 items, ``MM月dd日 HH:mm`` times); ``None`` past the end."""
    start = (page - 1) * LIST_PAGE_SIZE
    chosen = articles[start : start + LIST_PAGE_SIZE]
    if page > 1 and not chosen:
        return None
    items = "".join(
        f'''<li id="newsTr{index}"><div class="text text-no-img">
<p class="title"><a href="{base_url}/a/{a.code}.html" target="_blank">{html.escape(a.raw.title or "")}</a></p>
<p class="info" title="{html.escape(a.raw.digest or "", quote=True)}">{html.escape((a.raw.digest or "")[:60])}</p>
<p class="time">{a.raw.published_at.strftime("%m月%d日 %H:%M") if a.raw.published_at else ""}</p></div></li>'''
        for index, a in enumerate(chosen)
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>资讯精华_东方财富网</title></head><body>
<div class="mainCont"><ul id="newsListContent">{items}</ul>
<div class="pagerbox"><a href="/a/{slug}_{page + 1}.html">下一页</a></div></div></body></html>"""


def list_payload(articles: list[ReplicaArticle], base_url: str, page: int, size: int, form: str = "2020") -> dict:
    """A ``getNewsByColumns`` answer: ``data.list`` items with code, title, showTime, mediaName, url;
    in the 2026 form as :func:`column_item_2026` writes them; the drifted form renames ``data.list``."""
    start = (page - 1) * size
    chosen = articles[start : start + size]
    if form == "2020":
        items = [
            {
                "code": a.code,
                "title": a.raw.title,
                "summary": a.raw.digest or "",
                "showTime": a.raw.published_at.strftime("%Y-%m-%d %H:%M:%S") if a.raw.published_at else "",
                "mediaName": a.raw.media or "",
                "url": f"{base_url}/a/{a.code}.html",
                "uniqueUrl": f"{base_url}/a/{a.code}.html",
                "np_dst": "CMS",
                "realSort": f"{a.code}{index:03d}",
                "image": "",
            }
            for index, a in enumerate(chosen)
        ]
    else:
        items = [column_item_2026(a, index, base_url) for index, a in enumerate(chosen)]
    key = "items" if form == "drifted" else "list"
    answer = {
        "code": "1",
        "message": "success",
        "data": {"page_index": page, "page_size": size, "totle_hits": len(articles), key: items},
    }
    return answer if form == "2020" else {"req_trace": "1", **answer}


def feed_document(articles: list[ReplicaArticle], path: str, base_url: str) -> str:
    """The site's RSS 2.0 feed, Atom feed, sitemap, or sitemap index."""
    links = [f"{base_url}/a/{a.code}.html" for a in articles]
    if path == "/rss.xml":
        items = "".join(
            f"<item><title>{a.code}</title><link>{link}</link></item>" for a, link in zip(articles, links, strict=True)
        )
        return f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>要闻</title>{items}</channel></rss>'
    if path == "/atom.xml":
        entries = "".join(
            f'<entry><title>{a.code}</title><link rel="alternate" href="{link}"/></entry>'
            for a, link in zip(articles, links, strict=True)
        )
        return f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>要闻</title>{entries}</feed>'
    if path == "/sitemap-index.xml":
        return (
            '<?xml version="1.0" encoding="UTF-8"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
            f"<sitemap><loc>{base_url}/sitemap.xml</loc></sitemap></sitemapindex>"
        )
    urls = "".join(f"<url><loc>{link}</loc></url>" for link in [*links, f"{base_url}/about.html"])
    return f'<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'


# --- the forms the real site was seen answering in 2026 (../shared/reference/sites.md, "What the real
# sites answered in 2026"; tests/fixtures/real-sites/), and a drifted form of each source --------------

LIST_PAGE_SIZE_2026 = 42  # 41–42 items a page were observed live (not 20)
# The share widget's text at the body's end, one short paragraph a line as other projects saw it.
SHARE_WIDGET = "<p>打开微信，</p><p>点击底部的“发现”，</p><p>使用“扫一扫”即可将网页分享至朋友圈。</p>"
APP_WIDGET = '<div class="app-down"><p>下载东方财富APP，随时随地看资讯</p></div>'


def render_list_page_2026(articles: list[ReplicaArticle], base_url: str, slug: str, page: int) -> str | None:
    """A list page as seen live in August 2026: a ``<ul>`` with no id, ``li#newsTr{n}`` items in two
    variants (with ``div.image`` before ``div.text``, and text only), ``YYYY年MM月DD日 HH:MM`` times,
    42 items a page; article links absolute on the site's host."""
    start = (page - 1) * LIST_PAGE_SIZE_2026
    chosen = articles[start : start + LIST_PAGE_SIZE_2026]
    if page > 1 and not chosen:
        return None
    items = []
    for index, a in enumerate(chosen):
        link = f"{base_url}/a/{a.code}.html"
        image = (
            f'<div class="image"><a href="{link}" target="_blank"><img src="https://np-newspic.dfcfw.com/download/D{a.code}_w240h135.jpg" alt=""></a></div>'
            if index % 3 == 0
            else ""
        )
        shown = a.raw.published_at.strftime("%Y年%m月%d日 %H:%M") if a.raw.published_at else ""
        text_class = "text" if image else "text text-no-img"
        items.append(
            f'''<li id="newsTr{index}">{image}<div class="{text_class}">
<p class="title"><a href="{link}" target="_blank">{html.escape(a.raw.title or "")}</a></p>
<p class="info" title="{html.escape(a.raw.digest or "", quote=True)}">{html.escape((a.raw.digest or "")[:60])}</p>
<p class="time">{shown}</p></div></li>'''
        )
    rank = "".join(
        f'<li><a href="{base_url}/a/{a.code}.html">{html.escape(a.raw.title or "")}</a></li>' for a in articles[:3]
    )
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>证券聚焦_东方财富网</title></head><body>
<div class="topnav"><a href="http://www.eastmoney.com/">东方财富网</a> &gt; <a href="http://finance.eastmoney.com/">财经频道</a></div>
<div class="mainleft"><div class="list"><ul>{"".join(items)}</ul></div>
<div class="pagerbox"><a href="/a/{slug}_{page + 1}.html">下一页</a></div></div>
<div class="mainright"><div class="Wydj"><div class="hd">网友点击排行榜</div><ul class="tabList">{rank}</ul></div></div>
</body></html>"""


def render_drifted_list_page(articles: list[ReplicaArticle], base_url: str, slug: str, page: int) -> str | None:
    """A redesigned list page the parsers cannot read: items rendered by script from a data blob,
    no article link in the HTML."""
    codes = ",".join(a.code for a in articles[:LIST_PAGE_SIZE])
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>证券聚焦_东方财富网</title></head><body>
<div id="app" data-list="{codes}"><div class="loading">加载中…</div></div>
<script src="/newsstatic/js/list.bundle.js"></script></body></html>"""


def render_article_page_2026(article: ReplicaArticle, index: int) -> str:
    """An article page in the 2026 forms: the time outside ``div.infos``, the outlet in the header
    without "来源：" (odd pages) or only at the body's end in ``p.em_media`` (even pages), a share
    widget and an app-download widget beside the body, and ``</p >`` as copies show it. Every third
    page has its headline only in ``<title>`` and a quote box titled 行情中心 before the body, as a 2026
    client describes the page (tests/fixtures/real-sites/eastmoney/PROVENANCE.md, "the 2026 headline")."""
    page = render_article_page(article)
    if index % 3 == 0:
        page = re.sub(r'(<div id="topbox">\s*)<div class="title">.*?</div>', r"\1", page, count=1, flags=re.DOTALL)
        page = page.replace(
            '<div class="zwinfos">',
            '<div class="hqzx"><div class="title">行情中心</div><ul><li><a href="http://quote.eastmoney.com/">'
            '沪深京A股</a></li></ul></div>\n    <div class="zwinfos">',
            1,
        )
    raw = article.raw
    shown = raw.published_at.strftime("%Y年%m月%d日 %H:%M") if raw.published_at else ""
    media = html.escape(raw.media or "东方财富网")
    header_outlet = f'<div class="item">{media}</div>' if index % 2 else ""
    page = re.sub(
        r'<div class="infos">.*?</div>\s*</div>',
        lambda _: (
            f'<div class="infos">{header_outlet}<div class="item">评论 12</div></div></div>\n        <div class="time">{shown}</div>'
        ),
        page,
        count=1,
        flags=re.DOTALL,
    )
    body = raw.body_html or ""
    source_line = "" if "em_media" in body else f'<p class="em_media">（文章来源：{media}）</p >\n'
    page = page.replace(
        "<!-- 正文中部 内嵌广告 -->", f"{source_line}{SHARE_WIDGET}\n{APP_WIDGET}\n<!-- 正文中部 内嵌广告 -->", 1
    )
    # The sourcebox after the body no longer names the outlet either.
    return page.replace(f'<div class="sourcebox"> 文章来源：{media} 郑重声明', '<div class="sourcebox"> 郑重声明', 1)


def render_emptied_article_page(article: ReplicaArticle, index: int) -> str:
    """A redesign the containers survive: the 2026 page whose ``#ContentBody`` still holds the source
    line and the widgets, while the article's paragraphs sit in a new element beside it (or are filled
    in by a script): the page's summary is all the known layout gives."""
    page = render_article_page_2026(article, index)
    body = article.raw.body_html or ""
    page = page.replace(body, "", 1)
    return page.replace(
        '<div class="sourcebox">', f'<div class="article-content">{body}</div>\n<div class="sourcebox">', 1
    )


def render_drifted_article_page(article: ReplicaArticle) -> str:
    """A redesigned article page: none of the known containers (no ``#ContentBody``, no ``#topbox``),
    the article in an ``<article>`` of new class names; only ``<title>`` and ``og:`` tags as before."""
    raw = article.raw
    title = html.escape(raw.title or "")
    shown = raw.published_at.strftime("%Y-%m-%d %H:%M:%S") if raw.published_at else ""
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_东方财富网</title>
<meta property="og:title" content="{title}"><link rel="canonical" href="http://finance.eastmoney.com/a/{article.code}.html"></head><body>
<header class="em-head"><nav><a href="http://www.eastmoney.com/">东方财富网</a> <a href="http://finance.eastmoney.com/">财经频道</a></nav></header>
<main class="em-main"><article class="em-article"><h1 class="em-article__title">{title}</h1>
<div class="em-article__meta"><span class="em-article__time">{shown}</span></div>
<section class="em-article__content">{raw.body_html or ""}</section></article></main>
<footer class="em-foot">郑重声明：东方财富网发布此信息目的在于传播更多信息，与本站立场无关。 沪ICP证:沪B2-20070217</footer>
</body></html>"""


def column_item_2026(a: ReplicaArticle, index: int, base_url: str) -> dict:
    """A getNewsByColumns row as answered in 2026: ``url`` the older ``/news/1350,{code}.html`` form and
    ``uniqueUrl`` the ``/a/{code}.html`` one, both ``http://`` on the site; HTML in ``summary``;
    ``Np_dst`` or ``np_dst``; no ``realSort``. ``uniqueUrl`` is left out of every fourth row."""
    item = {
        "code": a.code,
        "title": a.raw.title,
        "summary": f"<p>{html.escape(a.raw.digest or '')}</p>",
        "showTime": a.raw.published_at.strftime("%Y-%m-%d %H:%M:%S") if a.raw.published_at else "",
        "mediaName": a.raw.media or "",
        "image": "",
        "url": f"{base_url}/news/1350,{a.code}.html",
        ("Np_dst" if index % 2 else "np_dst"): "CMS",
    }
    if index % 4 != 3:
        item["uniqueUrl"] = f"{base_url}/a/{a.code}.html"
    return item


# What 7×24 items of 2026 tag themselves with (a real answer of 2026-08-30 in tests/fixtures/real-sites/eastmoney):
# nothing, boards, a stock, a fund of market 150 and a US stock.
LISTED_SECIDS = ([], ["90.BK0428", "90.BK0457"], ["0.002230"], ["150.012322", "105.AMZN"])


def fast_item_2026(a: ReplicaArticle, index: int) -> dict:
    """A 7×24 item as answered in 2026: no ``realSort`` (the cursor is only in ``data.sortEnd``),
    every fifth item without a title (summary only), ``stockList`` of secids."""
    return {
        "code": a.code,
        "title": "" if index % 5 == 4 else a.raw.title,
        "summary": a.raw.digest or a.raw.title or "",
        "showTime": a.raw.published_at.strftime("%Y-%m-%d %H:%M:%S") if a.raw.published_at else "",
        "stockList": LISTED_SECIDS[index % len(LISTED_SECIDS)],
        "titleColor": 0,
        "pinglun_Num": 0,
        "share": 0,
    }
