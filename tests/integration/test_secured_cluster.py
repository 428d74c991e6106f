"""A secured cluster: https with a CA certificate, basic auth or an API key, credentials from the
environment, the URL or a 0600 file, and never shown in output."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import run_finnews
from tests.integration.secured_proxy import SecuredProxy

USER, PASSWORD, API_KEY = "analyst", "s3cret-Passw0rd", "VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw=="


@pytest.fixture
def proxy(es_node, tmp_path: Path) -> SecuredProxy:
    with SecuredProxy(tmp_path, 9200, USER, PASSWORD, API_KEY) as server:
        yield server


def assert_no_secret(*outputs: str) -> None:
    for output in outputs:
        assert PASSWORD not in output and API_KEY not in output


def test_basic_auth_from_the_environment_with_a_ca_certificate(proxy: SecuredProxy) -> None:
    env = {"FINNEWS_ES_URL": proxy.url, "FINNEWS_ES_USERNAME": USER, "FINNEWS_ES_PASSWORD": PASSWORD,
           "FINNEWS_ES_CA_CERTS": str(proxy.cert)}  # fmt: skip
    result = run_finnews("es", "status", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"configured cluster) at {proxy.url}" in result.stdout and "health:" in result.stdout
    assert "Basic" in proxy.seen_authorization
    assert_no_secret(result.stdout, result.stderr)


def test_credentials_in_the_url_are_used_and_never_printed(proxy: SecuredProxy) -> None:
    url = proxy.url.replace("https://", f"https://{USER}:{PASSWORD}@")
    result = run_finnews("search", "数字经济", env={"FINNEWS_ES_URL": url, "FINNEWS_ES_CA_CERTS": str(proxy.cert)})
    assert result.returncode == 0, result.stdout + result.stderr
    assert_no_secret(result.stdout, result.stderr)


def test_api_key_from_a_private_credentials_file(proxy: SecuredProxy, tmp_path: Path) -> None:
    credentials = tmp_path / "credentials.yaml"
    credentials.write_text(f"api_key: {API_KEY}\nca_certs: {proxy.cert}\n", encoding="utf-8")
    credentials.chmod(0o600)
    env = {"FINNEWS_ES_URL": proxy.url, "FINNEWS_CREDENTIALS": str(credentials)}
    result = run_finnews("es", "status", env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "ApiKey" in proxy.seen_authorization
    credentials.chmod(0o644)
    refused = run_finnews("es", "status", env=env)
    assert refused.returncode == 2
    assert "readable by others (mode 0644)" in refused.stderr and "chmod 600" in refused.stderr
    assert_no_secret(result.stdout, result.stderr, refused.stdout, refused.stderr)


def test_wrong_password_is_a_clear_error_without_the_password(proxy: SecuredProxy) -> None:
    env = {"FINNEWS_ES_URL": proxy.url, "FINNEWS_ES_USERNAME": USER, "FINNEWS_ES_PASSWORD": "wrong-" + PASSWORD,
           "FINNEWS_ES_CA_CERTS": str(proxy.cert)}  # fmt: skip
    for command in (("es", "status"), ("search", "数字经济"), ("export", "-o", "/tmp/finnews-never.jsonl")):
        result = run_finnews(*command, env=env)
        assert result.returncode == 2, (command, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert "401" in result.stderr
        assert "wrong-" + PASSWORD not in result.stdout + result.stderr
    assert not Path("/tmp/finnews-never.jsonl").exists()


def test_an_unknown_certificate_authority_is_explained(proxy: SecuredProxy) -> None:
    env = {"FINNEWS_ES_URL": proxy.url, "FINNEWS_ES_USERNAME": USER, "FINNEWS_ES_PASSWORD": PASSWORD}
    result = run_finnews("search", "数字经济", env=env)
    assert result.returncode == 2
    assert "FINNEWS_ES_CA_CERTS" in result.stderr and "Traceback" not in result.stderr
    assert_no_secret(result.stdout, result.stderr)
