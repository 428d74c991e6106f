"""``finnews ingest`` of an archive through clean → tag → index, into the real node."""

from __future__ import annotations

import json
import queue
import re
import shutil
import subprocess
import threading
import time
from pathlib import Path

import pytest

from core.urls import document_id
from finnews.cli import main
from replica.site import DATA_DIR
from scheduler.stats import read_stats
from store.documents import KEYWORD_CHARS
from tests.conftest import FIXTURES, TEST_ALIAS, start_finnews


def test_ingest_a_folder_of_posts_a_text_file_and_json_lines(
    fresh_index: str, es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    archive = tmp_path / "archive"
    shutil.copytree(DATA_DIR, archive / "posts")
    shutil.copy(FIXTURES / "chinaorg_article.txt", archive / "chinaorg.txt")
    (archive / "more.jsonl").write_text(
        json.dumps({"url": "https://example.com/a/1.html", "title": "宁德时代发布新电池", "text": "宁德时代今日发布新一代电池。"},
                   ensure_ascii=False) + "\nnot json\n"
        + json.dumps({"url": "https://example.com/a/2.html", "title": "贵州茅台", "text": "贵州茅台公告。"}, ensure_ascii=False),
        encoding="utf-8",
    )  # fmt: skip
    (archive / "broken.html").write_bytes(b"")
    stats_file = tmp_path / "stats.json"
    code = main(["ingest", "--quiet", "--stats-json", str(stats_file), str(archive)])  # in this process
    out, err = capsys.readouterr()
    assert code == 4  # partial: two inputs failed, and say so
    assert "Ingested 7 article(s) from 7 file(s): 7 new" in out
    assert "more.jsonl:2" in err and "broken.html" in err and "empty input" in err
    # The same counts for the scheduler, as a crawl's stats file gives them.
    stats = read_stats(json.loads(stats_file.read_text(encoding="utf-8")))
    assert stats["files"] == 7 and stats["articles"]["new"] == 7 and stats["articles"]["unchanged"] == 0
    assert stats["errors"] == [{"reason": "input_failed", "count": 2}]
    assert sorted(f.split(": ")[0].rsplit("/", 1)[-1] for f in stats["failures"]) == ["broken.html", "more.jsonl:2"]
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == 7
    hit = es_node.search(index=TEST_ALIAS, query={"term": {"url": "https://example.com/a/1.html"}})["hits"]["hits"][0]
    assert [s["name"] for s in hit["_source"]["stocks"]] == ["宁德时代"]

    assert main(["ingest", "--quiet", str(archive / "posts")]) == 0
    assert "4 unchanged" in capsys.readouterr().out


def test_documents_elasticsearch_rejects_go_to_the_dead_letter_file(
    fresh_index: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    good = {
        "url": "https://example.com/a/ok.html",
        "title": "正常",
        "text": "正文。",
        "boards": [],
        "stocks": [],
        "topics": [],
    }
    # A URL longer than a keyword term may be (32,766 bytes): the node rejects it for good (an outlet that long is
    # cut before it is sent: tests/integration/test_faults.py).
    bad = {**good, "url": "https://example.com/a/" + "x" * 40_000}
    archive = tmp_path / "tagged.jsonl"
    archive.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in (good, bad)) + "\n", encoding="utf-8")
    monkeypatch.setenv("FINNEWS_SPOOL_DIR", str(tmp_path / "spool"))
    assert main(["ingest", "--quiet", str(archive)]) == 4  # partial: one article not indexed
    out, err = capsys.readouterr()
    assert "1 new" in out and "1 rejected" in out, out + err
    assert main(["spool", "list"]) == 0
    listing = capsys.readouterr().out
    assert "dead-letter: 1 file(s)" in listing
    assert "1 article(s)" in listing and "url" in listing
    letters = [
        json.loads(line) for path in (tmp_path / "spool" / "dead-letter").glob("*.jsonl") for line in path.open()
    ]
    assert [letter["document"]["url"] for letter in letters] == [bad["url"]]


def test_records_the_node_rejects_are_named_by_file_and_line(
    fresh_index: str, es_node, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """A URL too long for the index (a term over Lucene's 32,766 bytes) is rejected by the node for good: the
    load names the record as it names any bad input, ``file:line: reason``, the good records beside it are
    loaded (issue 21, item 6). An outlet that long is cut to KEYWORD_CHARS and its article loaded, named in a
    warning."""
    source = tmp_path / "records.jsonl"
    records = [
        {"url": "https://example.com/ok/1.html", "title": "好的一", "text": "北京推进数字经济发展。"},
        {"url": "https://example.com/" + "x" * 40_000, "title": "网址太长", "text": "北京推进数字经济发展。"},
        {
            "url": "https://example.com/ok/2.html",
            "title": "好的二",
            "text": "北京推进数字经济发展。",
            "media": "媒" * 12_000,
        },
        {"url": "https://example.com/ok/3.html", "title": "好的三", "text": "北京推进数字经济发展。"},
    ]
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    code = main(["ingest", str(source)])
    err = capsys.readouterr().err
    assert code == 4, err  # partial
    assert f"{source}:2: rejected by Elasticsearch (status 400):" in err
    assert f"{source}:3: rejected" not in err
    es_node.indices.refresh(index=TEST_ALIAS)
    assert es_node.count(index=TEST_ALIAS)["count"] == 3
    stored = es_node.get(index=TEST_ALIAS, id=document_id("https://example.com/ok/2.html"))["_source"]
    assert stored["media"] == "媒" * KEYWORD_CHARS


def test_the_same_article_twice_in_one_file_is_counted_twice(
    fresh_index: str, es_node, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """Two records of one URL in one file: 2 articles read, 1 new and 1 unchanged (the same text) —
    every article read is accounted for (issue 21, item 7)."""
    record = {"url": "https://example.com/twice.html", "title": "两次", "text": "北京推进数字经济发展。"}
    source = tmp_path / "twice.jsonl"
    source.write_text((json.dumps(record, ensure_ascii=False) + "\n") * 2, encoding="utf-8")
    assert main(["ingest", "--quiet", str(source)]) == 0
    out = capsys.readouterr().out
    assert "Ingested 2 article(s)" in out and "1 new, 0 updated, 1 unchanged" in out, out


def test_tagged_records_with_times_in_any_accepted_form_are_stored_in_iso_beijing_time(
    fresh_index: str, es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Audit 5, gap 5: a record in finnews' own (tagged) format whose time the ingest check accepts —
    Chinese, without a zone, empty — was rejected by the node (dead letter), and a ``Z`` time was stored
    as written, so exports mixed offsets."""
    tagged = {"title": "时间", "text": "正文。", "boards": [], "stocks": [], "topics": []}
    forms = {
        "cn": ("2026年11月20日 18:00", "2026-11-20T18:00:00+08:00"),
        "plain": ("2026-11-20 18:00", "2026-11-20T18:00:00+08:00"),
        "empty": ("", None),
        "utc": ("2026-11-20T10:00:00Z", "2026-11-20T18:00:00+08:00"),
        "iso": ("2026-11-20T18:00:00.250+08:00", "2026-11-20T18:00:00.250000+08:00"),
    }
    records = [
        {**tagged, "url": f"https://example.com/t/{name}.html", "published_at": written,
         "crawled_at": "2026-11-21T01:00:00Z", "updated_at": ""}
        for name, (written, _) in forms.items()
    ]  # fmt: skip
    source = tmp_path / "tagged.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    code = main(["ingest", "--quiet", str(source)])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "5 new" in out, out + err
    es_node.indices.refresh(index=TEST_ALIAS)
    stored = {
        hit["_source"]["url"].rsplit("/", 1)[-1][: -len(".html")]: hit["_source"]
        for hit in es_node.search(index=TEST_ALIAS, size=10)["hits"]["hits"]
    }
    assert {name: doc["published_at"] for name, doc in stored.items()} == {
        name: stored_as for name, (_, stored_as) in forms.items()
    }
    assert {doc["crawled_at"] for doc in stored.values()} == {"2026-11-21T09:00:00+08:00"}
    assert {doc["updated_at"] for doc in stored.values()} == {None}


def test_an_akshare_csv_a_json_array_and_a_text_file_ingest_titled_dated_and_tagged(
    fresh_index: str, es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 23, item 2: an AKShare-style CSV was one untitled article holding the whole CSV, .csv and
    .json files in a folder were skipped without a word, a text file had no title or date."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "stock_news_em.csv").write_text(
        ",关键词,新闻标题,新闻内容,发布时间,文章来源,新闻链接\n"
        "0,300750,宁德时代发布神行电池,宁德时代今日发布新一代神行电池，续航再提升。,2026-11-20 10:30:00,证券时报,"
        "http://finance.eastmoney.com/a/202611203000000001.html\n"
        "1,600519,贵州茅台提价,贵州茅台宣布上调出厂价。,2026-11-21 09:00:00,财联社,\n",
        encoding="utf-8-sig",
    )
    (folder / "flash.json").write_text(
        json.dumps(
            [{"title": "比亚迪销量创新高", "content": "比亚迪11月销量创新高。", "date": "2026-11-22"}],
            ensure_ascii=False,
        ),
        encoding="utf-8",
    )
    (folder / "2026-11-23_光伏组件价格下跌.txt").write_text("光伏组件价格继续下跌，隆基绿能承压。", encoding="utf-8")
    (folder / "slides.pdf").write_bytes(b"%PDF-1.7")
    code = main(["ingest", "--quiet", str(folder)])
    out, err = capsys.readouterr()
    assert code == 0, out + err
    assert "Ingested 4 article(s) from 3 file(s): 4 new" in out
    assert "1 file(s) skipped" in err and "slides.pdf: not a kind of file finnews reads (.pdf)" in err
    es_node.indices.refresh(index=TEST_ALIAS)
    hits = es_node.search(index=TEST_ALIAS, size=10, sort=[{"published_at": "asc"}])["hits"]["hits"]
    articles = [hit["_source"] for hit in hits]
    assert [a["title"] for a in articles] == [
        "宁德时代发布神行电池",
        "贵州茅台提价",
        "比亚迪销量创新高",
        "光伏组件价格下跌",
    ]
    assert [a["published_at"][:10] for a in articles] == ["2026-11-20", "2026-11-21", "2026-11-22", "2026-11-23"]
    assert [a["source"] for a in articles] == ["csv", "csv", "json", "text"]
    assert articles[0]["media"] == "证券时报" and articles[0]["url"].endswith("202611203000000001.html")
    assert articles[1]["url"].startswith("urn:finnews:content:")  # no link: an id from its content
    assert [s["name"] for s in articles[0]["stocks"]] == ["宁德时代"]  # tagged from the text
    assert [s["name"] for s in articles[2]["stocks"]] == ["比亚迪"]
    assert articles[3]["body_source"] == "text; title: file name; date: file name"
    # The same folder again: every article is the same one (ids from links and from content).
    assert main(["ingest", "--quiet", str(folder)]) == 0
    assert "4 unchanged" in capsys.readouterr().out


def _ingest_record(path: Path, url: str, title: str) -> None:
    """One article record (its text its title), loaded by ``finnews ingest``."""
    path.write_text(
        json.dumps({"url": url, "title": title, "text": f"{title}。"}, ensure_ascii=False), encoding="utf-8"
    )
    assert main(["ingest", "--quiet", str(path)]) == 0


def _start_watch(*args: str) -> tuple[subprocess.Popen, queue.Queue[str]]:
    """``finnews watch ARGS`` in the background, and the lines it prints as they come."""
    watcher = start_finnews("watch", *args)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in watcher.stdout], daemon=True).start()
    return watcher, lines


def test_watch_prints_a_matching_article_once_it_is_indexed(fresh_index: str, es_node, tmp_path: Path) -> None:
    """Issue 24: `finnews watch QUERY` is a tail -f of the index."""
    # shown when the watch starts: its crawled_at was the start of "new"
    _ingest_record(tmp_path / "earlier.jsonl", "https://example.com/w/0.html", "比亚迪旧闻")
    watcher, lines = _start_watch("宁德时代 OR 比亚迪", "--interval", "1")
    try:
        assert lines.get(timeout=60).startswith("Watching '宁德时代 OR 比亚迪'")
        assert "https://example.com/w/0.html" in lines.get(timeout=60)  # the last five when it starts
        records = tmp_path / "new.jsonl"
        records.write_text(
            json.dumps({"url": "https://example.com/w/1.html", "title": "比亚迪发布新车", "text": "比亚迪今日发布新车。"},
                       ensure_ascii=False) + "\n"
            + json.dumps({"url": "https://example.com/w/2.html", "title": "光伏组件降价", "text": "光伏组件降价。"},
                         ensure_ascii=False) + "\n"
            # An export loaded back keeps its crawled_at (hunt of day 18: new was told by it, and this was never shown).
            + json.dumps({"url": "https://example.com/w/3.html", "title": "宁德时代旧文重载", "text": "宁德时代公告。",
                          "crawled_at": "2026-03-01T08:00:00+08:00", "boards": [], "stocks": [], "topics": []}, ensure_ascii=False) + "\n",
            encoding="utf-8",
        )  # fmt: skip
        assert main(["ingest", "--quiet", str(records)]) == 0
        printed = [lines.get(timeout=60), lines.get(timeout=60)]  # at the watcher's next look after the ingest
        assert any("比亚迪发布新车" in line and "https://example.com/w/1.html" in line for line in printed), printed
        assert any("https://example.com/w/3.html" in line for line in printed), printed
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
    rest = []
    while not lines.empty():
        rest.append(lines.get())
    assert not any("光伏组件降价" in line for line in rest)


def test_watch_prints_every_article_of_a_batch_larger_than_its_page(fresh_index: str, es_node, tmp_path: Path) -> None:
    """Hunt of day 17: each look asked for the newest 200; of 300 articles loaded at once, 100 were never shown.
    With `--last 0` what was indexed before the watch began is not shown (hunt of day 18: all of it was)."""
    _ingest_record(tmp_path / "before.jsonl", "https://example.com/old/1.html", "比亚迪旧闻")
    watcher, lines = _start_watch("比亚迪", "--interval", "1", "--last", "0")
    shown: set[str] = set()
    try:
        assert lines.get(timeout=60).startswith("Watching '比亚迪'")
        records = tmp_path / "batch.jsonl"
        records.write_text(
            "".join(
                json.dumps({"url": f"https://example.com/batch/{n}.html", "title": f"比亚迪快讯第{n}号",
                            "text": f"比亚迪发布第{n}号公告。"}, ensure_ascii=False) + "\n"
                for n in range(300)
            ),
            encoding="utf-8",
        )  # fmt: skip
        assert main(["ingest", "--quiet", str(records)]) == 0
        while len({url for url in shown if "/batch/" in url}) < 300:
            line = lines.get(timeout=60)
            shown.update(re.findall(r"https://example\.com/\w+/\d+\.html", line))
        time.sleep(3)  # more looks: the old article would show now
        while not lines.empty():
            shown.update(re.findall(r"https://example\.com/\w+/\d+\.html", lines.get()))
    finally:
        watcher.terminate()
        watcher.wait(timeout=30)
    assert len(shown) == 300 and "https://example.com/old/1.html" not in shown, sorted(shown)[:3]


def test_a_second_source_bringing_a_known_article_never_blanks_it_through_the_cli(
    fresh_index: str, es_node, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Issue 23, item 1, as a user meets it: an archive names an article a crawl indexed, with no title
    and no date; the article keeps both, and lists both sources."""
    first, second = tmp_path / "crawl.jsonl", tmp_path / "feed.json"
    url = "https://finance.eastmoney.com/a/202611203000000009.html"
    first.write_text(
        json.dumps({"url": url, "source": "eastmoney", "title": "宁德时代发布新电池", "published_at": "2026-11-20 10:00",
                    "text": "宁德时代今日发布新一代电池。"}, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )  # fmt: skip
    second.write_text(
        json.dumps([{"url": url, "text": "宁德时代今日发布新一代电池。"}], ensure_ascii=False), encoding="utf-8"
    )
    assert main(["ingest", "--quiet", str(first)]) == 0
    assert main(["ingest", "--quiet", str(second)]) == 0
    capsys.readouterr()
    es_node.indices.refresh(index=TEST_ALIAS)
    stored = es_node.search(index=TEST_ALIAS, query={"term": {"url": url}})["hits"]["hits"][0]["_source"]
    assert stored["title"] == "宁德时代发布新电池" and stored["published_at"].startswith("2026-11-20T10:00")
    assert stored["source"] == "eastmoney" and stored["sources"] == ["eastmoney", "json"]
    # Found under either source (hunt of day 18: `--source json` and a watchlist of `sources: [json]` read only
    # the first, and found nothing).
    for source in ("eastmoney", "json"):
        assert main(["search", "新一代电池", "--source", source, "--json"]) == 0
        assert [json.loads(line)["url"] for line in capsys.readouterr().out.splitlines()] == [url], source


def _watch_with_steps(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], clock, steps, *args: str
) -> str:
    """``finnews watch`` in this process, each look's sleep replaced by the next step (then Ctrl-C), its clock
    by ``clock`` (a function giving the watcher's now)."""
    import types
    from datetime import datetime as real_datetime

    from finnews import commands_watch

    class WatcherClock(real_datetime):
        @classmethod
        def now(cls, tz: object = None) -> real_datetime:  # type: ignore[override]
            return clock()

    remaining = iter(steps)

    def look(seconds: float) -> None:
        step = next(remaining, None)
        if step is None:
            raise KeyboardInterrupt
        step()

    monkeypatch.setattr(commands_watch, "datetime", WatcherClock)
    monkeypatch.setattr(commands_watch, "time", types.SimpleNamespace(sleep=look))
    capsys.readouterr()
    assert main(["watch", *args, "--interval", "1"]) == 0
    return capsys.readouterr().out


def _put(es_node, key: str, indexed_at: str) -> None:
    es_node.index(index=TEST_ALIAS, id=key, refresh=True, document={
        "id": key, "url": f"https://example.com/{key}.html", "title": f"比亚迪快讯{key}", "text": "比亚迪发布新车。",
        "indexed_at": indexed_at, "crawled_at": indexed_at, "source": "jsonl", "sources": ["jsonl"]})  # fmt: skip


def test_watch_prints_an_article_once_when_it_sits_in_the_millisecond_of_its_look_back(
    fresh_index: str, es_node, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review of day 18: the shown articles were pruned to the microsecond, the node compares to the millisecond;
    an article just below the look-back's start in its millisecond came back and was printed again."""
    from datetime import datetime as real_datetime

    from core.dates import SHANGHAI

    now = [real_datetime(2030, 1, 1, 10, 0, 0, tzinfo=SHANGHAI)]
    steps = [
        lambda: _put(es_node, "A", "2030-01-01T09:50:00.000200+08:00"),
        lambda: (
            now.__setitem__(0, real_datetime(2030, 1, 1, 10, 5, 0, 800, tzinfo=SHANGHAI)),
            _put(es_node, "B", "2030-01-01T10:05:00.000800+08:00"),
        ),
        lambda: None,  # the look from 09:50:00.000800, which the node reads as 09:50:00.000
    ]
    out = _watch_with_steps(monkeypatch, capsys, lambda: now[0], steps, "比亚迪", "--last", "0")
    assert out.count("example.com/A.html") == 1 and out.count("example.com/B.html") == 1, out


def test_watch_takes_now_from_the_index_not_from_a_watcher_clock_ahead(
    fresh_index: str, es_node, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review of day 18: a watcher whose clock was 20 minutes ahead of the writers' never printed what they
    indexed in its first five minutes (the look asked for stamps after its own now less 15 minutes)."""
    from datetime import datetime as real_datetime
    from datetime import timedelta

    from core.dates import SHANGHAI

    writers = real_datetime.now(SHANGHAI)
    _put(es_node, "OLD", (writers - timedelta(hours=1)).isoformat())
    steps = [lambda: _put(es_node, "NEW", real_datetime.now(SHANGHAI).isoformat()), lambda: None]
    ahead = lambda: real_datetime.now(SHANGHAI) + timedelta(minutes=20)  # noqa: E731
    out = _watch_with_steps(monkeypatch, capsys, ahead, steps, "比亚迪", "--last", "1")
    assert "example.com/OLD.html" in out and out.count("example.com/NEW.html") == 1, out


def test_watch_is_not_held_back_by_one_stamp_from_a_writer_clock_ahead(
    fresh_index: str, es_node, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Review of day 18: the watch started from the index's newest stamp, one of them an hour ahead, and printed
    nothing until real time passed it."""
    from datetime import datetime as real_datetime
    from datetime import timedelta

    from core.dates import SHANGHAI

    _put(es_node, "AHEAD", (real_datetime.now(SHANGHAI) + timedelta(hours=1)).isoformat())
    steps = [lambda: _put(es_node, "NEW", real_datetime.now(SHANGHAI).isoformat()), lambda: None]
    out = _watch_with_steps(monkeypatch, capsys, lambda: real_datetime.now(SHANGHAI), steps, "比亚迪", "--last", "0")
    assert out.count("example.com/NEW.html") == 1, out
