"""schemathesis against the app's own OpenAPI schema: whatever a client sends, never a 5xx.

The app is the whole one ``python app.py`` serves (Gradio pages mounted too), over ASGI in-process, with the
real engine; the rate limit is lifted so generated requests reach the handlers. Examples are bounded.
"""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode

from zhili_qa.config import Settings
from zhili_qa.web.app import create_app


@pytest.fixture(scope="module")
def app(assistant, tmp_path_factory):
    return create_app(
        assistant, Settings.from_env(data_dir=tmp_path_factory.mktemp("schema-data"), rate_limit_per_minute=0)
    )


@pytest.fixture(scope="module")
def api_schema(app):
    return schemathesis.openapi.from_asgi("/openapi.json", app)


# Every operation of the schema (test_every_operation_is_fuzzed keeps this list complete).
OPERATIONS = [
    ("/api/ask", "POST"),
    ("/api/search", "GET"),
    ("/api/projects", "GET"),
    ("/api/projects/{number}", "GET"),
    ("/api/feedback", "POST"),
    ("/api/gaps", "GET"),
    ("/healthz", "GET"),
]

WITHOUT_INPUT = {"/api/projects", "/api/gaps", "/healthz"}  # nothing in them can be made invalid
CASES = [
    (path, method, mode)
    for path, method in OPERATIONS
    for mode in GenerationMode
    if not (mode == GenerationMode.NEGATIVE and path in WITHOUT_INPUT)
]


@pytest.mark.parametrize(("path", "method", "mode"), CASES)
def test_no_request_the_schema_allows_or_forbids_gets_a_5xx(api_schema, path, method, mode):
    # (schemathesis' own pytest loader does not run under pytest 9 yet, so its strategies drive hypothesis here)
    @given(case=api_schema[path][method].as_strategy(generation_mode=mode))
    @settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def check(case):
        response = case.call()
        assert response.status_code < 500, (case.method, case.path, case.body, case.query, response.text[:300])
        case.validate_response(response, checks=[not_a_server_error])

    check()


def test_every_operation_is_fuzzed(api_schema):
    listed = {(op.ok().path, op.ok().method.upper()) for op in api_schema.get_all_operations()}
    assert listed == set(OPERATIONS)


def test_the_schema_lists_the_public_api(api_schema):
    paths = set(api_schema.raw_schema["paths"])
    assert {"/api/ask", "/api/search", "/api/projects", "/api/feedback", "/healthz"} <= paths
