"""One credentials masker for every message: user info of any form, secret query parameters,
Authorization values; used by the command's errors, its log records and the spool's reasons."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from core.masking import install_log_masking, mask_credentials
from store.settings import UrlSecrets, split_secrets
from tests.conftest import run_finnews

SECRET = "Sup3rS3cret"

FORMS = [
    (f"redis://:{SECRET}@cache.internal:6379/0", "redis://***@cache.internal:6379/0"),
    (f"https://:{SECRET}@es.internal:9200", "https://***@es.internal:9200"),
    (f"https://elastic:{SECRET}@es.internal:9200/x", "https://***@es.internal:9200/x"),
    (f"rediss://default:{SECRET}@[::1]:6380", "rediss://***@[::1]:6380"),
    (f"https://{SECRET}@git.internal/repo", "https://***@git.internal/repo"),  # a token as the user
    (f"https://u:{SECRET}@x@es.internal", "https://***@es.internal"),  # an unescaped @ in the password
    (f"https://u:p%40{SECRET}@es.internal", "https://***@es.internal"),
    (f"https://feed.example/rss?password={SECRET}&page=2", "https://feed.example/rss?password=***&page=2"),
    (f"https://api.example/v1?api_key={SECRET}", "https://api.example/v1?api_key=***"),
    (f"https://api.example/v1?q=1&apikey={SECRET}#top", "https://api.example/v1?q=1&apikey=***#top"),
    (f"https://api.example/v1?TOKEN={SECRET}", "https://api.example/v1?TOKEN=***"),
    (f"https://api.example/v1?access_token={SECRET}&x=1", "https://api.example/v1?access_token=***&x=1"),
    (f"https://api.example/v1?api-key={SECRET}", "https://api.example/v1?api-key=***"),
    (f"GET /?a=1&password%3D{SECRET}", "GET /?a=1&password%3D***"),
    (f"Authorization: Basic {SECRET}==", "Authorization: Basic ***"),
    (f"ApiKey {SECRET}", "ApiKey ***"),
    (f"failed: ConnectionError(redis://:{SECRET}@h:1/0) then http://u:{SECRET}@h2/", "failed: ConnectionError(redis://***@h:1/0) then http://***@h2/"),
]  # fmt: skip


@pytest.mark.parametrize(("text", "masked"), FORMS, ids=[f[1][:40] for f in FORMS])
def test_every_form_of_credentials_is_masked(text: str, masked: str) -> None:
    assert mask_credentials(text) == masked
    assert SECRET not in mask_credentials(text)


@pytest.mark.parametrize(
    "text",
    [
        "https://finance.eastmoney.com/a/202205302396671291.html?from=list&page=2",
        "mail me@example.com about http://host/path@anchor",
        "monkey=banana keyboard=qwerty",
        "Elasticsearch at http://127.0.0.1:9200 is not reachable",
    ],
)
def test_text_without_credentials_is_left_alone(text: str) -> None:
    assert mask_credentials(text) == text


def test_a_password_only_url_is_split_from_its_secret() -> None:
    assert split_secrets(f"https://:{SECRET}@es.internal:9200") == (
        "https://es.internal:9200",
        UrlSecrets(None, SECRET),
    )
    assert split_secrets(f"https://u:{SECRET}@es.internal") == ("https://es.internal", UrlSecrets("u", SECRET))
    assert split_secrets("https://es.internal:9200") == ("https://es.internal:9200", UrlSecrets())


def test_secrets_in_the_cluster_urls_query_leave_the_url(tmp_path: Path) -> None:
    """An API key (or any secret parameter) in FINNEWS_ES_URL's query is taken out of the URL that is
    printed everywhere (es status, ingest's "not reachable", the serve banner, API errors) and used
    as the credential it is (issue 21, item 4)."""
    safe, secrets = split_secrets(f"https://u:p@es.internal:9200/?api_key={SECRET}&x=1&token={SECRET}")
    assert safe == "https://es.internal:9200/?x=1" and SECRET not in safe
    assert (secrets.username, secrets.password, secrets.api_key) == ("u", "p", SECRET)
    env = {"FINNEWS_ES_URL": f"http://u:p@127.0.0.1:9/?api_key={SECRET}", "FINNEWS_SPOOL_DIR": str(tmp_path)}
    status = run_finnews("es", "status", env=env, timeout=120)
    source = tmp_path / "one.jsonl"
    source.write_text('{"url": "https://example.com/1", "title": "t", "text": "正文"}\n', encoding="utf-8")
    ingest = run_finnews("ingest", str(source), env=env, timeout=120)
    for result in (status, ingest):
        assert SECRET not in result.stdout + result.stderr
    assert "http://127.0.0.1:9/" in status.stdout + status.stderr
    assert "not reachable" in ingest.stderr


def test_log_records_are_masked_whichever_handler_writes_them(caplog: pytest.LogCaptureFixture) -> None:
    install_log_masking()
    with caplog.at_level(logging.INFO):
        logging.getLogger("scrapy.crawler").info("Overridden settings: %s", {"REDIS_URL": f"redis://:{SECRET}@h:6379"})
    assert SECRET not in caplog.text and "redis://***@h:6379" in caplog.text


def test_configured_secrets_are_masked_wherever_they_appear(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINNEWS_ES_PASSWORD", SECRET)
    assert mask_credentials(f"the server said: bad password {SECRET}") == "the server said: bad password ***"


def test_the_command_never_prints_a_password_only_url(tmp_path: Path) -> None:
    # Nothing listens on port 9: every command fails, and says where it tried, masked.
    env = {"FINNEWS_ES_URL": f"https://:{SECRET}@127.0.0.1:9", "FINNEWS_SPOOL_DIR": str(tmp_path)}
    for args in (["search", "数字经济"], ["es", "status"], ["es", "start"]):
        result = run_finnews(*args, env=env, timeout=120)
        assert result.returncode != 0
        assert SECRET not in result.stdout + result.stderr, args
        assert "127.0.0.1:9" in result.stdout + result.stderr
    redis = run_finnews(
        "crawl", "eastmoney", "--distributed", env={"FINNEWS_REDIS_URL": f"redis://:{SECRET}@127.0.0.1:9/0"}
    )
    assert redis.returncode == 2 and "Redis at redis://***@127.0.0.1:9/0 does not answer" in redis.stderr
    assert SECRET not in redis.stdout + redis.stderr
