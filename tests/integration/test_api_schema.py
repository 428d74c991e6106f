"""The API against its own OpenAPI schema (schemathesis, on the real node): whatever a client sends,
valid or not, the answer is never a 5xx, has a documented status and content type, and a body that
matches the documented schema."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from api.app import create_app
from store.client import connect
from store.lifecycle import ensure_index
from tests.conftest import TEST_ALIAS, drop_test_indices
from tests.integration.test_api import ARTICLES, load_api_corpus

EXAMPLES_PER_OPERATION = 40  # a few seconds per operation on the 2-core machine

# Read at import, before any test: conftest has already pointed FINNEWS_INDEX at the test alias.
schema = schemathesis.openapi.from_asgi("/openapi.json", create_app())


@pytest.fixture(scope="module", autouse=True)
def corpus(es_node: object) -> Iterator[str]:
    """Real articles, so searches, stats and exports return data the schema must describe."""
    es = connect()
    drop_test_indices(es)
    ensure_index(es, TEST_ALIAS)
    assert load_api_corpus()["new"] == ARTICLES
    yield TEST_ALIAS
    drop_test_indices(es)


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much, HealthCheck.function_scoped_fixture],
)
def test_no_server_error_and_responses_match_the_schema(case: schemathesis.Case) -> None:
    case.call_and_validate(
        checks=[
            not_a_server_error,
            status_code_conformance,
            content_type_conformance,
            response_schema_conformance,
            negative_data_rejection,  # input outside the schema is refused with a 4xx
        ]
    )
