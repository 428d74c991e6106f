"""China.org.cn / china.com.cn articles: pages in their several templates, and extracted page text
with the site's trailing boilerplate (related-link titles, copyright footer) cut off."""

from __future__ import annotations

import html
import re
from datetime import datetime

from lxml import etree

from core.article import RawArticle
from core.dates import date_from_url, parse_datetime, parse_time_of_day
from tagging.pages.page import NotAnArticleError, canonical_link, first, meta_content, parse_page, text_of

# Where the site footer starts: the first of these ends the article.
_FOOTER_RE = re.compile(
    r"中国网是国务院新闻办公室|凡本网站?注明|版权所有\s*中国互联网新闻中心|京ICP证|"
    r"电子邮件[:：]\s*\S+@china\.org\.cn|本网通过\d+个语种|Follow China\.org\.cn on|ChinaNews App Download"
)
# A sentence ends with 。！？ (possibly followed by closing quotes or brackets).
_SENTENCE_END_RE = re.compile(r"[。！？!?…]+[”」』）)]*")
# A line with an amount or a share (长安汽车1.5亿贵州茅台6.2亿, 同比增长(%)): two such lines after the last
# sentence are a table of the article's figures, not a run of related-link titles, and are kept.
# A line with two decimal figures (有色金属 7.08 48.84, a table without units: dev85) is such a line too.
# (Found line by line in one pass: ^[^\n]*\d[^\n]*(?:亿|…) tried the rest of the line from every digit, a quadratic
# time on a long line of numbers.)
_UNIT_RE = re.compile(r"亿|万|%|元|吨")
_DIGIT_RE = re.compile(r"\d")
_TWO_DECIMALS_RE = re.compile(r"\d\.\d+[^\n\d]+[+\-−]?\d+\.\d+")
# (^[^\S\n]* below, not ^\s*: \s* ran over every blank line after each line start, quadratic on a run of them.)
# Lines numbered as an outline (（一）半导体产业 16, 二、面临形势, 第三章): a document's table of contents or its
# headings after the last sentence, the article's own (dev87: a plan's fourteen industries), not link titles.
_OUTLINE_LINE_RE = re.compile(
    r"^[^\S\n]*(?:[（(][一二三四五六七八九十]{1,3}[)）]|[一二三四五六七八九十]{1,3}、|第[一二三四五六七八九十]{1,3}[章节部分])",
    re.MULTILINE,
)
# A security's code on a line of its own (6098.HK, 001914.SZ): two such lines are a table of the article's
# companies (a ranking's 股票代码 column, dev153), not link titles.
_CODE_LINE_RE = re.compile(r"^[^\S\n]*\d{4,6}\.(?:HK|SH|SZ|BJ)[^\S\n]*$", re.MULTILINE | re.IGNORECASE)
# A table of contents' heading (目录, 目 录) on a line of its own.
_CONTENTS_HEADING_RE = re.compile(r"^[^\S\n]*目\s*录[^\S\n]*$", re.MULTILINE)  # (目 and 录 may stand a line apart)
# A run of related-link titles is several titles long (China.org's may stand on one line, glued); a shorter
# tail is the article's last line cut short (摩根士丹利悲观警) or a line of page furniture, and is kept, and so
# is one line with a list mark, the last sentence cut short (公募基金、证券公司…报价的中位数也为14.04, dev21).
_SHORTEST_LINKS_RUN = 30
_PARAGRAPH_SPLIT_RE = re.compile(r"\s*(?:\u3000{2,}|\n)+\s*")
_SOURCE_RE = re.compile(r"来源[:：]\s*([^\s|丨]+)")
_AUTHOR_RE = re.compile(r"作者[:：]\s*([^\s|丨]+)")
_EDITOR_LINE_RE = re.compile(r"^[（(【\[]?\s*责任编辑[:：].{0,30}[)）】\]]?$")
# The 2024 template's metadata comment after the body: <!--enpproperty <date>…</date><sourcename>…-->.
_ENP_FIELD_RE = re.compile(r"<(date|sourcename|author|title)>([^<]*)</\1>")
# The English site's bylines: <author>By Mitchell Blatt</author> (PROVENANCE.md B).
_BYLINE_RE = re.compile(r"^by\s+", re.IGNORECASE)
_TITLE_SUFFIX_RE = re.compile(r"\s*[_\-|]\s*(?:中国网|中国网财经|中国网科技|china\.com\.cn)\s*$", re.IGNORECASE)


def _is_figure_line(line: str) -> bool:
    """Whether a line holds a figure with its unit (a digit, a unit after it) or two decimal figures."""
    digit = _DIGIT_RE.search(line)
    return bool(digit and (_UNIT_RE.search(line, digit.end()) or _TWO_DECIMALS_RE.search(line, digit.start())))


def cut_trailing_boilerplate(text: str) -> str:
    """Cut the copyright footer and the run of related-link titles before it.

    The links run is recognised as text after the last sentence end, separated from it by white
    space, that has no sentence punctuation of its own (titles are not sentences).
    """
    footer = _FOOTER_RE.search(text)
    body = text[: footer.start()] if footer else text
    ends = list(_SENTENCE_END_RE.finditer(body))
    if ends:
        last_end = ends[-1].end()
        tail = body[last_end:]
        if (
            tail.strip()
            and tail[:1].isspace()
            and not re.search(r"[，,。；;：:]", tail)
            and sum(map(_is_figure_line, tail.split("\n"))) < 2
            and len(_OUTLINE_LINE_RE.findall(tail)) < 2
            and len(_CODE_LINE_RE.findall(tail)) < 2
            and not _CONTENTS_HEADING_RE.search(tail)
            and not (len([line for line in tail.splitlines() if line.strip()]) == 1 and "、" in tail)
            and len(tail.strip()) >= _SHORTEST_LINKS_RUN
        ):
            body = body[:last_end]
    return body.rstrip()


def paragraphs_of_text(text: str) -> str:
    """Page text with paragraphs glued by full-width indents → one paragraph per line."""
    lines = [p.strip() for p in _PARAGRAPH_SPLIT_RE.split(text)]
    return "\n".join(p for p in lines if p and not _EDITOR_LINE_RE.match(p))


def clean_page_text(text: str) -> str:
    return paragraphs_of_text(cut_trailing_boilerplate(text))


def clean_body_text(text: str) -> str:
    """Text walked out of the site's own body element (#fontzoom …): no related-links run is inside it
    (../shared/reference/sites.md 3.4), so a closing line without punctuation (an author's note, a list
    of names) is the article's; only a copyright footer and editor lines are cut."""
    footer = _FOOTER_RE.search(text)
    return paragraphs_of_text((text[: footer.start()] if footer else text).rstrip())


_BODY_XPATHS = (
    '//*[@id="fontzoom"]',
    '//*[@id="articleBody"]',
    '//*[@id="artbody"]',
    '//*[@id="artiContent"]',
    '//div[contains(concat(" ", @class, " "), " center_box ")]',
    '//*[@id="content"]',
    '//div[@class="artCon"]',
    '//*[@id="c_body"]',
    # The template of pages captured in 2024 (news., travel. and www.china.com.cn; china.org.cn).
    '//div[contains(@class, "content_left")]//div[contains(concat(" ", normalize-space(@class), " "), " article ")]',
    '//*[@id="container_txt"]',
    # Older and channel templates public crawlers name (../shared/reference/sites.md 3.1-3.2): the
    # left_content pages' div.tex, cppcc's div.box2, music's div.box1l > div.cp.
    '//div[contains(@class, "left_content")]//div[@class="tex"]',
    '//div[@class="tex"]',
    '//div[contains(concat(" ", @class, " "), " box1l ")]/div[contains(concat(" ", @class, " "), " cp ")]',
    '//div[contains(concat(" ", @class, " "), " box2 ")][p]',
)
_OWN_BODY_XPATHS = _BODY_XPATHS[:3]
OWN_LAYOUT = "layout:chinaorg"  # the body_source of an article read from one of the site's templates
# The ids of the site's own body elements (not the generic #content): see eastmoney.BODY_IDS.
BODY_IDS = tuple(found for xpath in _OWN_BODY_XPATHS for found in re.findall(r'@id="([^"]+)"', xpath))
_TITLE_XPATHS = (
    '//div[@class="wrap c top"]/h1',
    "//h1[contains(@class, 'toph1')]",
    '//*[contains(@class, "artTitle")]',
    '//*[@id="artBox"]/h1',
    '//div[contains(@class, "left_content")]/h1',
    # Not a logo: older pages put the site's logo in an <h1> before the title's (sites.md 3.1: "title h1[2]").
    "//h1[not(.//img)][normalize-space()]",
)
_REMOVED_XPATH = (
    './/script | .//style | .//iframe | .//*[contains(concat(" ", @class, " "), " bianj ")] | .//*[@id="autopage"]'
    ' | .//div[contains(concat(" ", @class, " "), " editor ")] | .//*[@id="vf"]'
)


# Where the templates show the time, the outlet and the author, the most specific first; each is
# read on its own, so a date in one block never beats the time of a block before it
# (../shared/reference/sites.md 3.2: the info blocks div.info | artiInfo* | articleInfo | artInfo; the
# cppcc div.span, the music h4 and the travel div.Tinfo lines "发布时间：… | 来源：… | 作者：…").
_INFO_XPATHS = (
    '//*[@id="pubtime_baidu"]',
    '//span[contains(@class, "time2")]',
    '//div[contains(@class, "pub_date")]',
    '//*[@id="source_baidu"]',
    '//*[@id="author_baidu"]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " inform ")]/p',
    '//div[contains(@class, "center_title") or contains(@class, "photo_center") or contains(@class, "left_box")]'
    '/div[@class="span"]',
    '//div[contains(concat(" ", normalize-space(@class), " "), " box1l ")]/h4',
    '//div[contains(concat(" ", normalize-space(@class), " "), " Tinfo ")]',
    '//div[starts-with(@class, "artiInfo") or @class="articleInfo" or @class="artInfo"]',
    '//div[@class="info"]',
)


def _text_outside(node: etree._Element, body: etree._Element) -> str:
    """The text of an info block, without the article body when the block holds it too (div.info
    wraps div#artbody on the opinion/theory template: a date in the article is not its time)."""
    if body is not node and node not in body.iterancestors():
        return text_of(node)
    if body is node:
        return ""
    inside = set(body.iter())
    kept = []
    for piece in node.xpath(".//text()"):
        holder = piece.getparent()
        if piece.is_tail:
            holder = holder.getparent()
        if holder not in inside:
            kept.append(piece)
    return " ".join(" ".join(kept).split())


def enp_property(tree: etree._Element) -> dict[str, str]:
    """The fields of the ``enpproperty`` comment the 2024 template writes after the body (date,
    sourcename, author, title); the date's milliseconds follow a colon (``13:48:13:671``)."""
    for comment in tree.xpath("//comment()"):
        text = comment.text or ""
        if text.lstrip().startswith("enpproperty"):
            fields = {name: value.strip() for name, value in _ENP_FIELD_RE.findall(text) if value.strip()}
            if "date" in fields:
                fields["date"] = fields["date"][:19]
            return fields
    return {}


def body_element(tree: etree._Element) -> etree._Element | None:
    """The article body of a china.com.cn / china.org.cn page in any of its templates, or ``None``."""
    return next((found[0] for xp in _BODY_XPATHS if (found := tree.xpath(xp))), None)


def has_own_body(tree: etree._Element) -> bool:
    """A body element only this site's templates use (``#content`` and the like are everybody's)."""
    return any(tree.xpath(xp) for xp in _OWN_BODY_XPATHS)


def parse_article_page(html: str | bytes, url: str) -> RawArticle:
    """Parse a china.com.cn / china.org.cn article page. Raises :class:`NotAnArticleError` without a body."""
    return parse_article_tree(parse_page(html), url)


def parse_article_tree(tree: etree._Element, url: str) -> RawArticle:
    """An already parsed china.com.cn / china.org.cn page. Raises :class:`NotAnArticleError` without a body."""
    body = body_element(tree)
    if body is None:
        raise NotAnArticleError("no article body (#fontzoom, #articleBody, #artbody …)")
    for node in body.xpath(_REMOVED_XPATH):
        node.drop_tree()
    info = [text for xpath in _INFO_XPATHS for node in tree.xpath(xpath) if (text := _text_outside(node, body))]
    enp = enp_property(tree)
    title = next((t for xp in _TITLE_XPATHS if (t := text_of(first(tree, xp)))), "")
    # The CMS's own record of the headline (a body fragment has no head), else the page's <title>.
    title = title or " ".join(html.unescape(enp.get("title", "")).split())
    if not title:
        title = _TITLE_SUFFIX_RE.sub("", text_of(first(tree, "//title")))
    media = meta_content(tree, "source", attributes=("name",))
    media = media or next((match.group(1) for text in info if (match := _SOURCE_RE.search(text))), None)
    media = media or enp.get("sourcename") or None
    if not media:
        # The current template names the outlet only as the link after the time, without 来源：.
        media = next((name for a in tree.xpath('//span[contains(@class, "time2")]/a') if (name := text_of(a))), None)
    author = next((match.group(1) for text in info if (match := _AUTHOR_RE.search(text))), None)
    author = author or _BYLINE_RE.sub("", enp.get("author", "")) or None
    published = next((moment for text in info if (moment := parse_datetime(text))), None)
    published = published or parse_datetime(enp.get("date"))
    published = published or parse_datetime(meta_content(tree, "publishdate", attributes=("name",)))
    canonical = canonical_link(tree) or url
    url_day = date_from_url(canonical) or date_from_url(url)
    weak = False  # only a day, or a time no template vouches for: a list's time to the minute is better
    if published is None:
        published = _time_written_before(body, url_day)
        weak = published is not None and url_day is None
    if published is None:
        published, weak = url_day, url_day is not None
    return RawArticle(
        source="chinaorg",
        url=canonical,
        title=title or None,
        published_at=published,
        media=media,
        author=author,
        digest=meta_content(tree, "description", attributes=("name",)),
        body_html=etree.tostring(body, encoding="unicode", method="html"),
        body_tree=body,
        body_source=OWN_LAYOUT,
        published_from_code=weak,
    )


# How many text pieces before the body a time is looked for in: the header line just above it, not a
# sidebar's or a ticker's times further up (a time nearest the body first).
_TEXTS_BEFORE_BODY = 40


def _time_written_before(body: etree._Element, url_day: datetime | None) -> datetime | None:
    """A time of day written just before the body in an element no template names (older crawlers read
    news.china.com.cn's times by a pattern over the page: sites.md 3.2), nearest the body first; on the day
    the URL carries when it carries one (a block of the latest news, a related link, a clock are on other days;
    review of day 20)."""
    texts = body.xpath("preceding::text()")
    for text in reversed(texts[-_TEXTS_BEFORE_BODY:]):
        holder = text.getparent()
        if holder is not None and text.is_tail:
            holder = holder.getparent()  # the text after an element is its parent's
        if holder is not None and holder.tag in ("script", "style", "title"):
            continue
        moment = parse_time_of_day(text)
        if moment is not None and (url_day is None or moment.date() == url_day.date()):
            return moment
    return None


def with_page_signals(raw: RawArticle) -> RawArticle:
    """A raw article whose body another path found (the generic one): the title, time and outlet the
    page shows before that body, read as this site writes them (a time, then 来源：…)."""
    if raw.body_tree is None:
        return raw
    tree = raw.body_tree.getroottree().getroot()
    before = " ".join(
        t for t in raw.body_tree.xpath("preceding::text()") if t.getparent().tag not in ("script", "style")
    )
    raw.title = next((t for xp in _TITLE_XPATHS if (t := text_of(first(tree, xp)))), "") or raw.title
    raw.published_at = parse_datetime(before) or raw.published_at
    if match := _SOURCE_RE.search(before):
        raw.media = match.group(1)
    return raw
