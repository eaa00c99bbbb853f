"""The fake's schema subset and served data agree with GitHub's real schema."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
    TypeInfo,
    TypeInfoVisitor,
    Visitor,
    parse,
    print_ast,
    validate,
    visit,
)

from tests.fakegithub import schema as schema_module
from tests.fakegithub.cursors import IndexCodec
from tests.fakegithub.dataset import generate_dataset
from tests.fakegithub.executor import execute_document
from tests.fakegithub.packing import unpack
from tests.fakegithub.queries import EVERYTHING
from tests.fakegithub.resolvers import REVIEW_CODEC, RequestContext
from tests.fakegithub.schema import real_schema_path, schema_at, subset_schema
from tests.fakegithub.server import FakeGitHub
from tests.fakegithub.store import Store
from tests.fakegithub.variants import VARIANTS

NOW = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
RECORDED = schema_module.REPO_ROOT.parent / "shared" / "github" / "recorded" / "extracted"
needs_real_schema = pytest.mark.skipif(real_schema_path() is None,
                                       reason="GitHub's schema file is not available")


@pytest.fixture(scope="module")
def real():
    return schema_at(real_schema_path())


def _arg_signature(arg) -> tuple[str, str | None]:
    default = arg.ast_node.default_value if arg.ast_node else None
    return str(arg.type), print_ast(default) if default else None


def _field_signature(field) -> tuple:
    return str(field.type), {name: _arg_signature(arg) for name, arg in field.args.items()}


def _type_problems(name: str, mine, theirs) -> list[str]:
    if theirs is None or type(mine) is not type(theirs):
        return [f"{name}: missing or of another kind in GitHub's schema"]
    if isinstance(mine, GraphQLEnumType):
        return [] if set(mine.values) == set(theirs.values) else [f"{name}: enum values differ"]
    if isinstance(mine, GraphQLScalarType):
        return []
    if isinstance(mine, GraphQLUnionType):
        same = {t.name for t in mine.types} == {t.name for t in theirs.types}
        return [] if same else [f"{name}: union members differ"]
    problems = []
    if isinstance(mine, (GraphQLObjectType, GraphQLInterfaceType)):
        extra = {i.name for i in mine.interfaces} - {i.name for i in theirs.interfaces}
        problems += [f"{name} implements {i} only in the subset" for i in sorted(extra)]
    for field_name, field in mine.fields.items():
        other = theirs.fields.get(field_name)
        if isinstance(mine, GraphQLInputObjectType):
            same = other is not None and _arg_signature(field) == _arg_signature(other)
        else:
            same = other is not None and _field_signature(field) == _field_signature(other)
        if not same:
            problems.append(f"{name}.{field_name} differs from GitHub's schema")
    return problems


@needs_real_schema
@pytest.mark.parametrize("variant", sorted(VARIANTS))
def test_subset_agrees_with_githubs_schema(variant):
    real = schema_at(real_schema_path(), variant)
    problems = []
    for name, mine in subset_schema(variant).type_map.items():
        if not name.startswith("__"):
            problems += _type_problems(name, mine, real.get_type(name))
    assert problems == []
    removed = {(t, f) for t, f in VARIANTS[variant]}
    assert all(f not in real.get_type(t).fields for t, f in removed)


def test_everything_query_selects_every_field_of_the_subset():
    schema = subset_schema()
    selected: set[tuple[str, str]] = set()
    type_info = TypeInfo(schema)

    class Collect(Visitor):
        def enter_field(self, node, *_):
            parent = type_info.get_parent_type()
            if parent is not None and not node.name.value.startswith("__"):
                selected.add((parent.name, node.name.value))

    visit(parse(EVERYTHING), TypeInfoVisitor(type_info, Collect()))
    for parent, field in list(selected):  # a field selected on an interface is served by all
        parent_type = schema.get_type(parent)
        if isinstance(parent_type, GraphQLInterfaceType):
            impls = schema.get_implementations(parent_type).objects
            selected.update((impl.name, field) for impl in impls)
    expected = {(t.name, f) for t in schema.type_map.values()
                if isinstance(t, (GraphQLObjectType, GraphQLInterfaceType))
                and not t.name.startswith("__") for f in t.fields}
    assert sorted(expected - selected) == []


@needs_real_schema
def test_served_data_is_valid_for_githubs_schema(real):
    """Executing against GitHub's schema (its nullability and enums) gives the same result."""
    dataset = generate_dataset({"acme/web": 60, "acme/api": 5}, seed=3, now=NOW, huge=1)
    document = parse(EVERYTHING.replace("(first: 3", "(first: 100")
                     .replace("(first: 5", "(first: 100").replace("(last: 2", "(last: 100"))
    assert validate(real, document) == []
    pr = dataset["repos"]["acme/web"]["pullRequests"][0]
    variables = {"owner": "acme", "name": "web", "first": 100, "number": pr["number"],
                 "id": pr["id"]}
    ctx = RequestContext(Store(dataset), {"cost": 1, "limit": 5000, "nodeCount": 1,
                                          "remaining": 4999, "resetAt": "2026-01-02T04:00:00Z",
                                          "used": 1},
                         {"__typename": "User", "id": "U_kgDOAQ", "login": "viewer",
                          "databaseId": 1, "name": None, "url": "https://github.com/viewer",
                          "avatarUrl": "https://avatars.githubusercontent.com/u/1?v=4"})
    served = execute_document(document, ctx, variables, schema=subset_schema())
    assert "errors" not in served
    assert execute_document(document, ctx, variables, schema=real) == served
    assert len(served["data"]["repository"]["pullRequests"]["nodes"]) == 60


def test_everything_query_over_http_has_no_errors():
    dataset = generate_dataset({"acme/web": 12}, seed=4, now=NOW, huge=1)
    pr = dataset["repos"]["acme/web"]["pullRequests"][-1]
    with FakeGitHub(dataset) as server:
        import requests

        variables = {"owner": "acme", "name": "web", "first": 12, "number": pr["number"],
                     "id": pr["id"]}
        response = requests.post(server.url, json={"query": EVERYTHING, "variables": variables},
                                 headers={"Authorization": "bearer t"}, timeout=10)
    body = response.json()
    assert "errors" not in body, body.get("errors")
    assert body["data"]["node"] == {"__typename": "PullRequest", "id": pr["id"],
                                    "number": pr["number"]}


def test_schema_source_order(monkeypatch, tmp_path):
    monkeypatch.setenv("GITHUB_SCHEMA_PATH", str(tmp_path / "custom.graphql"))
    assert schema_module.reference_schema_path() == tmp_path / "custom.graphql"
    monkeypatch.delenv("GITHUB_SCHEMA_PATH")
    monkeypatch.setattr(schema_module, "SHARED_SCHEMA_PATH", tmp_path / "absent.graphql")
    assert schema_module.reference_schema_path() == schema_module.SUBSET_PATH
    assert schema_module.real_schema_path() is None


@pytest.mark.skipif(not RECORDED.is_dir(), reason="recorded GitHub traffic is not available")
def test_cursor_and_id_formats_match_recorded_github_traffic():
    reviews = json.loads(Path(RECORDED / "mergestat-lite__TestPRReviews__0.json").read_text())
    review_page = reviews["response_body"]["data"]["repository"]["pullRequest"]["reviews"]
    cursor = review_page["pageInfo"]["endCursor"]
    assert REVIEW_CODEC.decode(cursor) == (unpack(base64.b64decode(cursor)[10:])[2],)
    commits = json.loads(Path(RECORDED / "mergestat-lite__TestPRCommits__0.json").read_text())
    commit_page = commits["response_body"]["data"]["repository"]["pullRequest"]["commits"]
    assert IndexCodec().decode(commit_page["pageInfo"]["endCursor"]) == (0,)
    pr_id = commits["response_body"]["data"]["repository"]["pullRequest"]["id"]
    prefix, _, payload = pr_id.partition("_")
    ours = generate_dataset({"o/r": 1}, seed=1, now=NOW, huge=0)["repos"]["o/r"]
    our_prefix, _, our_payload = ours["pullRequests"][0]["id"].partition("_")
    assert prefix == our_prefix == "PR"
    decode = lambda text: unpack(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))  # noqa: E731
    assert [type(v) for v in decode(payload)] == [type(v) for v in decode(our_payload)]
