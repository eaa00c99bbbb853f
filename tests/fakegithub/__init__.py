"""A fake GitHub GraphQL API for tests: strict schema validation, GitHub's pagination, node
and rate limits, realistic generated pull-request data, and fault injection.

Entry points: ``FakeGitHub`` (server), ``FaultPlan`` (faults), ``generate_dataset`` /
``iter_pull_requests`` / ``make_pull_request`` (data), the dataset edit helpers, and ``cost``
(GitHub's point-cost algorithm as pure functions). See README.md.
"""

from .dataset import (
    add_commit,
    add_pr,
    add_review,
    delete_pr,
    finish_checks,
    generate_dataset,
    iter_pull_requests,
    iter_served_pull_requests,
    load_dataset,
    make_files_unavailable,
    make_hostile,
    make_pull_request,
    merge_back,
    rename_repo,
    save_dataset,
    served_pull_request,
    share_head,
    stack_prs,
    start_checks,
    touch_pr,
)
from .faults import KINDS as FAULT_KINDS
from .faults import FaultPlan
from .server import FakeGitHub
from .timing import ResponseTime

__all__ = [
    "FAULT_KINDS",
    "FakeGitHub",
    "FaultPlan",
    "ResponseTime",
    "add_commit",
    "add_pr",
    "add_review",
    "delete_pr",
    "finish_checks",
    "generate_dataset",
    "iter_pull_requests",
    "iter_served_pull_requests",
    "load_dataset",
    "make_files_unavailable",
    "make_hostile",
    "make_pull_request",
    "merge_back",
    "rename_repo",
    "save_dataset",
    "served_pull_request",
    "share_head",
    "stack_prs",
    "start_checks",
    "touch_pr",
]
