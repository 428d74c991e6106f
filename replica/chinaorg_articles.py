"""The China.org replica's articles (written for the replica), where each is listed, and how its page
is served (template, bytes on the wire, declared charsets)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from core.dates import SHANGHAI

FINANCE_COLUMN = "证券要闻"
TECH_CHANNEL = "internet"
DEAD_LINK_PATH = "/news/20231122/6053001.shtml"  # listed, but answers 404
WITHDRAWN_PATH = "/news/20231124/6054210.shtml"  # listed, answers 200 with a "deleted" notice
TOPIC_PATH = "/zhuanti/2023jrgzl/"  # a special-topic page on the list: not an article
ARTICLE_PATH_RE = re.compile(
    r"^(?:/[a-z0-9_]+)+/\d{8}/\d+\.shtml$"  # one or more section levels (/news/, /stock/ssgs/)
    r"|^(?:/[a-z]+)*/\d{4}-\d{2}/\d{2}/content_\d+\.s?html?$"
)


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
    # A long article split over pages (content_{id}.htm, content_{id}_2.htm …, sites.md 3.2): its
    # paragraphs shared out in order, each page linking the next from its #autopage pager.
    pages: int = 1
    # The path the lists link when the article has moved: it answers 301 to ``path``.
    moved_from: str | None = None

    @property
    def listed_time(self) -> str:
        return self.published.strftime("%Y-%m-%d %H:%M")

    @property
    def listed_path(self) -> str:
        """The path the lists link."""
        return self.moved_from or self.path

    def page_path(self, page: int) -> str:
        """The path of page ``page`` (1: the article's own path)."""
        if page == 1:
            return self.path
        stem, dot, ext = self.path.rpartition(".")
        return f"{stem}_{page}{dot}{ext}"

    def page_paragraphs(self, page: int) -> tuple[str, ...]:
        """The paragraphs page ``page`` shows: an equal share, the last page taking what is left."""
        share = -(-len(self.paragraphs) // self.pages)
        return self.paragraphs[(page - 1) * share : page * share]


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
        path="/stock/ssgs/20240315/6100123.shtml",  # a two-level channel, as the 上市公司 column links
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

# Not among ARTICLES: a test adds it to the site (ChinaOrgSite(articles=ARTICLES + (PAGED_ARTICLE,))).
PAGED_ARTICLE = ChinaOrgArticle(
    path="/2023-11/25/content_116522047.htm",
    title="前三季度规模以上工业企业利润降幅收窄 装备制造业支撑作用明显",
    published=_at(2023, 11, 25, 9, 45, 12),
    media="经济日报",
    author="赵磊",
    editor="陈雪",
    channel=FINANCE_COLUMN,
    list_page=1,
    template="older",
    pages=2,
    paragraphs=(
        "国家统计局日前发布数据显示，前三季度全国规模以上工业企业实现利润总额5.44万亿元，同比下降9.0%，"
        "降幅比1至8月份收窄2.7个百分点。其中，9月份规模以上工业企业利润同比增长11.9%，连续两个月实现增长。",
        "分行业看，装备制造业利润增长较快，电气机械、汽车、铁路船舶航空航天等行业利润同比增长，"
        "对全部规模以上工业利润增长的拉动作用明显增强。原材料制造业利润降幅继续收窄。",
        "第二页：业内人士分析，随着稳增长政策持续显效，市场需求逐步恢复，工业品价格降幅收窄，"
        "企业营业收入增速回升，成本压力有所缓解，工业企业效益有望继续改善。",
        "第二页：也有专家提醒，当前外部环境依然复杂，部分行业需求仍显不足，企业经营压力较大，"
        "需进一步加大政策支持力度，巩固工业经济回升向好态势。",
    ),
)
