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
    """A ``realSort`` that falls with age, as the 7×24 API's does."""
    stamp = int(article.raw.published_at.timestamp()) if article.raw.published_at else 0
    return f"{stamp}{int(article.code[-6:]):06d}"


def fast_payload(articles: list[ReplicaArticle], query: dict[str, list[str]]) -> dict:
    """A ``getFastNewsList`` answer: items older than ``sortEnd`` (all when empty), newest first."""
    if not query.get("req_trace"):
        return {"code": "-1", "message": "Required field req_trace", "data": None}
    sort_end = (query.get("sortEnd") or [""])[0]
    size = int((query.get("pageSize") or ["20"])[0])
    ordered = sorted(articles, key=real_sort, reverse=True)
    older = [a for a in ordered if not sort_end or int(real_sort(a)) < int(sort_end)][:size]
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
    return {
        "code": "1",
        "message": "success",
        "data": {"fastNewsList": items, "sortEnd": items[-1]["realSort"] if items else ""},
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


def list_payload(articles: list[ReplicaArticle], base_url: str, page: int, size: int) -> dict:
    """A ``getNewsByColumns`` answer: ``data.list`` items with code, title, showTime, mediaName, url."""
    start = (page - 1) * size
    chosen = articles[start : start + size]
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
    return {
        "code": "1",
        "message": "success",
        "data": {"page_index": page, "page_size": size, "totle_hits": len(articles), "list": items},
    }


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
