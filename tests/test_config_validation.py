"""A typo in any configuration file is an error naming the file, the place, the key and the key it
probably meant — never a silent fall-back to a default (``concurency: 4`` used to leave a site at
concurrency 1). A crawl checks every file before Scrapy starts: one line, no Twisted traceback."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

from core.config import ConfigError, check_keys, max_article_bytes
from core.settings import reload as reload_settings
from store.settings import elasticsearch_settings
from tests.conftest import run_finnews


def clear_caches() -> None:
    reload_settings()  # the files of the same folder were rewritten: read them again


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def load_finnews() -> object:
    return elasticsearch_settings()


def load_sites() -> object:
    from crawler.sites import load_sites

    return load_sites()


def load_schedule() -> object:
    from scheduler.jobs import load_schedule

    return load_schedule()


def load_index() -> object:
    from store.lifecycle import index_config

    return index_config()


def load_topics() -> object:
    from tagging.topics import load_taxonomy

    return load_taxonomy()


TYPOS: list[tuple[str, str, str, Callable[[], object], str, str]] = [
    # file, text, typo'd text, loader, the unknown key as reported, the suggestion
    ("finnews.yaml", "elasticsearch:", "elasticsearh:", load_finnews, "elasticsearh", "elasticsearch"),
    ("finnews.yaml", "  heap: 512m", "  heap: 512m\n  prot: 9201", load_finnews, "elasticsearch: unknown key(s) prot", "port"),
    ("finnews.yaml", "  max_article_mb: 5", "  max_article_bytes: 5", load_finnews, "limits: unknown key(s) max_article_bytes", "max_article_mb"),
    ("sites.yaml", "    concurrency: 4", "    concurency: 4", load_sites, "sites.eastmoney: unknown key(s) concurency", "concurrency"),
    ("sites.yaml", "\nfeeds:", "\nfeed:", load_sites, "unknown key(s) feed", "feeds"),
    ("sites.yaml", '      media: "#source_baidu', '      meida: "#source_baidu', load_sites, "feeds[0].selectors: unknown key(s) meida", "media"),
    ("sites.yaml", "    allow:", "    alow:", load_sites, "feeds[0]: unknown key(s) alow", "allow"),
    ("schedule.yaml", "  misfire_grace_time: 300", "  misfire_grace_tme: 300", load_schedule, "defaults: unknown key(s) misfire_grace_tme", "misfire_grace_time"),
    ("schedule.yaml", "    timeout: 540", "    timout: 540", load_schedule, "jobs[0]: unknown key(s) timout", "timeout"),
    ("index.yaml", "mappings:", "mapings:", load_index, "unknown key(s) mapings", "mappings"),
    ("topics.yaml", "    name_en: Semiconductors", "    nameen: Semiconductors", load_topics, "topics[0]: unknown key(s) nameen", "name_en"),
    ("topics.yaml", "version: 1", "verison: 1", load_topics, "unknown key(s) verison", "version"),
]  # fmt: skip


@pytest.mark.parametrize(("name", "old", "new", "load", "reported", "meant"), TYPOS, ids=[t[2].strip() for t in TYPOS])
def test_an_unknown_key_names_file_place_and_the_key_it_probably_meant(
    configs: Path, name: str, old: str, new: str, load: Callable[[], object], reported: str, meant: str
) -> None:
    load()  # the shipped file is valid
    clear_caches()
    edit(configs / name, old, new)
    with pytest.raises(ConfigError) as raised:
        load()
    message = str(raised.value)
    assert message.startswith(f"{configs / name}: "), message
    assert reported in message and f"did you mean {meant!r}?" in message, message


def test_check_keys_reports_every_unknown_key_and_suggests_only_close_ones() -> None:
    check_keys("x.yaml", {"delay": 1}, ("delay", "concurrency"), "sites.a")  # known keys pass
    check_keys("x.yaml", ["not", "a", "mapping"], ("delay",))  # the caller checks the type
    with pytest.raises(ConfigError) as raised:
        check_keys("x.yaml", {"concurency": 4, "zzz": 1, "delay": 1}, ("delay", "concurrency"), "sites.a")
    message = str(raised.value)
    assert message.startswith("x.yaml: sites.a: unknown key(s) concurency (did you mean 'concurrency'?), zzz;")
    assert "zzz (did you mean" not in message and message.endswith("known: delay, concurrency")


def test_the_article_size_limit_is_read_and_checked(configs: Path) -> None:
    assert max_article_bytes() == 5 * 1024 * 1024
    clear_caches()
    edit(configs / "finnews.yaml", "max_article_mb: 5", "max_article_mb: 0.5")
    assert max_article_bytes() == 512 * 1024
    clear_caches()
    edit(configs / "finnews.yaml", "max_article_mb: 0.5", "max_article_mb: -1")
    with pytest.raises(ConfigError, match=r"limits\.max_article_mb: expected a number of megabytes"):
        max_article_bytes()


def test_a_crawl_with_a_broken_finnews_yaml_prints_one_line_before_scrapy_starts(configs: Path) -> None:
    edit(configs / "finnews.yaml", "elasticsearch:", "elasticsearh:")
    # Should the check ever be skipped, the crawl must still go nowhere but a closed local port.
    result = run_finnews(
        "crawl", "eastmoney", "-a", "sources=columns", "-s", "EASTMONEY_LIST_API=http://127.0.0.1:9/list",
        "-s", "EASTMONEY_COLUMNS=345", "-s", "ROBOTSTXT_OBEY=False", "-s", "FINNEWS_SEEN_ENABLED=False",
        env={"FINNEWS_CONFIG_DIR": str(configs)}, timeout=120,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert re.fullmatch(
        r"finnews crawl: .*finnews\.yaml: unknown key\(s\) elasticsearh \(did you mean 'elasticsearch'\?\).*", lines[0]
    )
    assert "Traceback" not in result.stderr and "Scrapy" not in result.stderr


def test_several_cluster_nodes_are_read_from_the_url_with_the_secrets_taken_out(
    configs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINNEWS_ES_URL", "https://u:secret@es1:9200/, https://es2:9201?api_key=k2,https://es3:9202")
    settings = elasticsearch_settings()
    assert settings.hosts == ("https://es1:9200", "https://es2:9201", "https://es3:9202")
    assert settings.url == ",".join(settings.hosts) and "secret" not in settings.url and "k2" not in settings.url
    assert (settings.credentials.username, settings.credentials.password) == ("u", "secret")
    assert not settings.managed
    clear_caches()
    monkeypatch.setenv("FINNEWS_ES_URL", "es1:9200,https://es2:9201")
    with pytest.raises(ConfigError, match=r"FINNEWS_ES_URL.*expected http"):
        elasticsearch_settings()


def test_a_local_cluster_has_consecutive_ports_and_a_checked_node_count(
    configs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FINNEWS_ES_PORT", "9280")
    monkeypatch.setenv("FINNEWS_ES_NODES", "3")
    settings = elasticsearch_settings()
    assert settings.managed and settings.local_ports == (9280, 9281, 9282)
    assert settings.hosts == ("http://127.0.0.1:9280", "http://127.0.0.1:9281", "http://127.0.0.1:9282")
    for wrong in ("0", "many", "9"):
        clear_caches()
        monkeypatch.setenv("FINNEWS_ES_NODES", wrong)
        with pytest.raises(ConfigError, match=r"FINNEWS_ES_NODES.*from 1 to 5"):
            elasticsearch_settings()


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("number_of_shards: 1", "number_of_shards: 0", "number_of_shards: expected a whole number of at least 1"),
        ("number_of_replicas: 0", "number_of_replicas: -1", "number_of_replicas: expected a whole number"),
        ('auto_expand_replicas: "0-1"', "auto_expand_replicas: 1", "auto_expand_replicas: expected a range"),
        ('auto_expand_replicas: "0-1"', 'auto_expand_replicas: "one-two"', "auto_expand_replicas: expected"),
    ],
)
def test_the_index_layout_is_checked_before_a_node_sees_it(configs: Path, old: str, new: str, message: str) -> None:
    assert load_index()["settings"]["auto_expand_replicas"] == "0-1"
    edit(configs / "index.yaml", old, new)
    with pytest.raises(ConfigError, match=f"index.yaml: settings: {message}"):
        load_index()


def test_jvm_options_for_the_local_nodes_come_from_the_file_or_the_environment(
    configs: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("FINNEWS_ES_JAVA_OPTS", raising=False)
    assert elasticsearch_settings().java_opts == ""
    edit(configs / "finnews.yaml", 'java_opts: ""', 'java_opts: "-XX:+UseG1GC "')
    clear_caches()
    assert elasticsearch_settings().java_opts == "-XX:+UseG1GC"
    monkeypatch.setenv("FINNEWS_ES_JAVA_OPTS", "-XX:TieredStopAtLevel=1")
    clear_caches()
    assert elasticsearch_settings().java_opts == "-XX:TieredStopAtLevel=1"
    monkeypatch.delenv("FINNEWS_ES_JAVA_OPTS")
    edit(configs / "finnews.yaml", 'java_opts: "-XX:+UseG1GC "', "java_opts: [-Xss1m]")
    clear_caches()
    with pytest.raises(ConfigError, match=r"elasticsearch\.java_opts: expected str, got list"):
        elasticsearch_settings()
