"""A local replica of the China.org / china.com.cn finance and tech channels, for the tests of the
``chinaorg`` spider: a finance column list (``/news/column.php?cname=证券要闻&p=N``, ``ul.news_list``),
a tech channel list (``/internet/``, ``div.htabx`` … ``h3.hsTit3``) and article pages.

The pages follow the real sites' furniture as the project's notes describe it: the current ``.shtml``
template (``div.wrap.c.top`` header with ``span.time2``, ``#fontzoom`` body with 　　-indented
paragraphs and the ``div.bianj`` editor line, related links and the copyright footer after the body)
and the older template (``#pubtime_baidu`` / ``#source_baidu``, ``#content``). Some pages are served
the way the real sites serve them and trip up naive crawlers: GBK bytes with a GBK charset, GBK bytes
whose meta says UTF-8 (and no charset in the HTTP header), and a page declared GB2312 that uses GBK
characters outside GB2312. A dead link (404), a withdrawn article (200 without an article body) and a
special-topic link sit among the list entries. The article texts are written for the replica.

One server stands in for every host (finance., tech., www.china.com.cn …): paths are the real ones,
links on the list pages point at the local server (``base_url``).
"""

from __future__ import annotations

import html
import re
import threading
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from replica.site import HTML, LOGIN_PAGE, LOGIN_PATH, AnswerLog, Blocking
from tagging.dates import SHANGHAI

FINANCE_COLUMN = "证券要闻"
TECH_CHANNEL = "internet"
DEAD_LINK_PATH = "/news/20231122/6053001.shtml"  # listed, but answers 404
WITHDRAWN_PATH = "/news/20231124/6054210.shtml"  # listed, answers 200 with a "deleted" notice
TOPIC_PATH = "/zhuanti/2023jrgzl/"  # a special-topic page on the list: not an article
ARTICLE_PATH_RE = re.compile(r"^/[a-z]+/\d{8}/\d+\.shtml$|^(?:/[a-z]+)*/\d{4}-\d{2}/\d{2}/content_\d+\.s?html?$")


@dataclass(frozen=True)
class ChinaOrgArticle:
    """One replica article, where it is listed, and how its page is served."""

    path: str
    title: str
    published: datetime
    media: str
    author: str | None
    editor: str
    paragraphs: tuple[str, ...]
    channel: str  # FINANCE_COLUMN or TECH_CHANNEL
    list_page: int
    template: str = "current"  # "current" (.shtml, #fontzoom) or "older" (#pubtime_baidu, #content)
    encoding: str = "utf-8"  # the bytes on the wire
    meta_charset: str = "utf-8"  # what the page's <meta> declares
    header_charset: str | None = "utf-8"  # the HTTP Content-Type charset; None sends none

    @property
    def listed_time(self) -> str:
        return self.published.strftime("%Y-%m-%d %H:%M")


def _at(year: int, month: int, day: int, hour: int, minute: int, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=SHANGHAI)


ARTICLES: tuple[ChinaOrgArticle, ...] = (
    ChinaOrgArticle(
        path="/news/20231123/6053998.shtml",
        title="数字经济板块午后走强 多只人工智能概念股涨停",
        published=_at(2023, 11, 23, 10, 30),
        media="中国网财经",
        author="王婷",
        editor="杨佳",
        channel=FINANCE_COLUMN,
        list_page=1,
        paragraphs=(
            "11月23日，A股三大指数早盘窄幅震荡，午后数字经济板块明显走强，人工智能、云计算、算力等方向轮番活跃，"
            "板块内多只个股涨停。截至收盘，沪指报3043.61点，深证成指与创业板指小幅收涨，两市成交额连续多日超过8000亿元。",
            "盘面上，科大讯飞午后放量拉升，浪潮信息、中科曙光等算力龙头同步走高。有市场人士表示，近期多地密集出台"
            "支持数字经济发展的政策措施，大模型应用加速落地，带动算力需求持续增长，相关产业链公司业绩有望逐步兑现。",
            "中信证券研报认为，人工智能产业正从模型训练阶段走向应用推广阶段，国产算力、数据要素和行业大模型是值得关注的"
            "三条主线。不过，研报同时提示，部分个股短期涨幅较大，投资者需警惕估值过高带来的回调风险。",
            "从资金面看，北向资金全天净买入超过30亿元，其中电子、计算机行业获得较多加仓。分析人士指出，在稳增长政策"
            "持续发力的背景下，A股市场整体估值处于历史较低水平，中长期配置价值逐步显现。",
        ),
    ),
    ChinaOrgArticle(
        path="/stock/20240315/6100123.shtml",
        title="宁德时代2023年净利润同比增长43.58% 拟每10股派现50.28元",
        published=_at(2024, 3, 15, 19, 42),
        media="中国网财经",
        author="李健",
        editor="张明",
        channel=FINANCE_COLUMN,
        list_page=1,
        encoding="gbk",
        meta_charset="gbk",
        header_charset="GBK",
        paragraphs=(
            "3月15日晚间，宁德时代发布2023年年度报告。报告期内，公司实现营业收入4009.17亿元，同比增长22.01%；"
            "实现归属于上市公司股东的净利润441.21亿元，同比增长43.58%。公司拟向全体股东每10股派发现金红利50.28元（含税）。",
            "分业务看，动力电池系统仍是宁德时代最主要的收入来源，储能电池系统业务增速较快。公司表示，2023年全球新能源车"
            "渗透率持续提升，动力电池和储能市场需求保持增长，公司锂电池销量同比增长超过三成。",
            "受业绩超预期带动，锂电池板块有望迎来估值修复。业内人士分析，随着上游碳酸锂价格回落至相对低位，"
            "电池企业盈利能力明显改善，比亚迪、亿纬锂能等产业链公司的经营情况也值得关注。",
            "对于未来发展，宁德时代表示，将持续加大研发投入，加快钠离子电池、凝聚态电池等新技术的产业化进程，"
            "并稳步推进海外生产基地建设。",
        ),
    ),
    ChinaOrgArticle(
        path="/roll/20260718/6316735.shtml",
        title="白酒板块震荡回升 贵州茅台成交额居前",
        published=_at(2026, 7, 18, 16, 5),
        media="证券日报",
        author=None,
        editor="闫国胜",
        channel=FINANCE_COLUMN,
        list_page=1,
        encoding="gbk",
        meta_charset="utf-8",  # wrong: the bytes are GBK
        header_charset=None,
        paragraphs=(
            "7月18日，白酒板块早盘低开后震荡回升，截至收盘，板块整体上涨1.2%。贵州茅台全天成交额超过50亿元，"
            "位居两市前列，五粮液、泸州老窖、山西汾酒等个股跟涨。",
            "近期，多家白酒企业召开经销商大会，释放稳价控量信号。有机构调研显示，中秋国庆双节备货节奏较往年有所提前，"
            "高端白酒批价总体保持稳定，渠道库存处于合理区间。",
            "华创证券分析师认为，白酒行业正处于存量竞争阶段，龙头企业凭借品牌、渠道和现金流优势，市场份额有望进一步提升。"
            "从估值看，板块当前市盈率已回落至近五年较低水平，具备一定的安全边际。",
            "不过，也有观点提醒，消费复苏的节奏仍存在不确定性，二季度部分区域性酒企动销偏弱，投资者应重点关注企业中报"
            "业绩与渠道反馈的变化。",
        ),
    ),
    ChinaOrgArticle(
        path="/2016-04/08/content_38197512.htm",
        title="集成电路产业投资基金加快布局 半导体板块获资金关注",
        published=_at(2016, 4, 8, 14, 51, 58),
        media="证券日报",
        author="张珺",  # 珺 is GBK but not GB2312, although the page declares gb2312
        editor="孙菲",
        channel=FINANCE_COLUMN,
        list_page=2,
        template="older",
        encoding="gbk",
        meta_charset="gb2312",
        header_charset="gb2312",
        paragraphs=(
            "4月8日，半导体板块表现活跃，长电科技、通富微电、华天科技等封装测试企业股价走高。消息面上，"
            "国家集成电路产业投资基金近期加快投资节奏，已先后参与多家芯片制造、封装测试和设备材料企业的项目。",
            "业内人士表示，集成电路是信息产业的基础，我国每年芯片进口额超过2000亿美元，国产替代空间巨大。"
            "随着产业政策和资金支持持续加码，国内半导体企业有望在制造工艺、封装技术等环节加快追赶。",
            "据了解，国家集成电路产业投资基金于2014年9月设立，首期募资规模超过1300亿元，重点投向芯片制造领域，"
            "兼顾设计、封装测试、装备和材料等环节。",
            "分析人士同时提醒，半导体行业投资周期长、技术门槛高，相关上市公司短期业绩未必能快速释放，"
            "投资者应理性看待板块的题材炒作。",
        ),
    ),
    ChinaOrgArticle(
        path="/internet/20180920/345977.shtml",
        title="云计算市场规模持续扩大 人工智能成企业上云新动力",
        published=_at(2018, 9, 20, 9, 12),
        media="中国网科技",
        author="李明",
        editor="刘畅",
        channel=TECH_CHANNEL,
        list_page=1,
        paragraphs=(
            "9月19日，2018杭州云栖大会开幕，多家企业在会上发布了云计算和人工智能领域的新产品。业内预计，今年我国公有云"
            "市场规模将继续保持较快增长，企业上云正从互联网行业向制造、金融、政务等传统行业延伸。",
            "与会专家表示，人工智能的发展离不开海量数据和强大算力，云计算为深度学习模型的训练提供了弹性资源，"
            "而人工智能又反过来提升了云服务的附加值。两者相互促进，正在重塑企业的信息化架构。",
            "资本市场方面，云计算板块近期走势分化。浪潮信息、用友网络等公司受益于企业数字化需求，订单保持增长；"
            "部分中小公司则面临研发投入大、盈利周期长的压力。",
            "中国信息通信研究院发布的报告显示，2017年我国云计算整体市场规模达到691.6亿元，增速为34.32%。"
            "报告预计，未来几年我国云计算市场仍将保持较快增长。",
        ),
    ),
    ChinaOrgArticle(
        path="/it/20190617/356839.shtml",
        title="5G商用牌照发放一周 产业链企业加速布局",
        published=_at(2019, 6, 17, 15, 20),
        media="中国网科技",
        author=None,
        editor="刘畅",
        channel=TECH_CHANNEL,
        list_page=2,
        paragraphs=(
            "6月6日，工业和信息化部正式向中国电信、中国移动、中国联通、中国广电发放5G商用牌照，我国正式进入5G商用元年。"
            "牌照发放一周以来，5G产业链上下游企业纷纷加快布局。",
            "设备商方面，中兴通讯表示，公司已在全球获得多个5G商用合同，5G基站发货量稳步增长。光模块、射频器件等环节的"
            "企业也在加紧扩充产能，以满足运营商大规模建网的需求。",
            "分析人士指出，5G网络建设将带动通信设备、芯片、终端等领域的投资，并为工业互联网、车联网、超高清视频等应用"
            "打开空间。A股市场上，5G概念股近期表现活跃，但部分个股估值已处于较高水平。",
            "运营商人士透露，今年三大运营商计划在全国50个以上城市开通5G网络，年内5G基站数量有望超过5万个。",
        ),
    ),
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


def _body_paragraphs(article: ChinaOrgArticle) -> str:
    return "\n".join(f"<p>　　{html.escape(p)}</p>" for p in article.paragraphs)


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


def render_current_page(article: ChinaOrgArticle) -> str:
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
{_body_paragraphs(article)}
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


def render_older_page(article: ChinaOrgArticle) -> str:
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
{_body_paragraphs(article)}
<p align="right">（责任编辑：{html.escape(article.editor)}）</p>
</div>
{_related_html()}
</div>
{_footer_html()}
</body>
</html>
"""


def render_article(article: ChinaOrgArticle) -> tuple[str, bytes]:
    """The article's HTTP Content-Type and page bytes, encoded as the real site serves them."""
    page = render_older_page(article) if article.template == "older" else render_current_page(article)
    content_type = f"text/html; charset={article.header_charset}" if article.header_charset else "text/html"
    return content_type, page.encode(article.encoding)


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
    entries = [(f"{base_url}{a.path}", a.title, a.listed_time) for a in articles]
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


def render_channel_page(articles: list[ChinaOrgArticle], page: int, last_page: int, base_url: str) -> str:
    """A ``tech.china.com.cn`` channel page: ``div.htabx`` entries and a ``div.pg`` pager whose
    ``a.nxt`` is missing on the last page."""
    items = "\n".join(
        f'  <li><h3 class="hsTit3"><a href="{base_url}{a.path}" target="_blank">{html.escape(a.title)}</a></h3>'
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


_WITHDRAWN_PAGE = _page_shell(
    "提示信息_中国网财经", '<div class="tips"><p>对不起，您访问的页面已删除或不存在。</p><a href="/">返回首页</a></div>'
)
_NOT_FOUND_PAGE = "<html><body><h1>404 Not Found</h1><p>您访问的页面不存在</p></body></html>"
# Served for an article when the site no longer serves articles to us: the channel's front page.
_PORTAL_PAGE = _page_shell(
    "中国网财经_中国网",
    '<div class="focus"><h2>要闻</h2><ul><li><a href="/news/">新闻</a></li>'
    '<li><a href="/stock/">证券</a></li></ul></div>',
)


class ChinaOrgSite:
    """The replica's content and the counts of what was requested (tests assert on them); served by
    :class:`replica.site.ReplicaServer` like the Eastmoney replica."""

    def __init__(
        self,
        articles: tuple[ChinaOrgArticle, ...] = ARTICLES,
        robots: str = "User-agent: *\nAllow: /\n",
        blocking: Blocking | None = None,
    ) -> None:
        self.articles = list(articles)
        self.by_path = {a.path: a for a in self.articles}
        self.robots = robots
        self.blocking = blocking or Blocking()  # how it refuses a crawler (replica.site.BLOCKING_MODES)
        self.requests: Counter[str] = Counter()
        self.served = 0
        self.answers = AnswerLog()
        self.lock = threading.Lock()

    def listed(self, channel: str, page: int) -> list[ChinaOrgArticle]:
        return [a for a in self.articles if a.channel == channel and a.list_page == page]

    def article_requests(self) -> int:
        """Fetches of article-shaped paths (the dead link and the withdrawn article included)."""
        return sum(n for path, n in self.requests.items() if ARTICLE_PATH_RE.match(path))

    def handle(self, path: str, query: dict[str, list[str]], base_url: str) -> tuple[int, str, bytes]:
        """Answer one GET; ``requests`` counts it under its path and query (list pages differ by query)."""
        pairs = sorted((name, value) for name, values in query.items() for value in values)
        with self.lock:
            self.requests[f"{path}?{urlencode(pairs)}" if pairs else path] += 1
            self.served += int(path not in ("/robots.txt", LOGIN_PATH))
            served = self.served
        if path == "/robots.txt":
            return 200, "text/plain; charset=utf-8", self.robots.encode()
        if path == LOGIN_PATH:
            return 200, HTML, LOGIN_PAGE.encode("utf-8")
        refusal = self.blocking.refusal(served, path, base_url)
        if refusal is not None:
            return refusal
        emptied = self.blocking.active("empty_list", served)
        if path == "/news/column.php":
            cname = query.get("cname", [""])[0]
            number = query.get("p", ["1"])[0]
            page = int(number) if number.isdigit() and int(number) > 0 else 1  # as the site: junk means page 1
            listed = self.listed(FINANCE_COLUMN, page) if cname == FINANCE_COLUMN and not emptied else []
            body = render_column_page(listed, cname, page, base_url, extras=not emptied)
            return 200, "text/html; charset=utf-8", body.encode()
        last_page = max((a.list_page for a in self.articles if a.channel == TECH_CHANNEL), default=1)
        for page in range(1, last_page + 1):
            if path == channel_path(page):
                listed = [] if emptied else self.listed(TECH_CHANNEL, page)
                body = render_channel_page(listed, page, last_page, base_url)
                return 200, "text/html; charset=utf-8", body.encode()
        if path == WITHDRAWN_PATH:
            return 200, "text/html; charset=utf-8", _WITHDRAWN_PAGE.encode()
        if path in self.by_path and self.blocking.active("not_articles", served):
            return 200, HTML, _PORTAL_PAGE.encode("utf-8")
        if article := self.by_path.get(path):
            content_type, body = render_article(article)
            return 200, content_type, body
        return 404, "text/html; charset=utf-8", _NOT_FOUND_PAGE.encode()
