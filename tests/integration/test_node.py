"""The local node commands, against the real node."""

from __future__ import annotations

import socket

from tests.conftest import run_finnews


def test_status_reports_version_health_and_count(es_node) -> None:
    result = run_finnews("es", "status")
    assert result.returncode == 0, result.stderr
    assert "version:  8.19.7" in result.stdout
    assert "health:   green" in result.stdout or "health:   yellow" in result.stdout
    assert "articles:" in result.stdout


def test_start_is_a_no_op_when_the_node_is_up(es_node) -> None:
    result = run_finnews("es", "start")
    assert result.returncode == 0
    assert "already running" in result.stdout


def test_start_on_a_taken_port_says_so() -> None:
    with socket.socket() as squatter:
        squatter.bind(("127.0.0.1", 0))
        squatter.listen()
        port = squatter.getsockname()[1]
        result = run_finnews("es", "start", env={"FINNEWS_ES_PORT": str(port)})
    assert result.returncode == 2
    assert f"Port {port}" in result.stderr and "taken" in result.stderr
    assert "Traceback" not in result.stderr


def test_status_of_a_node_that_is_not_running() -> None:
    result = run_finnews("es", "status", env={"FINNEWS_ES_URL": "http://127.0.0.1:9"})
    assert result.returncode == 1
    assert "not running" in result.stdout
