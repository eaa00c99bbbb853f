"""A fake GitHub GraphQL API for tests: strict schema validation, GitHub's pagination, node
and rate limits, realistic generated pull-request data, and fault injection.

Entry points: ``FakeGitHub`` (server), ``FaultPlan`` (faults), ``generate_dataset`` and the
dataset helpers, ``cost`` (GitHub's point-cost algorithm as pure functions).
"""

from .dataset import (
    add_commit,
    add_pr,
    add_review,
    generate_dataset,
    load_dataset,
    save_dataset,
    touch_pr,
)
from .faults import KINDS as FAULT_KINDS
from .faults import FaultPlan
from .server import FakeGitHub

__all__ = [
    "FAULT_KINDS",
    "FakeGitHub",
    "FaultPlan",
    "add_commit",
    "add_pr",
    "add_review",
    "generate_dataset",
    "load_dataset",
    "save_dataset",
    "touch_pr",
]
