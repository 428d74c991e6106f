"""The China.org replica's pages (:mod:`replica.chinaorg` serves them): article pages in the current
and the older template, the finance column list, the tech channel list, and the notices. The page
templates are long: they copy the real pages' furniture, which is what the parsers are tested against."""

# ruff: noqa: E501  (page templates keep the lines of the real pages unbroken)
from __future__ import annotations

import html
import json
from urllib.parse import urlencode

from replica.chinaorg_articles import (
    DEAD_LINK_PATH,
    FINANCE_COLUMN,
    TECH_CHANNEL,
    TOPIC_PATH,
    WITHDRAWN_PATH,
    ChinaOrgArticle,
)

# Related-link titles and the footer, as they follow the body on every article page.
_RELATED = (
    ("http://finance.china.com.cn/news/20231121/6052871.shtml", "证监会：进一步活跃资本市场 提振投资者信心"),
    ("http://finance.china.com.cn/stock/20231120/6052530.shtml", "北向资金连续三日净流入 电子行业获加仓"),
    ("http://tech.china.com.cn/it/20231119/401233.shtml", "工信部：加快推进算力基础设施高质量发展"),
)
FOOTER_TEXT = (
    "中国网是国务院新闻办公室领导，中国互联网新闻中心主办的国家重点新闻网站。"
    "版权所有 中国互联网新闻中心 京ICP证 040089号 网络传播视听节目许可证号:0105123"
)

_NAV = """<div class="topbar"><div class="wrap c">
  <a href="http://www.china.com.cn/" target="_blank">中国网</a> |
  <a href="http://finance.china.com.cn/">财经</a> | <a href="http://tech.china.com.cn/">科技</a> |
  <a href="http://app.finance.china.com.cn/stock/">行情</a> | <a href="http://finance.china.com.cn/roll/">滚动</a>
</div></div>
<div class="logo_nav wrap c"><a class="fl logo" href="http://finance.china.com.cn/"><img src="/images/logo.png"
  alt="中国网财经"></a>
  <ul class="fr nav"><li><a href="http://finance.china.com.cn/news/">要闻</a></li>
  <li><a href="http://finance.china.com.cn/stock/">证券</a></li><li><a href="http://finance.china.com.cn/money/">理财</a>
  </li><li><a href="http://tech.china.com.cn/internet/">互联网</a></li></ul>
</div>"""


def _related_html() -> str:
    items = "\n".join(f'  <li><a href="{url}" target="_blank">{html.escape(title)}</a></li>' for url, title in _RELATED)
    return f'<div class="xgxw"><h3>相关新闻</h3>\n<ul>\n{items}\n</ul></div>'


def _footer_html() -> str:
    return f"""<div class="footer wrap c">
  <p><a href="http://www.china.com.cn/about/">关于我们</a> | <a href="http://www.china.com.cn/contact/">联系我们</a></p>
  <p>{FOOTER_TEXT}</p>
  <p>Copyright &copy; china.com.cn All Rights Reserved. 电子邮件: webmaster@china.org.cn</p>
</div>"""


def _body_paragraphs(article: ChinaOrgArticle, page: int = 1) -> str:
    """The paragraphs of page ``page`` and, for an article over several pages, the #autopage pager
    inside the body (as news.china.com.cn shows it: every page's number, then ``>`` to the next)."""
    paragraphs = "\n".join(f"<p>　　{html.escape(p)}</p>" for p in article.page_paragraphs(page))
    if article.pages == 1:
        return paragraphs
    # Relative links, as the site writes them: {1: "content_1.htm", 2: "content_1_2.htm" …}.
    names = {n: article.page_path(n).rsplit("/", 1)[-1] for n in range(1, article.pages + 1)}
    links = "".join(f"<span>{n}</span>" if n == page else f'<a href="{name}">{n}</a>' for n, name in names.items())
    following = f'<a href="{names[page + 1]}">&gt;</a>' if page < article.pages else ""
    return f'{paragraphs}\n<div id="autopage"><center>{links}{following}</center></div>'


def column_path(cname: str, page: int) -> str:
    """A finance column list page, as linked and as counted in :attr:`ChinaOrgSite.requests`."""
    return "/news/column.php?" + urlencode({"cname": cname, "p": page})


def channel_path(page: int) -> str:
    """A tech channel list page."""
    return f"/{TECH_CHANNEL}/" if page == 1 else f"/{TECH_CHANNEL}/index_{page}.shtml"


def _head(article: ChinaOrgArticle, site_name: str) -> str:
    title = html.escape(article.title)
    digest = html.escape(article.paragraphs[0][:80])
    return f"""<head>
<meta http-equiv="Content-Type" content="text/html; charset={article.meta_charset}" />
<title>{title}_{site_name}</title>
<meta name="keywords" content="{title}" />
<meta name="description" content="{digest}" />
<link rel="stylesheet" type="text/css" href="/css/article.css" />
<script type="text/javascript" src="/js/jquery.min.js"></script>
</head>"""


def render_current_page(article: ChinaOrgArticle, page: int = 1) -> str:
    """The finance/tech ``.shtml`` template: header in ``div.wrap.c.top``, body in ``#fontzoom``."""
    shown = article.published.strftime("%Y年%m月%d日%H:%M")
    media = html.escape(article.media)
    author = f"  <em>作者：{html.escape(article.author)}</em>" if article.author else ""
    site_name = "中国网科技" if article.channel == TECH_CHANNEL else "中国网财经"
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
{_head(article, site_name)}
<body>
{_NAV}
<div class="crumbs wrap c"><a href="/">{site_name}</a> &gt; 正文</div>
<div class="wrap c top">
  <h1>{html.escape(article.title)}</h1>
  <div class="c"><span class="fl time2">{shown}  <a href="/" target="_blank">{media}</a>{author}</span>
  <span class="fr share">分享到：<a class="bds_weixin" href="#">微信</a>
  <a class="bds_tsina" href="#">微博</a></span></div>
</div>
<div class="wrap c">
<div class="fl left">
<div class="navp c" id="fontzoom">
{_body_paragraphs(article, page)}
<div class="fr bianj">(责任编辑：{html.escape(article.editor)})</div>
</div>
{_related_html()}
</div>
<div class="fr right"><h3>24小时排行</h3><ol><li><a href="http://finance.china.com.cn/news/20231122/6053210.shtml">
  央行：保持流动性合理充裕</a></li></ol></div>
</div>
{_footer_html()}
<script type="text/javascript" src="/js/count.js"></script>
</body>
</html>
"""


def render_older_page(article: ChinaOrgArticle, page: int = 1) -> str:
    """The older china.com.cn template: ``#pubtime_baidu`` / ``#source_baidu`` and a ``#content`` body."""
    published = article.published.strftime("%Y-%m-%d %H:%M:%S")
    media = html.escape(article.media)
    author = f' | <span id="author_baidu">作者：{html.escape(article.author)}</span>' if article.author else ""
    return f"""<!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0 Transitional//EN"
  "http://www.w3.org/TR/xhtml1/DTD/xhtml1-transitional.dtd">
<html xmlns="http://www.w3.org/1999/xhtml">
{_head(article, "中国网")}
<body>
{_NAV}
<div class="wrap c">
<h1 class="artTitle">{html.escape(article.title)}</h1>
<div class="artInfo"><span id="pubtime_baidu">发布时间：{published}</span> |
  <span id="source_baidu">来源：<a href="/" target="_blank">{media}</a></span>{author}</div>
<div id="content">
{_body_paragraphs(article, page)}
<p align="right">（责任编辑：{html.escape(article.editor)}）</p>
</div>
{_related_html()}
</div>
{_footer_html()}
</body>
</html>
"""


def render_page_2024(article: ChinaOrgArticle, page: int = 1) -> str:
    """The template of china.com.cn pages captured in 2024 (tests/fixtures/real-sites/chinaorg/): UTF-8,
    ``<title>…_中国网</title>``, ``meta publishdate`` a date only, the title twice (``h1.article_title``
    in a sticky header, ``h1`` above the body), ``div.inform`` with the time and 来源 in ``<p>``s beside
    share and font-size widgets, the body in ``div.content_left > div.article`` between
    ``<!--enpcontent-->`` markers, an ``enpproperty`` comment, ``div.editor`` 【责任编辑：…】."""
    title = html.escape(article.title)
    shown = article.published.strftime("%Y-%m-%d %H:%M")
    stamp = article.published.strftime("%Y-%m-%d %H:%M:%S") + ":412"
    return f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="UTF-8">
<meta property="og:type" content="website"><meta property="og:title" content="{title}">
<meta property="og:description" content="中国网--网上中国"><meta property="og:url" content="http://www.china.com.cn/">
<title>{title}_中国网</title>
<meta name="contentid" content="{article.path.rsplit("/", 1)[-1].split(".")[0]}">
<meta name="publishdate" content=" {article.published:%Y-%m-%d}">
<meta name="author" content="{html.escape(article.editor)}">
<link rel="stylesheet" href="http://images.china.cn/images1/ch/2022ChinaIdex/content/css/content.css">
</head><body>
<div class="topFixed"><h1 class="article_title">{title}</h1><div class="informShare">分享到：<a class="sina" href="#">微博</a></div></div>
<div class="m_local"><a href="http://china.com.cn/" target="_blank">首页</a><span>&gt;</span><a href="http://news.china.com.cn/index.shtml">新闻中心</a></div>
<h1>{title}</h1>
<div class="inform"><p>{shown}</p><p>来源：{html.escape(article.media)}</p>
<div class="informShare">分享到：<div class="wechat"><div class="qrcode"></div></div><div class="copy_pic"><div class="copySuccess">链接已复制</div></div></div>
<div class="fontSize">字体：<span class="fontSmall font_cur">小</span><span class="fontBig">大</span></div></div>
<div class="content_left"><div class="article"><div id="vf"><div id="videoarea" style="display: none;"></div></div>
<!--enpcontent-->{_body_paragraphs(article, page)}<!--/enpcontent--><!--enpproperty <articleid>1</articleid><date>{stamp}</date><author>{html.escape(article.author or "")}</author><sourcename>{html.escape(article.media)}</sourcename><liability>{html.escape(article.editor)}</liability>/enpproperty-->
<div class="editor">【责任编辑：{html.escape(article.editor)}】</div></div>
<div class="relevant"><iframe src="http://www.china.com.cn/node_9000478.html" class="banner"></iframe></div></div>
<div class="pc_footer">{FOOTER_TEXT}</div><div id="webdig_source" style="display:none">中国网</div>
</body></html>
"""


def render_drifted_page(article: ChinaOrgArticle, page: int = 1) -> str:
    """A redesign nobody has described: none of the known containers, the article in ``<article>``."""
    title = html.escape(article.title)
    return f"""<!DOCTYPE html><html><head><meta charset="utf-8"><title>{title}_中国网</title></head><body>
{_NAV}<main class="cn-main"><article class="cn-story"><h1 class="cn-story__title">{title}</h1>
<div class="cn-story__meta">{article.published:%Y-%m-%d %H:%M:%S} 来源：{html.escape(article.media)}</div>
<section class="cn-story__body">{_body_paragraphs(article, page)}</section></article></main>
{_footer_html()}</body></html>"""


def render_article(article: ChinaOrgArticle, form: str = "2020", page: int = 1) -> tuple[str, bytes]:
    """The HTTP Content-Type and bytes of the article's page ``page``, encoded as the real site serves
    them; ``form`` 2024 or drifted renders every article in that template (UTF-8)."""
    if form == "2024":
        return "text/html; charset=utf-8", render_page_2024(article, page).encode("utf-8")
    if form == "drifted":
        return "text/html; charset=utf-8", render_drifted_page(article, page).encode("utf-8")
    render = render_older_page if article.template == "older" else render_current_page
    content_type = f"text/html; charset={article.header_charset}" if article.header_charset else "text/html"
    return content_type, render(article, page).encode(article.encoding)


def _page_shell(title: str, content: str) -> str:
    return f"""<!DOCTYPE html>
<html>
<head><meta http-equiv="Content-Type" content="text/html; charset=utf-8" /><title>{title}</title></head>
<body>
{_NAV}
<div class="wrap c">
{content}
</div>
{_footer_html()}
</body>
</html>
"""


def render_column_page(
    articles: list[ChinaOrgArticle], cname: str, page: int, base_url: str, extras: bool = True
) -> str:
    """An ``app.finance.china.com.cn/news/column.php`` page; the pager's second item is the next page
    (the real pager keeps offering one after the last page, which is simply empty). ``extras``: the
    dead link, topic and withdrawn entries of the finance column's first page."""
    entries = [(f"{base_url}{a.listed_path}", a.title, a.listed_time) for a in articles]
    if cname == FINANCE_COLUMN and page == 1 and extras:
        entries[1:1] = [(f"{base_url}{DEAD_LINK_PATH}", "券商板块早盘异动拉升", "2023-11-22 09:41")]
        entries.append((f"{base_url}{TOPIC_PATH}", "专题：2023金融工作会议", "2023-11-21 18:00"))
        entries.append((f"{base_url}{WITHDRAWN_PATH}", "多家上市公司发布回购计划", "2023-11-24 08:15"))
    items = "\n".join(
        f'  <li><a href="{url}" target="_blank">{html.escape(title)}</a><span>{shown}</span></li>'
        for url, title, shown in entries
    )
    pager = (
        f'<ul class="page">\n  <li><a href="{column_path(cname, max(page - 1, 1))}">上一页</a></li>\n'
        f'  <li><a href="{column_path(cname, page + 1)}">下一页</a></li>\n</ul>'
    )
    content = f'<h2 class="list_tit">{html.escape(cname)}</h2>\n<ul class="news_list">\n{items}\n</ul>\n{pager}'
    return _page_shell(f"{html.escape(cname)}_中国网财经", content)


def script_list_path(page: int, callback: str | None = "jQuery1111_1") -> str:
    """A channel's script list (``app.finance.china.com.cn/news/more_news.php``), as asked for and counted."""
    query = {"callback": callback} if callback else {}
    return "/news/more_news.php?" + urlencode({**query, "cnl": "stock", "index": 0, "page": page})


def render_script_list(articles: list[ChinaOrgArticle], callback: str | None, base_url: str) -> str:
    """A ``more_news.php`` answer (sites.md 3.3, PROVENANCE.md C): a JSONP call, or a bare ``(…)`` without a
    callback, whose payload is a JSON *string* of the items' HTML (``div.c > h3 > a``, the time in a span);
    past the last page, an empty string."""
    items = "".join(
        f'<div class="c"><h3><a href="{base_url}{a.listed_path}" target="_blank">{html.escape(a.title)}</a></h3>'
        f"<p>{html.escape(a.paragraphs[0][:40])}…</p><span>{a.listed_time}</span></div>"
        for a in articles
    )
    # The JSONP form escapes its Chinese (\uXXXX), the bare form sends it as UTF-8: the reader must take both.
    return f"{callback or ''}({json.dumps(items, ensure_ascii=bool(callback))});"


def render_channel_page(articles: list[ChinaOrgArticle], page: int, last_page: int, base_url: str) -> str:
    """A ``tech.china.com.cn`` channel page: ``div.htabx`` entries and a ``div.pg`` pager whose
    ``a.nxt`` is missing on the last page."""
    items = "\n".join(
        f'  <li><h3 class="hsTit3"><a href="{base_url}{a.listed_path}" target="_blank">{html.escape(a.title)}</a></h3>'
        f"<p>{html.escape(a.paragraphs[0][:40])}…</p><span>{a.listed_time}</span></li>"
        for a in articles
    )
    links = "".join(
        f"<strong>{n}</strong>" if n == page else f'<a href="{channel_path(n)}">{n}</a>'
        for n in range(1, last_page + 1)
    )
    if page < last_page:
        links += f'<a href="{channel_path(page + 1)}" class="nxt">下一页</a>'
    content = f'<div class="htabx">\n<ul>\n{items}\n</ul>\n</div>\n<div class="pg">{links}</div>'
    return _page_shell("互联网_中国网科技", content)


WITHDRAWN_PAGE = _page_shell(
    "提示信息_中国网财经", '<div class="tips"><p>对不起，您访问的页面已删除或不存在。</p><a href="/">返回首页</a></div>'
)
NOT_FOUND_PAGE = "<html><body><h1>404 Not Found</h1><p>您访问的页面不存在</p></body></html>"
# Served for an article when the site no longer serves articles to us: the channel's front page.
PORTAL_PAGE = _page_shell(
    "中国网财经_中国网",
    '<div class="focus"><h2>要闻</h2><ul><li><a href="/news/">新闻</a></li>'
    '<li><a href="/stock/">证券</a></li></ul></div>',
)
