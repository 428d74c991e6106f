"""Cleaning and tagging, pure (HTML or text in, data out). The entry point is :mod:`tagging.extract`
(any input → a cleaned, tagged article); its rooms are :mod:`tagging.pages` (where the article is on
a page), :mod:`tagging.markup` (Eastmoney's ticker markup into text and securities) and
:mod:`tagging.linking` (names in plain text into boards and stocks); :mod:`tagging.tagger` joins
markup and text into boards, stocks, topics (:mod:`tagging.topics`) and keywords
(:mod:`tagging.segment`, the one jieba set-up)."""
