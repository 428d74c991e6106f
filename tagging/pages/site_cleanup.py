"""What a site adds to the generic cleaning of :func:`tagging.extract.clean_raw`, chosen by the raw
article's source: the generic assembler names no site."""

from __future__ import annotations

from collections.abc import Callable

from tagging.pages import chinaorg

TextCleanup = Callable[[str], str]

# Text walked out of a page body of these sources is cleaned further by the site's own rules.
_PAGE_TEXT_CLEANUP: dict[str, TextCleanup] = {"chinaorg": chinaorg.clean_page_text}


def page_text_cleanup(source: str, body_source: str | None = None) -> TextCleanup | None:
    """The site's cleanup of text walked out of its page (or body HTML), or ``None``; a body read from
    the site's own template (``body_source``) has less around it to cut."""
    if source == "chinaorg" and body_source == chinaorg.OWN_LAYOUT:
        return chinaorg.clean_body_text
    return _PAGE_TEXT_CLEANUP.get(source)


def text_body_cleanup(source: str) -> TextCleanup:
    """The cleanup of a body that arrives as text (plain input, a JSON record's ``text``), for every
    source alike. Such text is most often extracted page text, China.org's included, so China.org's
    page-text cleanup has always applied to all of it; kept so for every source (output unchanged):
    on any text it puts one paragraph a line (full-width indents and blank lines), drops editor lines
    and cuts the footer and a trailing run of unpunctuated lines after the last sentence."""
    return chinaorg.clean_page_text
