"""The context rules of entity linking (:mod:`tagging.linking.linker`): where a name found in text is not a
mention (an attribution line, part of a longer organisation name, cut from a word), and the words
around it that make it a company (股份, 股价, 涨停 …) or a sector (板块, 概念, 行业 …)."""

from __future__ import annotations

import re
from collections.abc import Callable

from tagging.linking.knowledge import HOW_ALIAS, HOW_FULL, KnowledgeBase

# A 来源 / 作者 / 编辑 line names outlets and people, not subjects of the article.
ATTRIBUTION_RE = re.compile(
    # a research team's byline, each analyst after the sector they cover (作者:宏观  高瑞东、…军工 刘宇辰: dev149),
    # before the general 作者 line, which would stop at 40 characters
    r"作者\s*[:：](?:[ \t\u3000]*[\u4e00-\u9fff]{1,6}[ \t\u3000]+[\u4e00-\u9fff]{2,4}[、，,]?)+|"
    # (转自:网信军民融合(wxjmrh): the account a post was copied from, dev165); the column or topic a site files the
    # article under (来源专题:数控机床与工业机器人: a library's topic column, dev38 a trap; 所属栏目:)
    r"(?:文章来源|来源|作者|责任编辑|编辑|记者|摄影|图片来源|图源|出品|转自|转载自|(?:来源|所属)(?:专题|栏目|频道))"
    r"\s*[:：|@][^\n，。；]{0,40}"
    r"|(?:头图|题图|封面图|配图)\s*[:：|丨/][^\n，。；]{0,20}"  # 头图|视觉中国 (dev179)
    # photo credits and screenshots: (中国网信网 焦鹏 摄), （视觉中国供图）, (视觉中国/当代中国授权),
    # 同花顺App截图, 图/东方IC
    r"|[（(][^（）()\n]{0,30}?(?:摄|供图|截图|图|授权)[)）]|[^\s，。；、]{1,12}(?:截图|供图)|图\s*/\s*[^\s，。；]{1,12}"
    r"|[^\s，。；、/]{1,12}/图"  # 视觉中国/图
    r"|[（(]视觉中国[)）]"  # a photo agency alone in brackets after a paragraph
    r"|(?:图片|图像|题图|配图)(?:来自|源自|由)[^\n，。；]{0,20}"  # 图片来自视觉中国 (dev79 wxredian)
    # a caption's credit standing alone (资料图:安踏门店。图:视觉中国, dev148); not 示意图: or 如下图:, which
    # introduce content
    r"|(?<![\u4e00-\u9fff])图\s*[:：][^\n，。；]{0,20}"
    # a disclaimer that names the site (本文仅代表作者个人观点,与电池回收利用网无关: dev93); not any 与…无关, which
    # may deny a company's part (此次涨停与宁德时代无关)
    r"|与[^\n，,。；]{0,14}?(?:网|网站|本站)无关"
)
# Words one of which every match of ATTRIBUTION_RE holds: a text without any is not searched (the search
# is the linker's costliest step on short sentences).
ATTRIBUTION_HINTS = (
    "来源",
    "所属",
    "作者",
    "转自",
    "转载自",
    "编辑",
    "记者",
    "摄",
    "出品",
    "供图",
    "截图",
    "图)",
    "图）",
    "图/",
    "图:",
    "图：",
    "图 /",
    "/图",
    "图源",
    "头图",
    "封面图",
    "授权)",
    "视觉中国)",
    "视觉中国）",
    "授权）",
    "图片来",
    "图片源",
    "图片由",
    "无关",
    "图像来",
    "题图",
    "配图",
)


# Page chrome that a stored page keeps around its article: the titles of the articles before and after it
# (上一篇:智能制造工艺对医疗设备的影响), and a menu line of short links separated by spaces (川网头条 最要闻 …
# 乡村振兴 科技教育 文化旅游; 政策法规 教育培训 交流会). Neither is the article's text (FRESH_RULES R1), and labellers
# of the development sets took nothing from them. A menu has six links or more, letters only: a table row
# holds figures, and a sentence its punctuation. The same menu, other shapes (each a trap in its text):
# - a page's tag line, such a row of links after its label (标签: 小米 IDC 苹果 华为, dev100): short tags parted by
#   spaces or commas, the line ending with them; a 关键字: label glued to the article's first sentence is no tag line;
# - a line that holds only a channel's name, the menu's heading (半导体新闻, then 65人已加入: dev23).
# Not a shorter row of links right before or after a menu line, the menu wrapped (一带一路 境外动态, dev16): a
# list of companies wrapped over two lines has that shape (second review of day 21).
# Not six short lines or more one word to a line (a side menu, a row of buttons: dev163, dev96, 2 extras): a
# column of a table rendered as text, company names one to a line, has that shape too (review of day 21).
NEIGHBOUR_TITLE_RE = re.compile(r"(?:上一篇|下一篇)\s*[:：][^\n]*")
_MENU_LINK = r"[\u4e00-\u9fffA-Za-z]{2,8}"
MENU_LINE_RE = re.compile(
    rf"^[ \t•·|]*(?:{_MENU_LINK}[ \t•·|]+){{5,}}{_MENU_LINK}[ \t•·|]*$"
    r"|^[ \t]*(?:标签|关键词|关键字|Tags?|TAG)[ \t]*[:：][ \t]*(?:[^\s，。；;,、]{1,12}[ \t,，、|]+){0,9}"
    r"[^\s，。；;,、]{1,12}[ \t]*$"
    rf"|^[ \t]*{_MENU_LINK}(?:新闻|频道|栏目|专栏)[ \t]*$"
    # a menu whose links run together, from 首页 to 更多 (首页查报价问答论坛下载手机笔记本…家用电器办公打印 更多, dev96)
    r"|^[ \t]*首页[\u4e00-\u9fffA-Za-z \t|]{6,}更多[ \t]*$",
    re.MULTILINE,
)


# Pages of 2025-2026 head an article with a machine summary and a disclaimer about it (AI智能摘要; 此摘要由AI分析
# 文章内容生成，仅供参考; 本文由AI辅助生成): page chrome about the page, not the AI field (dev40 labellers took no AI
# there). A sentence about AI-made content (这段由AI生成的视频) has no 摘要/本文/内容 as its subject and still reads.
AI_SUMMARY_RE = re.compile(
    r"^[^\S\n]*(?:AI|人工智能)\s*(?:智能)?(?:摘要|总结|导读|速览|速读|划重点)[^\S\n]*[:：]?[^\S\n]*$"
    r"|(?:此|该|本|以上)(?:摘要|文章|内容|文)[^\n，,。]{0,4}由\s*(?:AI|人工智能)[^\n。]{0,20}",
    re.MULTILINE,
)


# A site's notice about itself or its copy, a line of page chrome (FRESH_RULES R2): 关于我们:Ginlix AI 是…投资助手,
# 将先进的人工智能与…; 欢迎关注微信公众号:人工智能报; 本文转载自长江有色金属网,内容均来自于互联网; 风险提示:本平台信息
# 来源于大数据及网络; 内容仅供参考,不构成投资建议。AI技术战略支持为… (dev sets: 6 board extras, no label, in such
# lines). The whole line is the notice, when it is short: a long paragraph that ends in a disclaimer keeps its text.
# Not 不构成投资建议 or 微信公众号 alone: an article's lead says it (本文为行业观察内容,不构成任何投资建议: dev131), and
# a company discloses on its account (海康威视在官方微信公众号上披露: dev55). A copyright notice forbids copying
# (…包括文字、图片…以及H5、海报、AR、VR、手绘…,未经…许可,不得转载: dev52, AR and VR a trap there), and may run to 240
# characters.
# (Only after 未经…许可: 经销商不得转载、复制茅台的商标 is a contract's term in the news; and only such a notice may run
# to 240 characters: second review of day 21. 人民日报's e-paper notice, 未经人民网股份有限公司…书面授权,
# 任何单位及个人不得将…用于商业性目的, runs to some 260 and names its publisher, a listed company: dev235
# peopledaily-rmrb, 320 since.)
SITE_NOTICE_RE = re.compile(
    r"关于我们|免责声明|欢迎关注|本文网址|转载自|版权归|内容仅供参考|侵删|如有侵权|"
    r"未经[^\n。]{0,30}?(?:许可|授权|同意)[，,]?\s*(?:任何单位(?:及|和|或)个人)?不得(?:转载|将)"
)
SITE_NOTICE_HINTS = ("关于我们", "免责声明", "欢迎关注", "本文网址", "转载自", "版权归", "仅供参考", "侵", "不得转载")
_SITE_NOTICE_LINE_LENGTH = 200
_COPYRIGHT_NOTICE_LINE_LENGTH = 320
# … and a copyright notice speaks of the site's works (版权, 原创作品, 本网/本站/本报/本刊 稿件)
_COPYRIGHT_WORDS_RE = re.compile(r"版权|作品|稿件|原创|本文|本网|本站|本报|本刊|本号|本公众号|本平台|文字、图片")


def site_notice_spans(scan: str) -> list[tuple[int, int]]:
    """The short lines of ``scan`` that hold a site's notice about itself or its copy (SITE_NOTICE_RE)."""
    spans: list[tuple[int, int]] = []
    for match in SITE_NOTICE_RE.finditer(scan):
        start = scan.rfind("\n", 0, match.start()) + 1
        end = scan.find("\n", match.end())
        end = len(scan) if end < 0 else end
        copyright_notice = match.group().startswith("未经")
        if copyright_notice and not _COPYRIGHT_WORDS_RE.search(scan, start, end):
            continue  # 未经茅台书面许可，不得转载、复制其商标: a contract's term in the news (third review of day 21)
        limit = _COPYRIGHT_NOTICE_LINE_LENGTH if copyright_notice else _SITE_NOTICE_LINE_LENGTH
        if end - start <= limit and (not spans or spans[-1] != (start, end)):
            spans.append((start, end))
    return spans


def attribution_spans(scan: str) -> list[tuple[int, int]]:
    """Where 来源/作者 lines, photo credits and page chrome (menus, the neighbouring articles' titles, a machine
    summary's heading and disclaimer, a site's notice) stand in ``scan``."""
    spans = [match.span() for match in MENU_LINE_RE.finditer(scan)] if "\n" in scan else []
    if any(hint in scan for hint in SITE_NOTICE_HINTS):
        spans.extend(site_notice_spans(scan))
    if "一篇" in scan:
        spans.extend(match.span() for match in NEIGHBOUR_TITLE_RE.finditer(scan))
    if "AI" in scan or "人工智能" in scan:  # (a cheap test first: both of the pattern's branches need one)
        spans.extend(match.span() for match in AI_SUMMARY_RE.finditer(scan))
    if any(hint in scan for hint in ATTRIBUTION_HINTS):
        spans.extend(match.span() for match in ATTRIBUTION_RE.finditer(scan))
    return spans


_COMPANY_AFTER_RE = re.compile(
    # a date may stand between the name and what it did (黄山旅游7月11日晚间公告称)
    r"(?:\d{1,2}月\d{1,2}日(?:晚间|早间|午间|盘后|盘中|晚|早)?)?"
    # and so may a period of its results (希尔顿三季度营收增长, 华住2025年上半年净利, 新华网今年营收)
    r"(?:(?:20\d\d年|今年|去年|上年|本年)(?:第?[一二三四1-4]季度|上半年|下半年|前三季度|全年|年度|Q[1-4])?"
    r"|(?:第?[一二三四1-4]季度|上半年|下半年|前三季度|全年|年度|Q[1-4]))?"
    # a bracket opens a code or a market (贵州茅台(600519), 阿里巴巴(BABA.US), 腾讯（港股）), not an explanation
    # (燃料电池(直接将燃料的化学能转化为电能)): a product word named so is no company, nor is a rank (北部湾港(第9位))
    r"(?:[（(](?![\u4e00-\u9fff]{4}|第)|股份|公司|集团|控股|股价|市值|公告|董事|董秘|总裁|总经理|CEO|旗下|财报|年报|季报|半年报|营收|净利|"
    r"回购|股东|大股东|A股|H股|港股|美股|股票|个股|涨停|跌停|大涨|大跌|涨超|跌超|涨幅|跌幅|收涨|收跌|上涨|下跌|"
    r"高开|低开|领涨|领跌|报收|盘中|盘前(?:[涨跌]|上涨|下跌|大涨|大跌)|盘后(?:[涨跌]|上涨|下跌)|发布公告|披露|上市|IPO|股权|定增|分红|业绩|"
    # only a share is suspended or resumes trading (新创建復牌後報8.7元: RTHK 2023-06-27, session 23 probe)
    r"停牌|复牌|"
    # the last of a list of stocks (万年青和祁连山等多只股票纷纷跟涨: dev86)
    r"等(?:多|几|数)?[只家个]?(?:股票|个股|上市公司))"
)
# An apposition that counts it among firms (航天发展，这家前期股价翻了数倍的总龙头: dev24 idmiao), when the name opens
# its clause: after a word it ends a predicate, and 这家 or 该公司 is the subject's (业绩长虹，该公司…: 贵州茅台's;
# 销量不理想，该公司…: review of day 22).
_APPOSITION_AFTER_RE = re.compile(r"[，,]\s?(?:这家|该公司)")
_DEAL_AFTER_RE = re.compile(r"收购|并购|宣布(?:与|收购|并购|将以)")
# Its results published (Zoom公布第三季度财报, 太古发布中期业绩: session 23 probe): a company's doing, as a deal is.
_RESULTS_AFTER_RE = re.compile(
    r"(?:公布|发布|披露|交出)了?(?:20\d\d年|今年|去年|上年)?(?:第?[一二三四1-4]季度|上半年|中期|前三季度|全年|年度|Q[1-4])?"
    r"(?:财报|年报|季报|半年报|业绩|财务业绩|财务报告)"
)


def _glued_to_a_name(before: str) -> bool:
    """Whether the character before a name may be more of a longer name (智元|机器人), not a word's end."""
    return "\u4e00" <= before <= "\u9fff" and before not in "在由与和及被将"


_COMPANY_BEFORE_RE = re.compile(
    r"(?:公司|个股|龙头|股票|港股|美股|中概股|巨头|厂商|车企|券商|上市公司|子公司|旗下|A股|H股|股份|证券简称|简称|上市[\u4e00-\u9fff]{0,4}企业|"
    r"服务商|提供商|供应商|运营商|竞争对手|"
    # a holder's trade in the shares (伯克希尔多次减持苹果, 重仓英伟达: dev135)
    r"减持|增持|清仓|建仓|重仓|加仓|减仓|抛售|做空)[的“\"]?$"
)
# (…央企: the trade's state-owned firms as 企业 are, 电力央企: dev87)
# (…零部件, …核心零部件: a trade's parts are its supply chain, 机器人零部件技术 the robot trade: dev221; a trade
# word with a parts board of its own, 汽车零部件, is that board's word and taken first)
SECTOR_AFTER_RE = re.compile(
    r"等?(?:板块|概念|行业|产业|工业|领域|赛道|股(?![份东价权票])|类股|企业|央企|公司|市场|业(?![绩务主内余态])|ETF|指数|题材|龙头|上市公司|"
    r"上市企业|制造业|产业链|链|巨头|厂商|生产商|制造商|(?:核心)?零部件)"
)
# What makes a company's name the concept board named after it (特斯拉概念股, 华为产业链, 苹果供应链): a cue
# about the group of stocks, never one a company also takes (特斯拉公司, 英伟达业绩, 华为市场, 百度指数). Not 版块,
# which Hong Kong and Taiwan pages write for 板块 (ChatGPT版块: dev32) but mainland pages for a site's or an app's
# section (小红书版块功能上线: review of day 21).
BOARD_CUE_AFTER_RE = re.compile(r"等?(?:板块|概念|题材|产业链|供应链|股(?![份东价权票])|类股|ETF)")
# An industry named by a policy or as what grows, shrinks or is built (issue 22: 支持渔业发展, 推动汽车消费,
# 港口建设): the word names the sector without a 板块/行业 cue. Before the word, a policy verb; after it,
# what a sector does or has (its demand and its investment are not: 石油需求, 基建投资, labellers took 1 of 7;
# nor its energy statistics: 煤炭消费量, 电力消费弹性系数; nor a project or a capacity, most often one firm's:
# 单晶电池项目, 自有电池产能, labellers took 3 of 10 across dev2-dev53).
POLICY_BEFORE_RE = re.compile(
    r"(?:支持|推动|发展|促进|扶持|培育|壮大|振兴|鼓励|加快|提振|做强|做优|做大|布局|聚焦|深耕|整治|规范|稳定|提升|压减|化解)$"
)
SECTOR_DOINGS_RE = re.compile(
    r"(?:发展|转型|升级|复苏|回暖|景气|去产能|消费(?!量|弹性|占比)|出口|建设|供给|供应|装机|销量|出货|"
    r"(?:外贸)?(?:货物|集装箱)?吞吐量|"  # (全国港口货物吞吐量: dev90, dev94, dev115)
    r"产量|产值|增加值|出栏|存栏|发电|生产(?!线|项目|目标)|"
    # and how it fares (房地产下行, 房地产深度调整, 房地产新开工持续走弱: dev79, dev86)
    r"下行|深度调整|低迷|承压|走弱|疲软|新开工|新签合同|"
    # and the rural sales campaign named after the trade (绿色智能家电下乡, 汽车下乡: dutenews, gdtcflfw, szweitang)
    r"下乡)"
)
# A portal's page furniture names the site (网易首页 > 网易号, 打开网易新闻 查看精彩图片), not the company;
# a 新闻发布会 is the company's own. A name + 报 is a newspaper's title (中国矿业报是行业大报, 《中国证券报》),
# not a price (贵州茅台报1750元, 报收), a report (报告) or a filing (报送, 报表).
OUTLET_AFTER_RE = re.compile(
    r"(?:记者|报道|讯|消息|网讯|科技讯|客户端|援引|刊文|评论员|社论|公众号|官微|网站|APP|App|财经|首页|中文网|号\s*[>＞]|新闻(?!发布)|"
    r"网\s*[>＞]|"
    r"报(?![\s\d.,，:：收价告道案表出送名备复酬销警喜涨跌盘单捷于称晓考关税批账废效]))"
)
# 据新华社 names an outlet; 根据 (according to), 依据, 数据, 占据, 证据 do not.
# 据东方财富Choice数据: a listed company as the source of figures is named (R2), not an outlet cited.
DATA_SOURCE_AFTER_RE = re.compile(r"\s*(?:[A-Za-z]{2,}\s*)?(?:统计数据|数据|统计)")
DATA_SHOWN_RE = re.compile(r"(?:显示|表明|统计|称)")  # 同花顺iFinD数据显示: the source of figures without 据
# 据高盛测算, 据摩根大通预测: a bank or a broker cited for its estimate is the source of a view (R2), not an outlet
# reporting news (据新华社报道); dev111 gomarkets.
# 据金风科技业绩演示材料, 据腾讯公告: a company cited for its own disclosure is the company (dev156).
VIEW_AFTER_RE = re.compile(
    r"\s*(?:的)?(?:测算|预测|估计|估算|预计|分析师?|研究|研报|计算|认为|指出|观点|预期|调查|调研|"
    r"业绩|公告|财报|年报|半年报|季报|官网|官方|介绍|透露|披露|招股书|招股说明书)"
)
OUTLET_BEFORE_RE = re.compile(r"(?:(?<![根依数占证])据|来源[:：]?|转自|转载自|引自|记者|策划[:：]|出品[:：])$")
# A figure in brackets may follow each member (半导体(+18%)、电力(+12%), 银行(16.13亿) 、 传媒, 银行(周涨4.89%),
# 银行(-1.4pct): dev89).
_LIST_MARK = r"(?:、|，|,|和|与|及|以及|/|／)"
_FIGURE_IN_BRACKETS = r"(?:[（(]\s*(?:[周日月年]?[涨跌]幅?|上涨|下跌)?\s*[+\-−]?[\d.]+\s*(?:%|pct|亿|万)?元?\s*[)）])?"
# Members may be quoted (“汽车零部件”、“游戏”等板块).
CLOSING_QUOTES = '”"」』'
_CLOSING_QUOTE = f"[{CLOSING_QUOTES}]?"
_OPENING_QUOTE = r"[“\"「『]?"
LIST_GAP_RE = re.compile(rf"^{_CLOSING_QUOTE}\s*{_FIGURE_IN_BRACKETS}\s*{_LIST_MARK}\s*{_OPENING_QUOTE}$")
# Between two sector words of one list, members the vocabulary does not know may stand (增持电子、银行、电力设备、
# 汽车和轻工制造): at most two, each a short word.
INDUSTRY_LIST_GAP_RE = re.compile(
    rf"^{_CLOSING_QUOTE}\s*{_FIGURE_IN_BRACKETS}\s*(?:、\s*[\u4e00-\u9fff]{{1,6}}\s*{_FIGURE_IN_BRACKETS}\s*){{0,2}}"
    rf"{_LIST_MARK}\s*{_OPENING_QUOTE}$"
)
MARKET_HINTS = (
    ("HK", re.compile(r"港股|港交所|香港上市|恒生|H股")),
    ("US", re.compile(r"美股|纳斯达克|纽交所|中概股|美国上市")),
)
# A listing the text names next to the company (比亚迪H股公告称, 在美上市的中国移动): that listing, not the
# A-share the company's name otherwise means (FRESH_RULES S3). Hong Kong's share-class marks name the Hong Kong
# line too (阿里巴巴-SW, 京东集团-SW, 网易-S, 蔚来-SW: development texts label the Hong Kong listing every time;
# session 23 probe), not the US primary listing the bare name means.
LISTING_NAMED_AFTER = (
    ("HK", re.compile(r"\s*(?:H股|港股)(?!通)|-(?:SW|SWR|WR|W|S)(?![A-Za-z])")),
    ("US", re.compile(r"\s*(?:美股|ADR|ADS)")),
)
LISTING_NAMED_BEFORE = (("US", re.compile(r"在美(?:国)?上市的?$")), ("HK", re.compile(r"在(?:香港|港股?)上市的?$")))


def listing_named(scan: str, start: int, end: int) -> str | None:
    """``HK`` or ``US`` when the words next to a company's name name one of its listings."""
    for market, pattern in LISTING_NAMED_AFTER:
        if pattern.match(scan, end):
            return market
    for market, pattern in LISTING_NAMED_BEFORE:
        if pattern.search(scan, max(0, start - 8), start):
            return market
    return None


# Between a name and its code: brackets and spaces, or the rest of a longer name (at most 4 Han).
# A share-class mark may stand between them (谷歌-C(GOOG.US), 小米集团-W(01810.HK)).
CODE_GAP_RE = re.compile(r"[\u4e00-\u9fff]{1,4}\s*[（(]\s*|(?:-[A-Z]{1,2})?[\s（(:：]*")
# Countries news writes before a foreign company's name (美国高通公司).
COMPANY_COUNTRIES = frozenset({"美国", "日本", "韩国", "德国", "英国", "法国", "荷兰", "瑞士", "瑞典", "芬兰", "丹麦"})
# Names of organisations: a name followed by more of one is part of it, not a mention on its own.
_ORGANISATION_END = (
    r"(?:股份有限公司|有限责任公司|有限公司|分公司|(?<!电)子公司|协会|学会|研究院|研究所|大学|学院|委员会|管委会|联合会|"
    r"商会|基金会|医院|合伙企业|促进会|研究会|展览会|博览会|实验室|(?:股权)?投资基金|产业基金)"
    # (中国电力发展促进会, 智慧能源(上海)展览会: dev92; 复旦消费大数据实验室: dev133; 国寿广德(天津)股权投资基金:
    # dev193)
)
# A place in brackets may stand before the legal form (长电科技汽车电子(上海)有限公司,
# 中清先进电池制造(石河子)有限公司).
_PLACE_IN_BRACKETS = r"(?:[（(][\u4e00-\u9fff]{2,4}[)）])?"
# 等 ends a list, not a name: 苹果、戴尔等大型电子公司 names two companies (dev100); 电子公司 is no 子公司.
_INSIDE_ORGANISATION_RE = re.compile(
    r"(?:(?!等)[\u4e00-\u9fff]|[、与和]){0,10}?" + _PLACE_IN_BRACKETS + _ORGANISATION_END
)
# A fund's name holds the names of its sponsor and its assets: 中金普洛斯仓储物流封闭式基础设施证券投资基金 is a
# REIT, not 中金 or 普洛斯, and its 证券 is no broker. A verb in between makes it a company doing something
# with a fund (腾讯参与设立…投资基金), which stays a mention.
_FUND_CODE_AFTER_RE = re.compile(r"\s*[（(]\s*\d{6}")
_FUND_NAME_RE = re.compile(
    r"(?:(?!设立|发起|出资|参与|成立|认购|管理|旗下|推出|发行)[\u4e00-\u9fff]){0,20}?"
    r"(?:(?:证券)?投资基金|基础设施基金|投资信托基金|REITs?)"
)
# A licence's wording: 本公司具备证券投资咨询业务资格 names a permit, not the sector (like business scope).
LICENCE_AFTER_RE = re.compile(
    r"[\u4e00-\u9fff]{0,8}?(?:业务资格|业务许可|经营许可证?|牌照|业务证书|资格证书|签发证明|注册证|批准文号)"
)
# A board word followed by 成本 (or 原材料价格, 费用, a fee: 物业管理费) is an input whose cost is meant (饲料成本上涨,
# 饲料原材料价格, 航空餐饮费用), a price like a futures price.
INPUT_COST_AFTER_RE = re.compile(
    r"(?:等)?(?:(?:原材料|原料)(?:成本|价格)|成本(?!敏感|优势|领先|控制|管控)|费用|费(?![\u4e00-\u9fff]))"
)
# A board word followed by a price or a contract names that price (美国天然气价格, 在外餐饮价格, 黄金期货), not
# the sector (FRESH_RULES: a price alone is no mention). Prices of industries in a list (PPI by industry:
# 石油加工、黑色金属冶炼和压延加工价格) are still named: such a word waits for a list, like a sector word. A price
# index's price is a price too (玻璃指数价格, a commodity index in a broker's monthly: dev228).
PRICE_AFTER_RE = re.compile(r"\s?(?:等)?(?:指数)?(?:价格|均价|售价|报价|价差|期货|现货价?|合约)")
# A model or a series right before a product word names that product (A19 芯片, 思元系列芯片, Blackwell架构芯片),
# not the sector, as a company's name before it does (比亚迪刀片电池).
MODEL_BEFORE_RE = re.compile(r"(?:系列|架构|型号|[A-Za-z][A-Za-z0-9\-]*\d[A-Za-z0-9]*\s?)$")
# A board word as the speaker of a view (有券商认为, 券商人士表示, 券商观点) is an unnamed firm quoted, and one
# before 分析师 names an analyst's beat (富宝锂电分析师): not the sector.
SPEAKER_AFTER_RE = re.compile(
    r"\s?(?:(?:人士|分析师|研报|研究员)?(?:周[一二三四五六日]|纷纷|普遍|均|也|则|一致)?"
    r"(?:认为|表示|指出|称|预计|测算|分析称|提示|建议|坦言|透露|观点|看好|推荐|解读)|分析师|研究员)"
)
# AI as a feature of a product (AI虚拟助手, AI辅助诊断系统, AI智能总结, AI加速芯片) or as a tool that helps
# something else (AI赋能, AI技术赋能): a product in use (FRESH_RULES B2), not the field. Labellers of the
# development sets took none of these; other board words before the same nouns are their subject (EDA工具,
# 折叠屏手机), so the check is the AI board's own. A chip or a device that runs AI is such a product too (游戏、图形和
# 人工智能处理器, 专用人工智能加速器, 支持人工智能的PC: dev106, dev119, no label; the AI chip is AI芯片's word).
AI_FEATURE_AFTER_RE = re.compile(
    r"\s?(?:技术)?(?:赋能|赋予|辅助|[\u4e00-\u9fff]{0,2}助手|智能总结|摘要|加速芯片|智能眼镜|眼镜|手机|电脑|耳机|音箱|功能|工具|搜索|翻译|"
    r"客服|GPU|处理器|加速器|的(?:PC|电脑|笔记本|手机))"
)
AI_WORDS = frozenset({"AI", "人工智能"})
# A site's name in its footer (国资数据中心  版权所有, CFM闪存市场 版权所有): page chrome, not the sector.
COPYRIGHT_AFTER_RE = re.compile(r"[\u4e00-\u9fffA-Za-z]{0,6}\s*(?:版权所有|All Rights Reserved|all rights reserved)")


# An honour's name in quotes, then 称号 (荣获”十大闪存控制器企业”荣誉称号, 「首个国产大算力芯片量产车型」称号: dev102,
# dev106, whose labellers left the sector out): the title a firm or a product was given, not the sector.
_QUOTED_HONOUR_RE = re.compile(r"[^“”\"「」『』\n。]{0,30}?[”\"」』]\s?(?:荣誉)?称号")


def inside_a_title(scan: str, start: int, end: int) -> bool:
    """The word stands inside a title in 《》 on its line (《物业服务企业发展报告》, 《酿酒大师》), or inside an
    honour's name in quotes (“十大闪存控制器企业”荣誉称号): a name of a report, a contract, a game or an honour
    (FRESH_RULES B2), not a mention of the sector."""
    # (opened by a quote before the word, not 深耕光伏组件领域多年"称号; texts open with ” too: 荣获”十大…”)
    if (
        "称号" in scan[end : end + 36]
        and _QUOTED_HONOUR_RE.match(scan, end)
        and any(mark in scan[max(0, start - 30) : start] for mark in '“”"「」『』')
    ):
        return True
    opening = scan.rfind("《", max(0, start - 40), start)
    if opening < 0 or scan.rfind("》", opening, start) >= 0:
        return False
    closing = scan.find("》", end, end + 60)
    line_end = scan.find("\n", end, end + 60)
    return closing >= 0 and (line_end < 0 or closing < line_end)


# A government body's name right before a board word makes it the body's unit (文化和旅游部数据中心测算).
# 部署 and 签署 are verbs, not a 署 (应该部署人工智能、大数据和云计算: dev235 shwmhw-shxw-59768).
BODY_BEFORE_RE = re.compile(
    r"(?:(?<![头内外全局南北东西中上下细俱干])部|(?<![布格全结当开大出变破胜终])局|委|厅|(?<![部签])署)$"
)
# A quoted short name (以下简称“嘉益风能”) is a company's name: a board word inside it is no sector.
SHORT_NAME_BEFORE_RE = re.compile(r"简称\s*[“\"「][^”\"」\n]{0,12}$")
# A board word that begins the name of a government department, a committee or an event is that body's
# field, not a mention of the sector: 电子信息司, 电子信息科技委, 民航局, 新型工业化推进大会, 世界机器人大会,
# 人形机器人创新中心, a park or a market town (芜湖珑腾智算互联网产业园, 零碳大数据产业园, 康美中药城), and so does
# one that begins the name of a science city, an alliance, a team, a research or rating centre or an association's
# branch (宁波新材料科技城, 广州市轨道交通产业联盟, 梧桐树资本新能源新材料团队, 中国电子商务研究中心, 中国房地产测评
# 中心, 动力电池应用分会: dev56, dev141, dev105, dev110, dev130, dev11, where labellers listed such names as traps
# or left the sector out; dev22, dev29, dev64 list 储能产业技术联盟, 中国电池联盟, 数字孪生联盟 as traps)
# (公司, 格局, 布局, 司机, 局势, 城市, 城投 are not such names; nor 集团公司 or 产业集团, which labellers read as the
# trade's groups: 保险集团公司, 稀土产业集团 in dev12, dev93; nor a firm's business team, 储能业务团队持续扩充, which
# is its business in the trade: review of day 21). Board words only: a listed firm's own centre or team
# (腾讯研究中心, 招商证券团队认为) is the firm.
_BOARD_BODY_RE = re.compile(
    r"[\u4e00-\u9fff]{0,4}?(?:(?<!公)司(?![机法])|(?<![格布结当开大全出变破胜终])局(?![面势部])|厅|科技委|"
    r"大会|论坛|博览会|峰会|创新中心|产业园|园区|科技城|联盟|(?<!业务)团队|研究中心|测评中心|分会)|(?<=产业)园|"
    r"城(?![市乡镇际投建])"
)
# A count of objects right before a board word (33 个高精度传感器, 百余台智能机器人): the objects in use,
# not the sector. A 的 between (2000 片的芯片需求), a count of firms (100家光伏企业) or a count made, sold or
# shipped (生产了469,796辆电动车, 出货3000台人形机器人: the industry's output) is not such a count.
COUNTED_OBJECTS_RE = re.compile(
    r"(?:\d[\d.,]*|[百千万])\s*[万亿]?\s*[余多]?\s*(?:个|台|颗|片|块|辆|架|套|只|枚|座)(?:(?!的)[\u4e00-\u9fffA-Za-z]){0,4}\s*$"
)
# A bracketed data credit ((IDC数据), （彭博数据）) names the source of a figure, like a photo credit.
OUTPUT_BEFORE_RE = re.compile(r"生产|产量|产销|交付|销售|销量|卖出|售出|出货|出口|进口|下线|订单|装机|采购")
DATA_CREDIT_RE = re.compile(r"[（(][^（）()\n]{0,20}?(?:数据|统计|报告)[)）]")
# A word in a list that ends 等 … 行业 is an industry (钢铁、冶金、新型煤化工等传统行业; 啤酒、其他酒类等品类;
# 港口、燃气、电网等公用设施), the list's last word too (文化和教育等多个领域), a count before the marker too
# (电子、汽车等37个行业: dev82), and a clause that qualifies the fields (文娱旅游、教育体育、健康服务等与人民群众生活
# 密切相关的领域: dev231 glpsettlement).
_LIST_OF_INDUSTRIES_RE = re.compile(
    r"[”\"」』]?(?:[、和与及/][^、，,。；;\n等]{1,10}){0,6}\s?等(?:\d+个)?(?:[\u4e00-\u9fff]{0,6}?|[\u4e00-\u9fff]{2,14}的)"
    r"(?:行业|产业|品类|板块|赛道|设施|领域(?!的?(?:数据|应用|场景)))"
)
# Two industries with one marker (服装及配饰行业, 钢铁和有色板块): the marker after the second names the first too
# (dev202 aastocks); not firms that deal with the first (银行与民营企业, 电力与相关产业: the review of dev200-dev205).
_PAIR_OF_INDUSTRIES_RE = re.compile(
    r"[及和与](?!相关|其他|其它|上下游|配套|民营|国有)[\u4e00-\u9fff]{1,4}?(?:行业|产业|板块)"
)
# Examples in brackets after a word for a group of stocks or sectors name sectors: 高分红龙头股(如银行、能源),
# 受益板块(包括煤炭、电力).
_SECTOR_EXAMPLES_BEFORE_RE = re.compile(
    r"(?:股|板块|行业|领域|方向|赛道|产业|品种)[（(]\s*(?:如|包括|例如|比如)[^（）()\n。；]{0,24}$"
)
# (a name's words hold no 在, 的, 是 …: TCL科技在光伏板块子公司 is the company, then what it owns: dev198; nor
# begin with how it is owned: 天赐材料全资子公司 names 天赐材料 as the owner, dev203)
_MORE_OF_A_NAME_RE = re.compile(
    r"(?!全资|控股子|参股子|旗下|下属)(?:(?![在的是于将对从把被])[\u4e00-\u9fff]){1,10}?"
    + _PLACE_IN_BRACKETS
    + _ORGANISATION_END
)
# A verb of a deal in that "more" makes two names (立讯精密并购福建源光电装有限公司).
_DEAL_VERB_RE = re.compile(r"并购|收购|入股|参股|设立|成立|持有|签约|携手")
# A kind of firm written right before its name (民企雅戈尔集团, 央企中国建筑, 房企万科: dev98): no part of the name.
# A kind of firm right before a name describes it (车企比亚迪, AirPods制造商歌尔股份有限公司: dev157).
_KIND_OF_FIRM_BEFORE_RE = re.compile(
    r"(?:民企|国企|央企|外企|房企|车企|药企|险企|龙头|巨头|企业|制造商|供应商|生产商|开发商|运营商|服务商|厂商|"
    # a market or a kind of share before it (港股金沙中国盘中涨5%, 濠赌股银河娱乐集团: session 23 probe of Hong
    # Kong names that are full names' stems), not 控股/持股/入股, which end a name or a verb
    r"港股|美股|中概股|A股|H股|(?<![控持入参配购])[\u4e00-\u9fff]股)$"
)
# Characters that may stand right before a full name without being part of a longer one.
_BEFORE_A_NAME = set('的与和及、在由对向将为是称据从把被同跟给让于至以及，。；：:“"（(《 \n')
BUSINESS_SCOPE_RE = re.compile(r"经营范围[^。；\n]*$")
# Names this long are full names: they never collide with everyday words, and jieba cuts them
# into their parts, so they need no word-boundary check.
FULL_NAME_LENGTH = 6
_WINDOW = 8
# A word jieba's dictionary counts this often is an everyday word (棕榈 154, 太平洋 2721; 万科 75).
_EVERYDAY_FREQUENCY = 100


def board_stem(word: str) -> str:
    """A board word without its level or kind: 白酒Ⅱ, 白酒股, 白酒概念, 白酒行业 → 白酒."""
    return re.sub(r"(?:[ⅠⅡⅢⅣ]+|概念股|概念|行业|板块|股)$", "", word) or word


def inside_another_name(
    scan: str, key: str, start: int, end: int, stock: tuple[str, str] | None, board: tuple[str, str] | None
) -> bool:
    """The match is part of the name of another organisation or of a fund: a board word anywhere in one
    (中国稀有稀土股份有限公司), a company's name with more name after it (杭州阿里创业投资有限公司), a
    full name with more name before it (江苏诺德新材料股份有限公司 is not 诺德新材料股份有限公司) or a
    name stem followed by another legal form (杭州安恒信息技术有限公司 before its 股份有限公司 listing)."""
    if _FUND_NAME_RE.match(scan, end) is not None:
        return True
    if scan.endswith(("ETF", "LOF"), 0, start) and _FUND_CODE_AFTER_RE.match(scan, end):
        return True  # 创新药ETF南方(159297): the fund's manager ends its name (dev215), not Southern Company
    if board and not stock:
        return _INSIDE_ORGANISATION_RE.match(scan, end) is not None or _BOARD_BODY_RE.match(scan, end) is not None
    if stock is None:
        return False
    if _MODEL_NUMBER_AFTER_RE.match(scan, end) and scan[end - 1 : end] not in "0123456789AB":
        return True  # 茅台1935, 小米14: a product's name that begins with the company's (FRESH_RULES S4)
    if scan.find("称", max(0, start - 20), start) >= 0 and _DEFINED_FOR_UNLISTED_FIRM_RE.search(
        scan, max(0, start - 24), start
    ):
        return True  # ...酒厂(集团)有限责任公司(下称“贵州茅台集团”): the parent's short name, not the listed 贵州茅台
    before = scan[start - 1] if start else ""
    glued = (
        bool(before)
        and "\u4e00" <= before <= "\u9fff"
        and before not in _BEFORE_A_NAME
        and not _KIND_OF_FIRM_BEFORE_RE.search(scan, max(0, start - 3), start)
    )  # more of a name before it
    if glued and stock[1] != HOW_FULL and len(key) <= 4 and _LEGAL_FORM_RE.match(scan, end):
        return True  # 浙江电光云科技有限公司: a longer firm's name that ends in the short name, not 光云科技
    if glued and _BUILDING_AFTER_RE.match(scan, end):
        return True  # 复地万科活力中心B座9层: a building's name in an address (dev187), not 万科
    if glued and key.endswith(("院", "研究所")) and not _COMPANY_BEFORE_RE.search(scan, max(0, start - 8), start):
        return True  # 电力规划设计总院: a longer institute's name that ends in the short name, not 设计总院
    if stock[1] == HOW_FULL:
        country = scan[max(0, start - 2) : start] in COMPANY_COUNTRIES  # 美国高通公司: the country, then the name
        if glued and not country and not begins_with_a_province(key):
            return True
        if not key.endswith("公司") and re.match(r"(?:有限公司|有限责任公司)", scan[end : end + 6]):
            return True
        if not key.endswith(("公司", "集团")) and scan.startswith("集团", end):
            return True  # 中国化学工程集团: the listed 中国化学工程股份有限公司's parent group (dev164)
    if key.endswith(("证券", "银行")) and _RESEARCH_ARM_AFTER_RE.match(scan, end):
        return (
            False  # 华安证券研究所, 招商银行研究院 (dev185): the firm's research arm, the firm as a view's source (R2)
        )
    if _BODY_RIGHT_AFTER_RE.match(scan, end):
        return True  # 上海临港管委会: the zone's administrative committee, not the listed 上海临港
    if _SUBSIDIARY_AFTER_RE.match(scan, end):
        return True  # 中国工商银行(亚洲): a subsidiary named by its region, not the listed bank
    if _PARENT_GROUP_AFTER_RE.match(scan, end):
        return True  # 五矿稀土集团有限公司: the listed 五矿稀土's parent, a legal entity of its own
    more = _MORE_OF_A_NAME_RE.match(scan, end)
    if more is not None and more.group().startswith("集团") and len(more.group()) > 6:
        return True  # 中国电建集团西北勘测设计研究院有限公司: the parent group's unit (dev197), not the listed firm
    if more is not None and more.group().endswith("分公司") and len(more.group()) <= 7:
        return False  # 兴业证券深圳分公司: a branch is the company itself (FRESH_RULES S4)
    if more is not None and more.group()[0] in "和与、" and more.group().endswith("有限公司"):
        return False  # 中国国航和山钢金控资产管理(深圳)有限公司: a list of firms (an association's name may hold 与)
    return more is not None and not _DEAL_VERB_RE.search(more.group()) and not _COMPANY_AFTER_RE.match(scan, end)


# Province-level places (and the capital cities news puts first): a legal name that begins with one has no more
# name before it (拖欠上海凤凰企业股份有限公司: dev233 ggzgc), as a firm is not named "X上海…".
_PROVINCES = frozenset(
    {
        "北京",
        "天津",
        "上海",
        "重庆",
        "河北",
        "山西",
        "辽宁",
        "吉林",
        "黑龙江",
        "江苏",
        "浙江",
        "安徽",
        "福建",
        "江西",
        "山东",
        "河南",
        "湖北",
        "湖南",
        "广东",
        "海南",
        "四川",
        "贵州",
        "云南",
        "陕西",
        "甘肃",
        "青海",
        "台湾",
        "内蒙古",
        "广西",
        "西藏",
        "宁夏",
        "新疆",
        "香港",
        "澳门",
        "深圳",
        "广州",
        "南京",
        "杭州",
        "武汉",
        "成都",
        "西安",
        "厦门",
        "大连",
        "青岛",
        "宁波",
    }
)


def begins_with_a_province(name: str) -> bool:
    """Whether a legal name begins with a province-level place or a major city (上海凤凰企业(集团)股份有限公司)."""
    return name.startswith(tuple(_PROVINCES))


# A short name defined for a limited-liability firm (有限责任公司: no listed company's legal form) names that firm
# (中国贵州茅台酒厂(集团)有限责任公司(下称“贵州茅台集团”): dev178), whatever listed name it holds.
_DEFINED_FOR_UNLISTED_FIRM_RE = re.compile(
    r"有限责任公司\s*[（(]\s*(?:以下|下文)?(?:简称|下称|称)\s*[“\"「][^”\"」\n]{0,12}$"
)
# A model number after a company's name (茅台1935的上市, 小米14发布: dev190) makes a product's name: digits then
# what is said of a product; not a figure, a year, a unit or a count (茅台2023年营收, 沪硅产业12英寸硅片,
# 持有茅台100股), nor the 618 shopping festival (京东618).
_MODEL_NUMBER_AFTER_RE = re.compile(r"(?!618)\d{2,4}(?=的|系列|发布|上市|首发|亮相|开售|售价|新品|手机)")
# A building's or an estate's name (…活力中心B座, …广场): with more name before it, an address, not a company
# (not a company's own centre or building: 宁德时代宣布研发中心落成, 腾讯研究中心; a centre with a block letter is one).
_BUILDING_AFTER_RE = re.compile(r"[\u4e00-\u9fff]{0,4}?(?:广场|大厦|花园|公寓|小区|中心[A-Z]座)")
_RESEARCH_ARM_AFTER_RE = re.compile(r"(?:研究所|研究院|研究部|研究中心)")
# (a place in brackets may stand before the legal form: 通威太阳能(眉山)有限公司, a firm's branch company: dev208)
_LEGAL_FORM_RE = re.compile(r"(?:[（(][\u4e00-\u9fff]{2,6}[)）])?(?:股份有限公司|有限责任公司|有限公司)")
# A body's name right after a listed name makes one name (上海临港管委会, 复旦大学 …), and so does a zone's
# (上海临港新片区), also with the zone's trade between (横店影视文化产业集聚区, 横店影视产业实验区: a town's zone, not
# the listed 横店影视: dev231 bjx).
_BODY_RIGHT_AFTER_RE = re.compile(
    r"(?:管委会|委员会|协会|学会|研究院|研究所|大学|学院|医院|基金会|新片区|自贸片区|开发区|高新区|地区|片区"
    r"|[\u4e00-\u9fff]{0,4}?(?:集聚区|实验区|示范区))"
)
# A listed company's name + a region in brackets is a subsidiary (中国工商银行(亚洲)), and so is a broker's
# underwriting arm (东方证券承销保荐, 申万宏源证券承销保荐: dev59).
_SUBSIDIARY_AFTER_RE = re.compile(
    r"[（(](?:亚洲|国际|香港|澳门|欧洲|美国|新加坡)[)）]|(?:证券)?承销保荐|"
    # a broker's futures arm (中信建投期货分析师魏鑫: dev185), not its futures business (期货业务)
    r"期货(?=分析师|研究|首席|有限|公司|[)）])"
)
# A listed company's name + 集团/控股 + a legal form is its parent group (五矿稀土集团有限公司); the company's
# own legal name is matched whole from the full-name tables before this is asked.
# (and a holding group without its legal form: 苏宁控股集团, a ranking of private groups: dev69)
_PARENT_GROUP_AFTER_RE = re.compile(
    r"(?:集团|控股|[（(]集团[)）])(?:股份)?有限(?:责任)?公司|[（(]集团[)）]公司|控股集团"
)


# A trading session written right after a name (中国恒大盘中跌超10%): jieba reads the name's last character
# with 盘 as 大盘 (the market), so the name seems to end inside a word.
_SESSION_AFTER_RE = re.compile(r"盘(?:中|前|后|初|尾)")


def on_word_bounds(scan: str, start: int, end: int, word_end: dict[int, int]) -> bool:
    """The match starts a word of the segmentation and ends one, or ends where the word goes on
    with a sector cue (互联网企业 is one word of jieba's: 互联网 + 企业; 汽车消费: 汽车 + 消费), or its last
    character and a trading session's 盘 make one word (中国恒大|盘中 read as 中国|恒|大盘|中)."""
    last = word_end.get(start)
    if last is None:
        return False
    while last < end:  # a name of several words
        following = word_end.get(last)
        if following is None:
            return False
        last = following
    return (
        last == end
        or any(cue.fullmatch(scan, end, last) for cue in (SECTOR_AFTER_RE, SECTOR_DOINGS_RE))
        or (last == end + 1 and _SESSION_AFTER_RE.match(scan, end) is not None)
    )


# A company's Latin name that ends in AI (Figure AI, Scale AI, Stability AI): the company, not the AI board.
_LATIN_NAME_BEFORE_AI_RE = re.compile(r"[A-Z][A-Za-z]+ $")


# A name ending in its share class (华侨城A, 万科A) before a figure (持有华侨城A7.36亿股): the name, then the number.
_SHARE_CLASS_END_RE = re.compile(r"[\u4e00-\u9fff][AB]$")
# Marks that end a word whatever the segmentation says: a name standing between them is one (、搜于特、).
_WORD_DELIMITERS = frozenset("、，,；;：:（）()“”\"' \n|/。！？!?")


def stands_delimited(scan: str, start: int, end: int) -> bool:
    """The match stands alone between punctuation or list marks (道恩股份、搜于特、振德医疗: jieba cuts 搜于/特),
    or is a name with its share class followed by a figure (华侨城A7.36亿股)."""
    before = scan[start - 1] if start else "\n"
    after = scan[end] if end < len(scan) else "\n"
    if before in _WORD_DELIMITERS and after in _WORD_DELIMITERS:
        return True
    return after.isdigit() and _SHARE_CLASS_END_RE.search(scan, max(0, start), end) is not None


def cuts_latin_word(scan: str, start: int, end: int) -> bool:
    """A Latin or digit name that is only part of a longer Latin word or number, or the AI of a Latin
    company name (Figure AI)."""
    before = scan[start - 1] if start else ""
    after = scan[end] if end < len(scan) else ""
    share_class_then_figure = after.isdigit() and _SHARE_CLASS_END_RE.search(scan, max(0, start), end) is not None
    return (
        (scan[start].isascii() and before.isascii() and (before.isalnum() or (before == "." and scan[start].isdigit())))
        or (scan[end - 1].isascii() and after.isascii() and after.isalnum() and not share_class_then_figure)
        or (scan[start:end] == "AI" and _LATIN_NAME_BEFORE_AI_RE.search(scan, max(0, start - 20), start) is not None)
        # a hyphen joins two Latin words into one (CHANGZHOU THREE-CIRCLE (GROUP) is not Circle)
        or (scan[start].isascii() and before == "-" and _LATIN_WORD_RE.fullmatch(scan, max(0, start - 3), start - 1))
        or (scan[end - 1].isascii() and after == "-" and _LATIN_WORD_RE.fullmatch(scan, end + 1, end + 3))
        # an apostrophe before a capital joins a longer name (Dell'Oro Group, a research firm: dev119)
        or (scan[end - 1].isascii() and after in "'’" and scan[end + 1 : end + 2].isupper())
    )


_LATIN_WORD_RE = re.compile(r"[A-Za-z]{2}")


# The usual endings of a company's short name (招商银行, 德威新材, 易见股份): a name with one is a company's even
# when jieba knows it as a word, and a stem with one names a delisted company in a list (linker).
COMPANY_NAME_END_RE = re.compile(
    r"(?:银行|证券|保险|股份|集团|控股|科技|电子|电器|药业|医药|制药|汽车|电气|重工|能源|实业|发展|航空|传媒|地产|置业|"
    r"电力|化工|钢铁|矿业|水泥|机械|食品|酒业|信托|期货|投资|国际|环境|新材|生物|智能|网络|通信|技术|物流|建设|高科|动力)$"
)


# A country or region first makes a US name a proper name (美国银行, 英国石油), not a description.
_PLACE_PREFIX_RE = re.compile(
    r"(?:美国|英国|巴西|韩国|荷兰|以色列|瑞士|德国|法国|日本|加拿大|墨西哥|智利|阿根廷|印尼|挪威|西班牙|意大利|土耳其|"
    r"夏威夷|太平洋|大西洋|西南|东北|南方|西方|北方|德意志|联合|第一)"
)


def everyday_names(kb: KnowledgeBase, frequency: Callable[[str], int]) -> set[str]:
    """Company names that are also common words of the language (``frequency``: jieba's
    dictionary count before company names were added), so that only context makes them a company:
    棕榈 (palm oil futures), 太平洋. Names ending like a company name (中国银行) and reviewed aliases
    are not; nor US names from two common words (信息服务 is no company in a text)."""
    found = set()
    for name, entries in kb.names.items():
        if len(name) > FULL_NAME_LENGTH or any(e.how == HOW_ALIAS for e in entries):
            continue
        # A name ending like a company (中国银行) is one, unless the ending is all there is (动力).
        common = frequency(name) >= _EVERYDAY_FREQUENCY and not COMPANY_NAME_END_RE.search(name, 2)
        us_compound = (
            not _PLACE_PREFIX_RE.match(name)
            and not name.endswith(("公司", "集团"))  # 高通公司 is a company's name, whatever its two words
            and all(kb.securities[e.secid][0].exchange == "US" for e in entries)
            and any(
                frequency(name[:i]) >= _EVERYDAY_FREQUENCY and frequency(name[i:]) >= _EVERYDAY_FREQUENCY
                for i in range(2, len(name) - 1)
            )
        )
        if common or us_compound:
            found.add(name)
    return found


_NATIONAL_SCOPE_RE = re.compile(
    r"(?:市场|行业|产业|领域)(?!份额|占有率|地位|价值|表现|部)|业(?![绩务主内余态])|"
    # the country's industry as a whole (2020年度中国医药工业百强榜, dev98); 中国医药工业公司 is a firm's name
    r"工业(?!园|区|公司|集团|有限|股份)|(?:储能|装机|用电量|发电量|总需求|需求|供需)(?!业务|项目)|"
    # the country's trade, resources, output, history, box office (中国稀土出口管制, 中国医药创新成果, 中国资本史上,
    # 中国电影暑期档票房), its reserves and consumption (中国黄金储备已达7406万盎司, dev63), its trade as 业
    # (中国银行业资产规模, dev69; 中国银行业绩 is the bank's results)
    r"(?:出口|进口|创新|史上|资源|储量|储备|战略|产量|开采|冶炼|管制|话语权|崛起|暑期档|春节档|国庆档|贺岁档|票房|占据|占全球|"
    r"消费(?!者|金融|贷)|发展报告)"  # 《中国电力发展报告2022》: the country's power, a report's subject (dev82)
)
# After 中国 + a trade's word only (中国电影, 中国食品, 中国软件; not 中国平安, 中国移动): the trade's prospects
# (对中国电影的未来充满信心: dev180), a national title (争创“中国软件名园”: dev184), a maker of the country's
# (中国生物制药产品开发商三生制药: dev183), its leaders and prices (中国食品龙头之一, 中国食品价格: dev190).
_NATIONAL_TRADE_RE = re.compile(
    r"的(?:未来|发展|繁荣|振兴|崛起)|名城|名园|名镇|之都|(?:产品)?(?:开发商|制造商|生产商)|龙头之一|价格(?!战)"
)


def national_phrase(scan: str, name: str, end: int, trade: bool = False) -> bool:
    """A company named 中国 + a common word, read as the country's market or industry: 中国资本市场,
    中国电影市场, 中国石油行业, 中国电力储能累计装机, 中国稀土出口管制 (the companies are named otherwise: 中国电影主投,
    中国电影股份; and a company's 市场份额 or 行业地位 is still the company's). ``trade``: the common word names a
    trade (电影, 食品), so its prospects and prices are the country's too."""
    if not name.startswith(("中国", "美国")):
        return False
    return bool(_NATIONAL_SCOPE_RE.match(scan, end) or (trade and _NATIONAL_TRADE_RE.match(scan, end)))


# An output with its unit (水泥15512万吨, 汽车349.9万辆): a statistics release counting the industry's product.
_OUTPUT_AFTER_RE = re.compile(r"\s?\d[\d.,]*\s?(?:万|亿)?(?:吨|辆|台|千瓦时|千瓦|立方米|平方米|片|套)")


# The stocks of a sector (券商股票, 中字头个股) and its leading firms (电池头部企业): a cue for a word that is no
# company's name only, since a company's 股票 are its own shares (万科股票), which is why SECTOR_AFTER_RE leaves
# 股票 out.
_SECTOR_STOCKS_AFTER_RE = re.compile(r"[”\"」]?(?:股票|个股)|头部(?:企业|公司|厂商|玩家)")


# After a generic sector word, 公司 and 制造商 mostly describe one firm (美国制药公司礼来, 微型计算机公司,
# 变压器专用设备制造商): labellers of the development sets took 1 of 9 such words alone, so they are no cue for it.
WEAK_SECTOR_CUES = frozenset({"公司", "制造商"})


# Projects of a sector counted as many (多个高铁项目, 一批重大基建项目) are the sector's; one project is one firm's.
_MANY_BEFORE_RE = re.compile(r"(?:多个|一批|大批|一系列|重大|重点|众多|若干)$")


# Firms of a trade counted as a group (一些互联网公司, 5家汽车公司, 22家生物制药公司, 一线互联网公司): the
# trade's firms, which B1(a) labels as the sector (dev64, dev129, dev178, dev224), where 公司 alone mostly describes
# one firm (WEAK_SECTOR_CUES).
_GROUP_OF_FIRMS_BEFORE_RE = re.compile(r"(?:各大|多家|数家|几家|各家|\d+家|中小型?|一些|部分|众多|一线)$")


# Plants an industry builds (建设的电池工厂, 打造电池工厂, 电池生产厂: dev94, dev119, dev145, dev223; B1(c)
# 光伏生产基地), not a plant one is in (我在汽车工厂的研发中心). (基地 too took 1 labelled word and 6 extras:
# 养殖基地, 芯片基地项目.)
_PLANT_AFTER_RE = re.compile(r"(?:生产)?工厂|生产厂")


# Firms or stocks of a kind of trade (基建类上市公司), in a list of such kinds too (医药类、煤炭类、物流类上市公司:
# dev78, dev195).
_KIND_OF_TRADE_AFTER_RE = re.compile(
    r"类(?:[、和与及][\u4e00-\u9fff]{1,8}类){0,6}(?:上市公司|公司|企业|股|个股|板块|行业)"
)


# What the industry makes and sells, or has in use (汽车产销, 芯片制造, 整车制造, 汽车保有量: dev95, dev98,
# dev198, dev205), makes for others (芯片代工) or at home (芯片国产化, 芯片自主化), where it produces and sells
# (煤炭主产区, 游戏出海: dev70, dev72), or what a transport trade carries (铁路客运量, 铁路货运, 铁路客流: dev72,
# dev186): the trade's output, as 产量 and 销量 are (SECTOR_DOINGS_RE); not its makers (制造商: WEAK_SECTOR_CUES),
# nor a capacity, most often one firm's (自有电池产能: 3 extras and no labelled word on the dev sets of day 22).
_MAKING_AFTER_RE = re.compile(r"产销|保有量|制造(?!商)|代工|国产化|自主化|主产区|出海")
# (What is carried names a transport trade, not the car trade: 汽车客运站, 汽车货运 are road transport.)
_CARRIED_AFTER_RE = re.compile(r"客运|货运|客流")


# AI names the field when what follows is the field's: its models and technology, its wave, its industry and
# firms, its demand, spending and build-out (AI大模型浪潮, AI技术, AI热潮, AI产业链, AI初创公司, AI资本支出). AI as a
# product's feature (5C超充AI电池, AI硬件), a firm's business line (智能电动汽车及AI等创新业务) or a tool
# (AI赋能) is not the field: labellers of technology texts (dev58, dev60, dev62) took those 0 times in 3.
AI_FIELD_AFTER_RE = re.compile(
    r"\s?(?:大模型|模型|技术|浪潮|热潮|时代|产业|全产业链|领域|行业|赛道|公司|企业|初创|独角兽|巨头|龙头|需求|驱动|"
    r"资本支出|投资|投入|基建|基础设施|发展|革命|竞赛|风口|周期|崛起|转型|布局|战略|创业|军备|泡沫|监管|治理|人才|专利|"
    # the field's stocks and its race for dominance (AI 相关股票, 争夺 AI 霸权: dev sets)
    r"相关(?:股票|个股|概念|标的|公司|企业|产业|板块)|霸权|"
    # AI应用题材, 需要大量计算能力的AI应用: the field's applications (dev209); not AI applied to a task (AI应用于,
    # AI应用到) or one app (AI应用程序, AI应用商店)
    r"拉动|带动|计算|应用(?!于|到|在|程序|商店|软件))"
)


# A sector word as the subject of a market move in a market report (银行集体走强, 午后证券异动拉升, 钢铁紧随其后,
# 银行、保险、煤炭涨幅居前: the marks Eastmoney gives such words, found missing by the review of the fourteenth
# day): the moves of stocks, not of a price (煤炭价格走强 has 价格 between) or of one firm's business.
MARKET_MOVE_AFTER_RE = re.compile(
    r"(?:集体|整体|全线|纷纷|再度|午后|早盘|尾盘|盘中|今日|)"
    r"(?:走强|走弱|拉升|异动|领涨|领跌|跟涨|跟跌|涨幅居前|跌幅居前|紧随其后|飘红|翻红|翻绿|冲高|下挫|跳水|护盘)"
    # or a table of the sectors' moves, a signed change after a colon (券商：+3.2%，保险：+1.5%，银行：-0.3%: review of
    # day 23, where only the brokers were read)
    r"|\s?[:：]\s?[+\-−]\d+(?:\.\d+)?%"
)


def sector_cue(scan: str, start: int, end: int) -> bool:
    """The words around a sector word make it the sector: a 板块/行业-like cue after it, a policy verb
    before it, what a sector does after it, its output counted after it, a market move after it, or a
    list it opens that ends 等…行业."""
    after = SECTOR_AFTER_RE.match(scan, end)
    doing = SECTOR_DOINGS_RE.match(scan, end)
    return bool(
        (after and after.group() not in WEAK_SECTOR_CUES)
        or _SECTOR_STOCKS_AFTER_RE.match(scan, end)
        or _OUTPUT_AFTER_RE.match(scan, end)
        or MARKET_MOVE_AFTER_RE.match(scan, end)
        or (doing and doing.group() not in WEAK_SECTOR_CUES)
        or (scan.startswith("项目", end) and _MANY_BEFORE_RE.search(scan, max(0, start - 4), start))
        or POLICY_BEFORE_RE.search(scan, max(0, start - 4), start)
        or (
            after
            and after.group() in WEAK_SECTOR_CUES
            and _GROUP_OF_FIRMS_BEFORE_RE.search(scan, max(0, start - 4), start)
        )
        or _MAKING_AFTER_RE.match(scan, end)
        or (_CARRIED_AFTER_RE.match(scan, end) and not scan.endswith("车", start, end))
        or _KIND_OF_TRADE_AFTER_RE.match(scan, end)
        or (_PLANT_AFTER_RE.match(scan, end) and scan[start - 1 : start] != "在")
        or _LIST_OF_INDUSTRIES_RE.match(scan, end)
        or _PAIR_OF_INDUSTRIES_RE.match(scan, end)
        or _SECTOR_EXAMPLES_BEFORE_RE.search(scan, max(0, start - 40), start)
        or (scan[start:end] == "AI" and AI_FIELD_AFTER_RE.match(scan, end))
    )


# Famous names that are also other things (issue 22: 苹果 the fruit, 亚马逊 the river, 理想 the word): news
# rarely writes 公司 or 股价 next to Apple, so the sentence around the name decides. Each name maps to the
# words of its other reading (a pattern over the sentence, the name itself written ``@``), which veto, and
# optionally the words of its own field (else FINANCE_NEIGHBOURHOOD_RE). They must be in needs_context.
FINANCE_NEIGHBOURHOOD_RE = re.compile(
    r"股价|市值|财报|营收|收入|净利|利润|毛利|业绩|季度|财年|美股|港股|A股|中概股|股票|股份|股东|公司|集团|巨头|"
    r"企业|厂商|车企|品牌|[涨跌]|收盘|盘中|发布|推出|上市|CEO|首席执行官|总裁|董事|创始人|收购|并购|投资|融资|估值|"
    r"裁员|订单|采购|供应商|供应链|代工|合作|芯片|手机|iPhone|iPad|Mac|汽车|电动车|交付|销量|出货|车型|门店|份额|"
    r"分析师|评级|目标价|纳斯达克|纽交所|道指|标普|科技|互联网|电商|云计算|人工智能|AI|大模型|服务器|数据中心|"
    r"电脑|笔记本|PC|智驾|自动驾驶|智能驾驶|辅助驾驶|专利|诉讼|监管|反垄断|罚款|关税|官方|披露|回应|宣布|声明|"
    # its platform and its rivals by name (苹果拒绝…iOS 14.5应用更新; 华为和苹果同场竞技: dev14, dev84)
    r"iOS|安卓|Android|华为|三星|微软|谷歌|"
    # its wearables (得益于市场对Watch Series 7 的强劲需求,苹果在腕带手表领域: dev technode)
    r"Watch|AirPods|Vision\s?Pro|可穿戴|"
    # a product model written after the name (小米 SU7, 苹果 M4, 理想 L6, 小米14 Pro, 小米14系列): the maker
    r"@\s?[A-Z][A-Za-z]*\d|@\s?\d{1,2}\s?(?:Pro|Ultra|Plus|系列|机型)|首发|机型|旗舰"
)
_CAR_NEIGHBOURHOOD = (
    r"汽车|车企|车型|新势力|交付|销量|李想|MEGA|\bL[6-9]\b|i[68]|智驾|增程|纯电|蔚来|小鹏|问界|零跑|极氪|特斯拉|比亚迪|"
    # its unlisted rivals, named beside it in lists of makers (理想、哪吒、路特斯先后与宁德时代官微互动: dev sets)
    # (哪吒 the film and 深蓝 the sea only as the makers: 哪吒汽车, 深蓝S7; 追逐理想,驶向深蓝 is a slogan: review25)
    r"哪吒(?:汽车|[A-Z])|路特斯|岚图|阿维塔|极越|智己|深蓝(?:汽车|[A-Z]\d)|"
    r"美股|港股|股价|市值|财报|营收"
)
_ENGLISH_AROUND = r"[A-Za-z]{2,}[\s-]+@|@[\s-]+[a-z]{2,}"
_CHINESE_SENTENCE = r"[\u4e00-\u9fff]"
NEIGHBOURHOOD_NAMES: dict[str, tuple[re.Pattern[str], re.Pattern[str] | None]] = {
    name: (re.compile(other), re.compile(own) if own else None)
    for name, other, own in (
        (
            "苹果",
            # (富士 the apple variety, not 富士康 its supplier; 吃 the fruit, not a trade's 吃的是代工饭: dev sets)
            r"水果|果农|果园|果树|苹果树|种植|红富士|富士(?!康)|[斤亩]|公斤|产区|鲜果|果汁|香蕉|梨|柑|橙子|葡萄|樱桃|猕猴桃|"
            r"西瓜|果品|农产品|期货|吃(?!的是)|削|烟台|栖霞|洛川|阿克苏|静宁",
            None,
        ),
        (
            "亚马逊",
            r"亚马逊河|河流|流域|雨林|热带|森林|丛林|巴西|秘鲁|部落|物种|生态|火灾|砍伐|原住民|@地区|@州",
            # and its founder, its units and products, its value in trillions (只有亚马逊的杰夫·贝索斯,
            # 亚马逊Kuiper计划, 亚马逊 —— 消费周期 —— 2.23 万亿美元: dev sets)
            FINANCE_NEIGHBOURHOOD_RE.pattern + r"|贝索斯|Bezos|Kuiper|柯伊伯|AWS|Alexa|Kindle|Prime|万亿美元",
        ),
        ("小米", r"粥|杂粮|谷子|粟|种植|[亩斤煮]|粮食|玉米|高粱|小麦|大豆|五谷|营养|谷物|黄米|@辣", None),
        (
            "理想",
            # (the maker ranked or sliding after 的 is the company: 曾为“优等生”的理想滑至第五, dev sets; 的理想交付量,
            # 我们的理想销量 are the ideal figures: review25)
            r"(?:不|很|较|更|最|太|够|欠|相当|非常|颇为|表现|表现得|走势|效果|结果|成绩|业绩|数据|进展)@|的@(?!滑|跌至|位列|排名)|"
            r"@很丰满|(?:追逐|怀揣|追求|实现|离)@|@(?:预期|照进)|@(?:的|中|化|主义|信念|状态|目标|之|与|国|型|情况|效果|"
            r"结果|水平|选择|位置|城市|生活|家园)",
            _CAR_NEIGHBOURHOOD,
        ),
        ("联想", r"@(?:到|起|力|词|功能)|(?:让人|使人|令人|不禁|由此|引发|产生|容易|自然|不由|会)@", None),
        ("吉利", r"(?:不|大|图个|讨个|图|讨)@|@(?:数字|话|的日子)|大吉大利|@(?:控股|集团)", None),
        ("地平线", r"@(?:上|下|以下|以上|之上|尽头|处)|海平面|天际|远方|视野|太阳|日出|日落|一条", None),
        ("港铁", r"@(?:站|线|车厢|列车|路线|网络|车站|车)|乘坐|搭乘|乘客|月台|班次|地铁", None),
        ("福特", r"(?:长安|江铃)@|@(?:总统|政府|基金会)|哈里森|杰拉尔德", None),
        # General Motors by its short name, only beside its rivals (市值超过通用和福特之和: dev sets); its joint
        # ventures (上汽通用) and the adjective (通用型, 通用技术, 通用人工智能) are other things
        (
            "通用",
            r"(?:上汽|上海|五菱)@|@(?:型|性|化|式|技术|设备|机械|软件|芯片|人工智能|大模型|模型|航空|标准|名称|名|语言|件)|"
            # the adjective beside the rivals' names (特斯拉采用了行业通用的充电接口, 均推出了通用平台: review25)
            r"(?:行业|普遍|广泛|全球|国际|均|都|可|相互|互相)@|@(?:的(?!股价|市值|销量|财报|营收|利润|首席|CEO)|平台|接口|部件|零部件|配件|规格|协议|架构)",
            r"福特|克莱斯勒|Stellantis|特斯拉|丰田|本田|大众汽车|雪佛兰|凯迪拉克|别克|底特律",
        ),
        ("丰田", r"(?:一汽|广汽)@", None),
        ("本田", r"(?:东风|广汽)@|本田圭佑", None),
        ("贝壳", r"海|沙滩|化石|珍珠|[螺虾蟹]|捡|@类", None),
        ("甲骨文", r"甲骨|文字|殷墟|商代|考古|汉字|刻辞|书法|博物馆|出土", None),
        # An exchange that is a listed company: the venue where another exchange, a listing or a rule is
        # near (深交所、港交所分别发布, 在港交所上市, 在港交所公告, 港交所披露易); the company only where its own
        # results or shares are (港交所公布业绩, 港交所股价): a market word elsewhere in the sentence is about
        # the market it runs (dev19: 依据港交所发表的信息，五家发行商已推出…; 港交所开始后，股价一度…).
        *(
            (
                name,
                r"[上深北联]交所|交易所|上市|挂牌|递表|递交|招股|聆讯|主板|创业板|GEM|规则|指引|名单|标的|批准|"
                r"[在于]@|@(?:披露易|网站|文件)",
                r"@(?:的|公布|发布|公告)?(?:股价|市值|股份|股票|财报|年报|季报|中期|全年|营收|收入|盈利|净利|利润|"
                r"业绩|股东|派息|股息|目标价|评级)|营收|净利润?|归属股东|每股盈利",
            )
            for name in ("港交所", "香港交易所", "HKEX")
        ),
        ("中兴", r"复兴|光武|@(?:之|大业|之主|商业|商社|百货|路|街|村|镇|乡|社区)|(?:王朝|国家|民族|家族)@", None),
        ("华米", r"@(?:饭|粒|粥|粉)|大米|稻", None),
        # TCL alone is the TV maker TCL电子 in a sentence about televisions (TCL斩获京东电视品类销售榜第一, 海信、
        # 小米、TCL和创维稳坐前四); its panels (TCL华星), wafers (TCL中环) and the group are TCL科技's (dev sets)
        (
            "TCL",
            # its other products and units (TCL空调, TCL手机: unlisted units), and the A-share market's words
            # (TCL股价: the group's TCL科技 as likely as TCL电子), veto
            r"@(?:华星|中环|集团|实业|科技|通讯|金融)|华星|中环|光伏|硅片|半导体|李东生|白电|空调|冰箱|洗衣机|手机|"
            r"股价|A股|涨停|跌停|市值",
            r"电视|彩电|Mini\s?LED|MiniLED|QLED|激光电视|智能屏",
        ),
        # Latin names that are English words: English prose around them (a word before, or a lowercase
        # word after: "left Arm", "Shell out", "Meta-analysis") is the word, not the company; in a Chinese
        # sentence they are the company (Arm still needs a finance word: news also writes it for the
        # architecture, Arm架构).
        (
            "Arm",
            _ENGLISH_AROUND + r"|@\s?(?:架构|指令集|内核|核心|处理器|CPU|服务器芯片|版本?|生态|平台|阵营|"
            r"Cortex|Neoverse|v\d|中国|China)|安谋中国",
            None,
        ),
        ("安谋", r"@(?:科技|中国)|Arm\s?China|Arm中国", None),
        ("Shell", _ENGLISH_AROUND + r"|@\s?(?:脚本|命令|终端|编程)", _CHINESE_SENTENCE),
        ("Snowflake", _ENGLISH_AROUND, _CHINESE_SENTENCE),
        # (and the method in a Chinese sentence: 一项Meta分析显示, Meta综述: review25)
        ("Meta", _ENGLISH_AROUND + r"|@(?:-?analysis|data)|@\s?(?:分析|回归|综述)|荟萃", _CHINESE_SENTENCE),
        # in lower case the prefix of a method (meta分析, 荟萃分析) is the usual reading; the company beside others
        (
            "meta",
            _ENGLISH_AROUND + r"|@\s?(?:-?analysis|data|分析|回归|综述|数据|学习|标签|信息|研究)|荟萃",
            _CHINESE_SENTENCE,
        ),
    )
}
_SENTENCE_ENDS = "。！？!?；;\n"
_NEIGHBOURHOOD = 50  # at most this many characters either side, within the sentence


def neighbourhood(scan: str, start: int, end: int) -> str:
    """The sentence around a match (at most 50 characters either side), the match written ``@``."""
    left = max(0, start - _NEIGHBOURHOOD)
    for index in range(start - 1, left - 1, -1):
        if scan[index] in _SENTENCE_ENDS:
            left = index + 1
            break
    right = min(len(scan), end + _NEIGHBOURHOOD)
    for index in range(end, right):
        if scan[index] in _SENTENCE_ENDS:
            right = index
            break
    return scan[left:start] + "@" + scan[end:right]


def famous_other_reading(scan: str, start: int, end: int) -> bool:
    """Whether a famous name's sentence holds its other reading (业绩不理想, 雨林): then no list of companies beside
    it makes it the company either (业绩不理想,比亚迪股价下跌: review25)."""
    famous = NEIGHBOURHOOD_NAMES.get(scan[start:end])
    return famous is not None and bool(famous[0].search(neighbourhood(scan, start, end)))


def famous_name_cue(scan: str, start: int, end: int, other: re.Pattern[str], own: re.Pattern[str] | None) -> bool:
    """A famous name is the company when its sentence has nothing of the other reading (果农, 雨林, 小米粥,
    不理想) and names its field or the market (股价, 发布, iPhone, 营收, 交付 …), or a company cue is next to it."""
    sentence = neighbourhood(scan, start, end)
    if other.search(sentence):
        return False
    return bool(
        _COMPANY_AFTER_RE.match(scan, end)
        or _COMPANY_BEFORE_RE.search(scan, max(0, start - _WINDOW), start)
        or (own or FINANCE_NEIGHBOURHOOD_RE).search(sentence)
    )


# What a listed share does, a few words after the name in its clause (东方明珠则以7.91亿元的净流出额领跌).
_TRADED_IN_CLAUSE_RE = re.compile(
    r"[^，。；,;！？!?\n]{0,12}?(?:净流出|净流入|主力资金|涨停|跌停|领涨|领跌|股价|市值|成交额)"
)
# The share moved by a figure right after the name, only words of time between (东方财富跌逾30%, 东方财富上周累计
# 下跌6.48%, 东方财富成交均超过82亿元: dev sets); a noun between is what moved (农产品价格上涨2.1%, 南方电价上涨15%).
_MOVED_BY_A_FIGURE_RE = re.compile(
    r"(?:[今昨本上]周|[今昨当]日|今天|年内|月内|盘中|早盘|午后|尾盘|全天|一度|累计|大幅|再度|继续|同期){0,3}"
    r"(?:(?:[涨跌](?:逾|超|近|幅达?)?|上涨|下跌|大涨|大跌|收涨|收跌|飙升|暴跌|重挫)\s?\d|成交(?:均|额)?超过?\s?\d)"
)
# A longer company's name going on right after the name (太平洋西部银行股价: PacWest, not 太平洋): the clause's
# share price is that company's.
_LONGER_COMPANY_AFTER_RE = re.compile(r"[\u4e00-\u9fff]{1,4}?(?:银行|集团|控股|证券|保险|公司)")


# 新能源 in a sentence about cars is car news' short word for new-energy vehicles (新能源市场被消费者逐渐认可,
# in a report on carmakers' electrification), the 新能源车 board, not the 新能源 (power) board. Cars counted (辆) in
# the word's clause and kinds of car (轿车, 公务车, 座驾) make the sentence one about cars too (每卖出两车就有一辆
# 新能源, 新能源销量约168万余辆: day 22); not vehicles counted in another clause beside new-energy power (新能源新增
# 装机…，电网企业新增抢修车辆2000余辆: day 22 review).
_IN_A_LIST_AFTER_RE = re.compile(r"[、和及与]|[,，]\s*(?:以及|和|及)")
_CAR_SENTENCE_RE = re.compile(
    r"汽车|车企|车型|乘用车|电动车|整车|燃油车|新车|上牌|续航|新势力|轿车|座驾|公务车|车展|展车|辆[^，,；;]*@|@[^，,；;]*辆"
    # 新能源销量降幅较大, 新能源零售渗透率 (CPCA's words, 智通财经 2023-03): sold at retail or wholesale, cars; not
    # after 等 closing a list of power sources (review of day 23)
    r"|(?<!等)@(?:零售|批发|销量)"
)


# 新能源 apart from its 车 (新能源 车), or sharing it with another kind of car (新能源和电气化汽车: dev187)
_CAR_RIGHT_AFTER_RE = re.compile(
    r"\s+(?:汽车|车)|[和及与、](?:电气化|电动|混动|插混|智能|网联)(?:汽车|车)|"
    r"(?:商用车|乘用车|轿车|重卡|客车|货车|物流车|公交车|出租车|两轮车)"  # 新能源商用车渗透率 (dev198)
)


# A kind of car as 新能源's partner in a list (乘用车与新能源零售销量, 各类新能源、智能化座驾: dev sets (day 23), 2
# extras of 新能源 where both texts label 新能源车): the list is of kinds of car, so 新能源 is one too. 汽车 alone is
# no such partner: 家电、汽车与新能源 lists sectors.
_CAR_KIND_BEFORE_RE = re.compile(r"(?:乘用车|商用车|轿车|燃油车|燃油汽车|混动车)[与和及、]$")
_CAR_KIND_AFTER_RE = re.compile(r"[、和与及][^、，,。；;]{0,6}?(?:座驾|车型|轿车|乘用车|商用车|燃油车)")


def new_energy_means_vehicles(scan: str, start: int, end: int) -> bool:
    """Not in a list, where 新能源 stands beside 新能源汽车 or 汽车 as a sector of its own, unless the list is of kinds
    of car; and 新能源 written apart from its 车 (新能源 车正积分)."""
    if scan[start:end] == "新能源" and (
        _CAR_RIGHT_AFTER_RE.match(scan, end)
        or _CAR_KIND_BEFORE_RE.search(scan, max(0, start - 5), start)
        or _CAR_KIND_AFTER_RE.match(scan, end)
    ):
        return True
    return (
        scan[start:end] == "新能源"
        and not _IN_A_LIST_AFTER_RE.match(scan, end)
        and scan[max(0, start - 1) : start] not in "、和及与"
        and bool(_CAR_SENTENCE_RE.search(neighbourhood(scan, start, end)))
    )


# What a bracket after a company's name opens: its code or its market (机器人(300024), 腾讯（港股）, 阿里巴巴(BABA.US)),
# or a figure of its own (a price in a quote list: 一品红(63.800, 1.5%); its move: 机器人(-3.21%)), not a percentage
# range (机器人(2.2%-3.5%)).
_CODE_OR_MARKET_BRACKET_RE = re.compile(
    r"[（(]\s*(?:\d[\d.]*(?![\d.]*%)|[+\-−]\s?\d|(?:SH|SZ|BJ|HK|sh|sz|hk)\d|[A-Za-z]{1,6}[.．](?:US|HK|N|O|SH|SZ)\b|港股|美股|A股|H股|"
    r"股票代码|代码|NYSE|NASDAQ|Nasdaq|纽交所|纳斯达克|港交所|深交所|上交所)"
)
# A short Chinese word alone in brackets: a place or a note (智慧能源(上海)大会), not a company's code.
_SHORT_WORD_BRACKET_RE = re.compile(r"[（(][\u4e00-\u9fff]{1,3}[)）]")


def company_cue(scan: str, start: int, end: int, waiting: bool = False, sector_word: bool = False) -> bool:
    """Whether the words around a name make it the company. ``waiting``: the name waits for context (an everyday
    word such as 机器人, a phrase such as 智慧能源, a name long gone): a short word in brackets after it is no code
    (智慧能源(上海)大会). ``sector_word``: it is also a sector's word, so a bracket after it is a cue only when it
    opens a code, a market or a figure (工业物流机器人(AGV) explains the word), and no cue after it counts when it
    is glued to a word before it, as that word's product or unit (智元机器人董事长: the unlisted firm)."""
    famous = NEIGHBOURHOOD_NAMES.get(scan[start:end])
    if famous is not None:
        return famous_name_cue(scan, start, end, *famous)
    # a space may follow a Latin name before its cue (bp 股东, Apple 股价)
    after = end + 1 if scan[end : end + 1] == " " and scan[end - 1 : end].isascii() and scan[end - 1].isalpha() else end
    before = scan[start - 1] if start else ""
    company_after = _COMPANY_AFTER_RE.match(scan, after)
    explained = sector_word or _SHORT_WORD_BRACKET_RE.match(scan, after)
    if waiting and company_after and company_after.group() in ("(", "（") and explained:
        company_after = _CODE_OR_MARKET_BRACKET_RE.match(scan, after)
    if waiting and sector_word and company_after and _glued_to_a_name(before):
        company_after = None
    return bool(
        company_after
        or (_APPOSITION_AFTER_RE.match(scan, after) and not _glued_to_a_name(before))
        # a deal it made (锦江收购卢浮, 希尔顿宣布与铂涛签署协议: dev180), the name standing alone (智元机器人
        # 收购上纬新材 is another firm's deal)
        or (_DEAL_AFTER_RE.match(scan, after) and not _glued_to_a_name(before))
        or (_RESULTS_AFTER_RE.match(scan, after) and not _glued_to_a_name(before))
        or _COMPANY_BEFORE_RE.search(scan, max(0, start - _WINDOW), start)
        or (_TRADED_IN_CLAUSE_RE.match(scan, end) and not _LONGER_COMPANY_AFTER_RE.match(scan, end))
        or _MOVED_BY_A_FIGURE_RE.match(scan, end)
    )
