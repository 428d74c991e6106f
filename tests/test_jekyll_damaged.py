"""Damaged Jekyll front matter is read line by line with a warning, and an unclosed flow list is
still a list of its items (issue 21, item 7: it gave tags like ['[a,', 'b'] silently)."""

from __future__ import annotations

import logging

import pytest

from tagging.pages.jekyll import parse_jekyll_post

POST = """---
layout: post
title: "北京发布数字经济行动方案"
date: 2022-05-30 20:46:00 +0800
category: emnews
tags: [数字经济, 北京
---
> 北京发布数字经济全产业链开放发展行动方案

<p>　　北京市发布数字经济全产业链开放发展行动方案。</p>
"""


def test_damaged_front_matter_is_read_with_a_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tagging.pages.jekyll"):
        raw = parse_jekyll_post(POST)
    assert raw.tags == ["数字经济", "北京"]
    assert raw.title == "北京发布数字经济行动方案" and raw.category == "emnews"
    assert raw.published_at is not None
    assert "damaged Jekyll front matter" in caplog.text


def test_sound_front_matter_gives_no_warning(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="tagging.pages.jekyll"):
        raw = parse_jekyll_post(POST.replace("[数字经济, 北京", "[数字经济, 北京]"))
    assert raw.tags == ["数字经济", "北京"]
    assert "damaged" not in caplog.text


def test_damaged_front_matter_keeps_a_titles_inner_quotes() -> None:
    # Third audit: the fallback stripped every quote at both ends (他说"好"" → 他说"好).
    raw = parse_jekyll_post(POST.replace('title: "北京发布数字经济行动方案"', 'title: "他说"好""'))
    assert raw.title == '他说"好"'
    raw = parse_jekyll_post(POST.replace('title: "北京发布数字经济行动方案"', "title: '央行：\"稳字当头\"'"))
    assert raw.title == '央行："稳字当头"'


def test_damaged_front_matter_keeps_a_title_that_opens_with_a_bracket_and_names_the_file(
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Third audit: "title: [快讯]…" in damaged front matter became the repr of a list; the warning named no file.
    with caplog.at_level(logging.WARNING, logger="tagging.pages.jekyll"):
        raw = parse_jekyll_post(
            POST.replace('"北京发布数字经济行动方案"', "[快讯]贵州茅台发布年报"), name="2022-05-30-x.md"
        )
    assert raw.title == "[快讯]贵州茅台发布年报"
    assert raw.tags == ["数字经济", "北京"]  # tags still a list
    assert "2022-05-30-x.md: damaged Jekyll front matter" in caplog.text


def test_a_post_saved_with_old_mac_line_ends_is_read_as_a_post() -> None:
    """Archive audit, day 18: lone CR line ends hid the front matter; the post was indexed as text titled '---'."""
    from tagging.extract import extract_article, parse_document
    from tests.conftest import fixture_text

    post = fixture_text("eastmoney_jekyll_post.md")
    article = extract_article(parse_document(post.replace("\n", "\r"), name="post.md"))
    assert article.source == "jekyll" and article.title == "北京发布数字经济全产业链开放发展行动方案"
    assert article.url == extract_article(parse_document(post)).url and "layout:" not in article.text


def test_a_post_whose_front_matter_is_never_closed_is_named_not_indexed_as_its_yaml() -> None:
    """Archive audit, day 18: without its closing '---' a post became a text article whose text was its YAML lines,
    its source line and the mirror's back-links, with no warning. It is damaged: named and skipped."""
    from tagging.extract import ExtractError, parse_document
    from tests.conftest import fixture_text

    post = fixture_text("eastmoney_jekyll_post.md").replace("tags: 东财滚动新闻\n---\n", "tags: 东财滚动新闻\n", 1)
    with pytest.raises(ExtractError, match="front matter is not closed"):
        parse_document(post, name="post.md")
    assert parse_document("---\n\n数字经济加快发展。", name="note.txt").source == "text"  # a rule, not a post


@pytest.mark.parametrize(
    "note",
    [
        "（附名单）",
        "（附股）",
        "（图）",
        "（全文）",
        "（更新中）",
        "（图文）",
        "（文字实录）",
        "（深度解读）",
        "（高清组图）",
        "（上）",
    ],
)
def test_a_headline_note_in_brackets_is_no_outlet(note: str) -> None:
    """Archive audit, day 18: a digest-only post (zning1994/finews old_post/2021-12-08-202112082207150622.md) got
    media '附名单' from its headline's bracket; the outlet bracket of a digest (…（新华网）) still counts."""
    headline = f"提前抄底？南向资金连续第10日净流入！来看看都买了哪些股？{note}"
    post = f'---\nlayout: post\ntitle: "{headline}"\ndate: 2021-12-08 15:19:24 +0800\n---\n\n{headline}\n'
    assert parse_jekyll_post(post).media is None
    digest = post.replace(f"\n\n{headline}\n", "\n> 南向资金连续第10日净流入。（证券时报）\n\n<p>正文。</p>\n")
    assert parse_jekyll_post(digest).media == "证券时报"
    for outlet in ("梨视频", "人民视频", "央视频", "图解财经"):  # named so, yet outlets (review, day 18)
        assert parse_jekyll_post(digest.replace("证券时报", outlet)).media == outlet
