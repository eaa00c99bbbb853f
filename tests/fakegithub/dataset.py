"""Deterministic, realistic datasets of pull requests, shaped like GitHub's GraphQL objects.

``generate_dataset({"acme/web": 300}, seed=1, now=datetime(2026, 1, 2))`` returns::

    {"repos": {"acme/web": {"databaseId": int, "pullRequests": [PR, ...]}}}

Each PR is a *dataset-form* dict: GitHub's camelCase fields, with connections as plain lists
(``commits: [PullRequestCommit]``, ``files``, ``reviews``...) and CI on the head commit
(``checkSuites``, legacy ``status``). ``served_pull_request`` turns one into exactly what the
server answers (connections with ``nodes``, ``edges``, ``pageInfo``, ``totalCount``).

One generator serves every use: ``iter_pull_requests`` streams a repository's PRs one at a
time in constant memory (each PR from its own seeded RNG, so any PR can be regenerated
alone); ``generate_dataset`` collects them per repository; ``make_pull_request`` builds one
PR with exact child counts. Helpers that change a dataset the way GitHub would live in
``edits``, ``ci_edits``, ``sharing`` and ``hostile`` and are re-exported here.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from . import sizes as size_profiles
from .ci_edits import finish_checks, start_checks
from .edits import (
    add_commit,
    add_pr,
    add_review,
    delete_pr,
    make_files_unavailable,
    rename_repo,
    touch_pr,
)
from .hostile import make_hostile
from .ids import stable_int
from .jsontext import dumps
from .prgen import RepoContext, build_pr, default_ci, repo_context, repo_database_id
from .serve_one import served_pull_request
from .sharing import merge_back, plant_sharing, share_head, stack_prs
from .sizes import Sizes

__all__ = ["add_commit", "add_pr", "add_review", "delete_pr", "finish_checks",
           "generate_dataset", "iter_pull_requests", "iter_served_pull_requests",
           "load_dataset", "make_files_unavailable", "make_hostile", "make_pull_request",
           "merge_back", "rename_repo", "repo_database_id", "save_dataset",
           "served_pull_request", "share_head", "stack_prs", "start_checks", "touch_pr"]

DEFAULT_NOW = datetime(2026, 1, 2, tzinfo=UTC)
CiOption = str | Mapping[str, str] | None


def iter_pull_requests(repo: str, n: int, *, seed: int, now: datetime,
                       profile: str = "typical", days: int = 365, huge: int = 0,
                       huge_files: int = 0, ci: str | None = None, check_runs: bool = True,
                       statuses: bool = True, nulls: bool = True, database_id: int | None = None,
                       id_base: int = 0) -> Iterator[dict]:
    """Yield the ``n`` PRs of ``repo`` (dataset form, ascending number and creation time).

    ``profile``: ``typical`` or ``heavy`` (see ``sizes``). ``huge`` PRs need nested
    pagination everywhere; ``huge_files`` PRs change more than 3000 files (``files: null``).
    ``ci``: ``checks``, ``statuses``, ``both`` or ``none`` (default: drawn per repository);
    ``check_runs``/``statuses=False`` remove that kind. ``nulls=False`` turns off the random
    nulls the schema allows. ``id_base`` is the ordinal of the first PR in the dataset: give
    repositories disjoint ranges to keep database ids unique (``generate_dataset`` does).
    """
    ctx = repo_context(repo, n, seed=seed, now=now, days=days, database_id=database_id,
                       id_base=id_base, ci=_ci_style(repo, seed, ci, check_runs, statuses),
                       nulls=nulls)
    special = random.Random(stable_int(seed, repo, "huge", bits=64)).sample(
        range(n), min(n, huge + huge_files))
    huge_set, files_set = set(special[:huge]), set(special[huge:])
    for index in range(n):
        yield pull_request_at(ctx, index, profile, huge=index in huge_set,
                              huge_files=index in files_set)


def iter_served_pull_requests(repo: str, n: int, *, seed: int, now: datetime,
                              selection: str | None = None, **options: object) -> Iterator[dict]:
    """``iter_pull_requests`` (same ``options``) yielding each PR as the server serves it
    (``served_pull_request``: every connection complete) for ``selection`` (default: every
    PR field). Constant memory."""
    database_id = options.pop("database_id", None) or repo_database_id(seed, repo)
    for pr in iter_pull_requests(repo, n, seed=seed, now=now, database_id=database_id,
                                 **options):
        yield served_pull_request(pr, repo=repo, database_id=database_id, selection=selection)


def _ci_style(repo: str, seed: int, ci: str | None, check_runs: bool, statuses: bool) -> str:
    style = ci or default_ci(seed, repo)
    checks = style in ("checks", "both") and check_runs
    posts = style in ("statuses", "both") and statuses
    return {(True, True): "both", (True, False): "checks", (False, True): "statuses",
            (False, False): "none"}[(checks, posts)]


def pull_request_at(ctx: RepoContext, index: int, profile: str = "typical", *,
                    huge: bool = False, huge_files: bool = False) -> dict:
    """PR ``index`` of the repository described by ``ctx`` (regenerable alone)."""
    rng = random.Random(stable_int(ctx.seed, ctx.key, index, "sizes", bits=64))
    sizes = size_profiles.huge(rng) if huge else size_profiles.draw(profile, rng)
    if huge_files:
        sizes = size_profiles.huge_files(rng, sizes)
    return build_pr(ctx, index, sizes, prolific=huge)


def generate_dataset(
    repos: dict[str, int],
    *,
    seed: int,
    now: datetime,
    days: int = 365,
    huge: int = 1,
    check_runs: bool = True,
    profile: str = "typical",
    huge_files: int = 0,
    statuses: bool = True,
    nulls: bool = True,
    shared: int = 0,
    ci: CiOption = None,
) -> dict:
    """A dataset with ``repos[key]`` pull requests per repository, deterministic for ``seed``.

    PR activity is spread over the ``days`` before ``now`` (denser recently). ``huge`` and
    ``huge_files`` PRs per repository, ``profile``, ``check_runs``, ``statuses``, ``nulls``
    and ``ci`` (one style, or ``{repo: style}``) as in ``iter_pull_requests``. ``shared``:
    per repository, that many stacked pairs, same-head pairs and merge-back PRs
    (``sharing.plant_sharing``).
    """
    dataset: dict = {"repos": {}}
    id_base, used_ids = 0, set()
    for key, n in repos.items():
        database_id = repo_database_id(seed, key)
        while database_id in used_ids:
            database_id += 1
        used_ids.add(database_id)
        style = ci.get(key) if isinstance(ci, Mapping) else ci
        prs = iter_pull_requests(key, n, seed=seed, now=now, profile=profile, days=days,
                                 huge=huge, huge_files=huge_files, ci=style,
                                 check_runs=check_runs, statuses=statuses, nulls=nulls,
                                 database_id=database_id, id_base=id_base)
        dataset["repos"][key] = {"databaseId": database_id, "pullRequests": list(prs)}
        id_base += n
    for key in repos if shared else ():
        plant_sharing(dataset, key, shared, seed)
    return dataset


def make_pull_request(number: int = 1, *, repo: str = "acme/web", seed: int = 0,
                      now: datetime = DEFAULT_NOW, state: str | None = None, reviews: int = 2,
                      commits: int = 3, files: int = 4, runs: int | list[int] = 5,
                      statuses: int = 1, labels: int = 1, days: int = 30, nulls: bool = False,
                      **overrides: object) -> dict:
    """One PR with exactly these child counts, from the same generator as datasets.

    ``runs``: check runs of one suite, or a list (one entry per suite). ``state`` forces
    ``OPEN``/``CLOSED``/``MERGED`` with consistent timestamps. ``nulls=False`` (the default)
    keeps every connection and the author present. ``overrides`` replace top-level fields
    last (e.g. ``title="x"``). Ids derive from ``number``, so PRs of one repository built
    with different numbers never share ids.
    """
    run_list = list(runs) if isinstance(runs, list) else ([runs] if runs else [])
    sizes = Sizes(files=files, commits=commits, reviews=reviews, runs=run_list,
                  statuses=statuses, labels=labels, nullable=False)
    ctx = repo_context(repo, number, seed=seed, now=now, days=days, ci="both", nulls=nulls)
    pr = build_pr(ctx, number - 1, sizes, state=state, number=number)
    pr.update(overrides)
    return pr


# --- files ------------------------------------------------------------------------------------


def save_dataset(dataset: dict, path: str | Path) -> None:
    """Write ``dataset`` as UTF-8 JSON (lone surrogates as ``\\udXXX`` escapes)."""
    Path(path).write_text(dumps(dataset, indent=1), encoding="utf-8")


def load_dataset(path: str | Path) -> dict:
    """Read a dataset written by ``save_dataset``; ``ValueError`` if it is not one."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(data, dict) or not isinstance(data.get("repos"), dict):
        raise ValueError(f"{path}: not a fake GitHub dataset (expected a 'repos' object)")
    return data
