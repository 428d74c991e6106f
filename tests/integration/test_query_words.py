"""Words in search, stats and export agree, on the real node: for the same words and filters,
``finnews search``, ``finnews stats QUERY``, ``finnews export -q QUERY`` and their HTTP twins
(/search, /stats?q=, /export?q=) count the same articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from tests.conftest import TEST_ALIAS, drop_test_indices

BOARDS = {"光伏设备": "BK1031", "储能": "BK0989"}
STOCKS = {"宁德时代": ("0.300750", "300750", "SZ"), "隆基绿能": ("1.601012", "601012", "SH")}


def tagged(number: int, title: str, text: str, day: str, boards=(), stocks=(), topics=()) -> dict[str, object]:
    """A finnews record as an export holds it: tags given, no tagging needed to load it."""
    return {
        "url": f"https://example.com/words/{number}.html",
        "source": "jsonl",
        "title": title,
        "text": text,
        "published_at": f"{day}T09:30:00+08:00",
        "media": "证券时报" if number % 2 else "中国证券报",
        "boards": [{"secid": f"90.{BOARDS[name]}", "code": BOARDS[name], "name": name} for name in boards],
        "stocks": [
            {"secid": STOCKS[name][0], "code": STOCKS[name][1], "name": name, "exchange": STOCKS[name][2]}
            for name in stocks
        ],
        "topics": [{"id": "monetary_policy", "name": "货币政策", "name_en": "Monetary Policy"} for _ in topics],
    }


CORPUS = [
    tagged(
        1,
        "光伏装机创新高",
        "今年光伏新增装机同比大增，储能配套跟进。",
        "2026-01-15",
        ["光伏设备", "储能"],
        ["隆基绿能"],
    ),
    tagged(2, "隆基绿能发布组件新品", "公司光伏组件效率再创纪录。", "2026-03-02", ["光伏设备"], ["隆基绿能"]),
    tagged(3, "储能电站并网", "大型储能电站今日并网，光伏与储能协同发展。", "2026-03-20", ["储能"], ["宁德时代"]),
    tagged(4, "宁德时代一季度业绩", "宁德时代营收增长，动力电池出货量上升。", "2026-04-10", [], ["宁德时代"]),
    tagged(5, "央行开展逆回购操作", "央行今日开展逆回购操作，保持流动性合理充裕。", "2026-02-05", topics=["m"]),
    tagged(6, "央行降准", "央行宣布降准，释放长期资金，光伏等绿色产业受益。", "2026-05-08", ["光伏设备"], topics=["m"]),
    tagged(7, "阳光照耀的田野", "光照充足，伏天将至，农户忙于收割。", "2026-03-05"),  # 光 and 伏, not 光伏
    tagged(8, "新能源车销量", "宁德时代配套车型销量居前，储能业务占比提升。", "2026-06-01", ["储能"], ["宁德时代"]),
    tagged(9, "光伏", "行业周报：硅料价格企稳。", "2025-12-30", ["光伏设备"]),  # the word in the title only
]

# (words, filters as CLI options, filters as API parameters, expected count)
CASES = [
    ("光伏", [], {}, 5),
    ("光伏", ["--from", "2026-03-01"], {"from": "2026-03-01"}, 3),
    ("光伏 储能", ["--board", "储能"], {"board": "储能"}, 2),
    ("央行", ["--topic", "monetary_policy", "--to", "2026-03-01"], {"topic": "monetary_policy", "to": "2026-03-01"}, 1),
    ("宁德时代", ["--stock", "300750"], {"stock": "300750"}, 2),
    ("", ["--board", "光伏设备", "--media", "中国证券报"], {"board": "光伏设备", "media": "中国证券报"}, 2),
    ("!!!", [], {}, 0),
]


@pytest.fixture(scope="module")
def corpus(es_node) -> Iterator[str]:
    from store.client import connect
    from store.documents import article_document
    from store.lifecycle import ensure_index
    from store.writer import ArticleWriter

    es = connect()
    drop_test_indices(es)
    ensure_index(es, TEST_ALIAS)
    writer = ArticleWriter(es, TEST_ALIAS)
    writer.add_many(article_document(record) for record in CORPUS)
    assert writer.close()["new"] == len(CORPUS)
    yield TEST_ALIAS
    drop_test_indices(es)


def finnews_here(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    from finnews.cli import main

    code = main(list(args))
    out, err = capsys.readouterr()
    assert code == 0, (args, out, err)
    return out


@pytest.mark.parametrize(("words", "options", "params", "expected"), CASES)
def test_search_stats_and_export_count_the_same_articles_on_the_command_line(
    corpus: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    words: str,
    options: list[str],
    params: dict[str, str],
    expected: int,
) -> None:
    searched = int(finnews_here(capsys, "search", words, *options).split(" article(s)")[0])
    counted = int(finnews_here(capsys, "stats", words, "--by", "board", *options).split(" article(s)")[0])
    output = tmp_path / "found.jsonl"
    finnews_here(capsys, "export", "-q", words, "-o", str(output), "--quiet", *options)
    exported = [json.loads(line) for line in output.read_text(encoding="utf-8").splitlines()]
    assert searched == counted == len(exported) == expected, (searched, counted, len(exported))
    assert len({row["url"] for row in exported}) == expected


@pytest.fixture(scope="module")
def client(corpus: str) -> TestClient:
    from api.app import create_app

    return TestClient(create_app())


@pytest.mark.parametrize(("words", "options", "params", "expected"), CASES)
def test_search_stats_and_export_count_the_same_articles_over_http(
    client: TestClient, words: str, options: list[str], params: dict[str, str], expected: int
) -> None:
    query = {"q": words, **params}
    found = client.get("/search", params=query).json()["total"]
    trend = client.get("/stats", params={**query, "by": "stock", "interval": "month"}).json()
    exported = client.get("/export", params=query).text.splitlines()
    assert found == trend["articles"] == len(exported) == expected, (found, trend["articles"], len(exported))
    # The chart's lines count within the same articles: no value is in more of them than match.
    assert all(total <= expected for total in trend["totals"].values())


def test_an_export_in_slices_comes_in_the_same_order_as_one_reader(corpus: str) -> None:
    from store.client import connect
    from store.export import iter_articles

    es = connect()
    one = [article["url"] for article in iter_articles(es, alias=corpus, slices=1, page_size=2)]
    three = [article["url"] for article in iter_articles(es, alias=corpus, slices=3, page_size=2)]
    assert one == three and len(one) == len(CORPUS)
    dates = [record["published_at"] for record in sorted(CORPUS, key=lambda r: r["published_at"])]
    assert [a["published_at"] for a in iter_articles(es, alias=corpus, slices=2, page_size=3)] == dates


def test_an_export_of_filters_alone_never_loads_the_tagging_stack_or_pyarrow(corpus: str, tmp_path: Path) -> None:
    import subprocess
    import sys

    from core.config import PROJECT_ROOT

    jsonl, parquet = tmp_path / "x.jsonl", tmp_path / "x.parquet"
    code = (
        "import sys; from finnews.cli import main; "
        f"code = main(['export', '-o', {str(jsonl)!r}, '--quiet', '--board', '储能']); "
        "print(code, 'jieba' in sys.modules, 'lxml' in sys.modules, 'pyarrow' in sys.modules); "
        # A Parquet export in the same process still gets pyarrow.
        f"print(main(['export', '-o', {str(parquet)!r}, '--quiet', '--board', '储能']))"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True)
    lines = result.stdout.splitlines()
    assert lines[1].split() == ["0", "False", "False", "False"], result.stdout + result.stderr
    assert lines[-1] == "0", result.stdout + result.stderr
    assert len(jsonl.read_text(encoding="utf-8").splitlines()) == 3
    import pyarrow.parquet as pq

    assert pq.read_table(parquet).num_rows == 3
