"""US tickers written alone in Chinese market news (dev231 fx168): a known ticker in a text about the US
market names its listing when a price move follows it or when it stands in a bracketed list of tickers; the
tickers that are also English words or trade abbreviations, and tickers outside US-market text, stay words."""

from __future__ import annotations

from tests.test_entity_linking import linked


def test_a_ticker_with_a_price_move_in_a_us_market_text() -> None:
    found = linked("美股周四收低,非必需消费领跌,TSLA重挫超过6%,AMZN跌2.7%;通讯服务承压,GOOG下跌2.8%。")
    assert {"105.TSLA", "105.AMZN", "105.GOOG"} <= set(found)
    assert found["105.AMZN"] == ("AMZN", "code")


def test_a_bracketed_list_of_tickers_after_a_sector() -> None:
    found = linked("美股科技股回调,AI与半导体板块(NVDA、AVGO、AMD、SMCI、PLTR)普遍回档。")
    assert {"105.NVDA", "105.AVGO", "105.AMD", "105.SMCI", "105.PLTR"} <= set(found)


def test_tickers_that_are_words_or_outside_us_market_text_stay_words() -> None:
    # HBM (also a NYSE ticker) is high-bandwidth memory; GOLD and SOL are gold and a coin
    found = linked("美股存储股走强,HBM涨价持续,GOLD涨1%,SOL跌5%。")
    assert not {"106.HBM", "106.GOLD", "106.SOL"} & set(found)
    # no US-market word in the text: a capitalised word with a move after it is not read as a ticker
    assert "105.AMZN" not in linked("A股收评:AMZN跌2.7%。")
    # a ticker without a move and outside a list is left to its name (NVDA下周财报)
    assert "105.NVDA" not in linked("美股周四收低,NVDA下周财报成为风险点。")
    # a bracketed list with an item that is no ticker is an abbreviation list
    assert "105.NVDA" not in linked("美股芯片股(NVDA、GPU、CPU)回调。")
    # a figure's unit is no ticker (25BP: basis points)
    assert "106.BP" not in linked("美股收涨,美联储降息25BP跌幅收窄。")


def test_a_move_later_in_the_ticker_s_clause() -> None:
    assert "106.DIS" in linked("美股通讯服务承压,DIS因内容成本影响获利而大跌近8%。")
    # an index's name and a fund's ticker glossing its name are no such listing
    assert "105.CAC" not in linked("美股三大指数下跌,法国CAC指数跌6.55%。")
    assert "106.YINN" not in linked("美股中概股走强,富时中国3倍做多ETF-Direxion(YINN) 近十个交易日累计涨逾30%。")
