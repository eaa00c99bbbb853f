"""Response classification: every documented failure shape becomes the right exception."""

import json

import pytest

from apps.seeding.fetch.github.classify import classify
from apps.seeding.fetch.github.errors import (
    AuthError,
    BadResponseError,
    GitHubError,
    GraphQLError,
    NotFoundError,
    RateLimitError,
    SchemaMismatchError,
    SecondaryRateLimitError,
    ServerError,
)
from tests.shared import recorded_dir

OK_HEADERS = {"X-RateLimit-Remaining": "4000", "X-RateLimit-Reset": "1700000000"}


def body(obj) -> bytes:
    return json.dumps(obj).encode()


def test_success_returns_data_and_no_partial_errors():
    assert classify(200, OK_HEADERS, body({"data": {"viewer": {"login": "x"}}})) == (
        {"viewer": {"login": "x"}}, ())


def test_errors_at_paths_beside_usable_data_are_partial_errors_not_failures():
    forbidden = {"type": "FORBIDDEN", "path": ["repository", "pullRequests", "edges", 0, "node",
                                               "headCommit", "nodes", 0, "commit",
                                               "checkSuites"],
                 "locations": [{"line": 1, "column": 2}],
                 "message": "Resource not accessible by personal access token"}
    data = {"repository": {"pullRequests": {"edges": []}}}
    found, errors = classify(200, OK_HEADERS, body({"data": data, "errors": [forbidden]}))
    assert found == data
    assert [(e.type, e.path[-1], e.message) for e in errors] == [
        ("FORBIDDEN", "checkSuites", "Resource not accessible by personal access token")]
    assert errors[0].under("repository", "pullRequests", "edges", 0)


def test_partial_looking_errors_still_fail_when_one_has_no_path_or_is_a_rate_limit():
    data = {"repository": {"x": None}}
    pathless = [{"type": "FORBIDDEN", "path": ["repository", "x"], "message": "no"},
                {"type": "INTERNAL", "message": "boom"}]
    with pytest.raises(GraphQLError, match="boom"):
        classify(200, {}, body({"data": data, "errors": pathless}))
    limited = [{"type": "RATE_LIMITED", "path": ["repository"], "message": "API rate limit"}]
    with pytest.raises(RateLimitError):
        classify(200, {}, body({"data": data, "errors": limited}))


def test_a_field_the_server_lacks_is_a_schema_mismatch_naming_it():
    error = {"path": ["query PullRequestPage", "repository", "reviews", "nodes",
                      "fullDatabaseId"],
             "extensions": {"code": "undefinedField", "typeName": "PullRequestReview",
                            "fieldName": "fullDatabaseId"},
             "message": "Field 'fullDatabaseId' doesn't exist on type 'PullRequestReview'"}
    with pytest.raises(SchemaMismatchError) as info:
        classify(200, {}, body({"errors": [error]}))
    assert info.value.fields == ("PullRequestReview.fullDatabaseId",)


def test_lone_surrogates_in_json_text_are_accepted_as_they_are():
    raw = b'{"data": {"repository": {"title": "broken \\ud800 text"}}}'
    data, _ = classify(200, {}, raw)
    assert data["repository"]["title"] == "broken \ud800 text"


@pytest.mark.parametrize("error", [
    {"type": "RATE_LIMITED", "message": "API rate limit exceeded for user ID 1."},
    {"type": "RATE_LIMIT", "code": "graphql_rate_limit", "message": "API rate limit already "
     "exceeded for user ID 1."},
])
def test_both_primary_rate_limit_shapes_at_http_200_are_rate_limit_errors(error):
    with pytest.raises(RateLimitError) as info:
        classify(200, {"x-ratelimit-remaining": "12", "x-ratelimit-reset": "1700000123"},
                 body({"errors": [error]}))
    assert info.value.reset_at == 1700000123


def test_secondary_limit_at_403_honours_retry_after():
    with pytest.raises(SecondaryRateLimitError) as info:
        classify(403, {"retry-after": "7"}, body({"message": "You have exceeded a secondary "
                                                  "rate limit. Please wait."}))
    assert info.value.retry_after == 7


def test_secondary_limit_without_retry_after_has_none():
    with pytest.raises(SecondaryRateLimitError) as info:
        classify(200, {}, body({"errors": [{"message": "You have exceeded a secondary rate "
                                            "limit"}]}))
    assert info.value.retry_after is None


def test_403_with_zero_remaining_is_primary_rate_limit():
    with pytest.raises(RateLimitError):
        classify(403, {"x-ratelimit-remaining": "0", "x-ratelimit-reset": "5"},
                 body({"message": "API rate limit exceeded"}))


@pytest.mark.parametrize("status", [502, 504])
def test_gateway_timeouts_with_json_or_html_are_timeout_server_errors(status):
    json_body = body({"data": None, "errors": [{"message": "Something went wrong while "
                                                "executing your query. This may be the result "
                                                "of a timeout"}]})
    for payload in (json_body, b"<html><body><h1>502 Bad Gateway</h1></body></html>"):
        with pytest.raises(ServerError) as info:
            classify(status, {}, payload)
        assert info.value.is_timeout and info.value.retryable


def test_timeout_message_at_200_is_a_server_error():
    with pytest.raises(ServerError):
        classify(200, {}, body({"data": None, "errors": [{"message": "Something went wrong "
                                                          "while executing your query."}]}))


def test_401_is_auth_error_and_not_retryable():
    with pytest.raises(AuthError) as info:
        classify(401, {}, body({"message": "Bad credentials"}))
    assert not info.value.retryable


def test_not_found_at_a_path_is_partial_and_without_data_is_not_found_error():
    data, errors = classify(200, {}, body({"data": {"repository": None}, "errors": [
        {"type": "NOT_FOUND", "path": ["repository"],
         "message": "Could not resolve to a Repository with the name 'o/n'."}]}))
    assert data == {"repository": None} and errors[0].type == "NOT_FOUND"
    with pytest.raises(NotFoundError, match="Could not resolve"):
        classify(200, {}, body({"errors": [{"type": "NOT_FOUND", "message": "Could not "
                                            "resolve to a node with the global id of 'x'"}]}))


def test_html_at_200_and_data_null_are_bad_responses():
    with pytest.raises(BadResponseError, match="not JSON"):
        classify(200, {}, b"<html>maintenance</html>")
    with pytest.raises(BadResponseError, match="no data"):
        classify(200, {}, body({"data": None}))


def test_validation_errors_are_final_graphql_errors():
    with pytest.raises(GraphQLError) as info:
        classify(200, {}, body({"errors": [{"message": "Field 'x' doesn't exist"}]}))
    assert not info.value.retryable


def test_error_keeps_status_headers_and_body_but_never_authorization():
    with pytest.raises(GitHubError) as info:
        classify(400, {"Authorization": "bearer secret", "X-Thing": "1"},
                 body({"message": "Problems parsing JSON"}))
    assert info.value.status == 400
    assert "authorization" not in info.value.headers
    assert "Problems parsing JSON" in info.value.body


# -- real recorded responses ------------------------------------------------------------

def _recorded(name):
    return json.loads((recorded_dir() / name).read_text())


def test_recorded_success_responses_classify_as_data():
    for path in sorted((recorded_dir() / "extracted").glob("*.json")):
        doc = json.loads(path.read_text())
        raw = json.dumps(doc["response_body"]).encode()
        data, errors = classify(doc["status"], doc["selected_headers"], raw)
        assert isinstance(data, dict)
        expected = doc["response_body"].get("errors") or []
        assert [e.type for e in errors] == [e["type"] for e in expected]  # real NOT_FOUNDs
        assert all(e.path for e in errors)


def test_recorded_gidgethub_error_bodies():
    base = "gidgethub/"
    with pytest.raises(AuthError):
        classify(401, {}, json.dumps(_recorded(base + "bad-credentials-401.json")).encode())
    with pytest.raises(GitHubError, match="Problems parsing JSON"):
        classify(400, {}, json.dumps(_recorded(base + "malformed-json-400.json")).encode())
    for name in ("malformed-query-200.json", "missing-variable-in-request-200.json"):
        with pytest.raises(GraphQLError):
            classify(200, {}, json.dumps(_recorded(base + name)).encode())
    assert classify(200, {}, json.dumps(_recorded(base + "success-200.json")).encode())


def test_recorded_pygithub_unprocessable_error_at_a_path_is_a_partial_error():
    text = (recorded_dir() / "pygithub/PullRequest.testEnableAutomergeError.txt").read_text()
    payload = next(line for line in text.splitlines() if line.startswith('{"data"'))
    data, errors = classify(200, {}, payload.encode())
    assert data == {"enablePullRequestAutoMerge": None}
    assert [(e.type, e.path) for e in errors] == [("UNPROCESSABLE",
                                                   ("enablePullRequestAutoMerge",))]
