"""Help text shared by ``seed_real_projects --help`` and the README: environment, exit codes."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

DISTRIBUTION = "pr-seeding"

EPILOG = """\
environment:
  GITHUB_TOKEN, GITHUB_SEEDING_TOKENS   token, or tokens separated by commas/spaces/newlines
  GITHUB_GRAPHQL_URL                    endpoint (GitHub Enterprise: https://HOST/api/graphql)
  DATABASE_URL                          database (default: SQLite db.sqlite3 in the project)
  SEEDING_CACHE_DIR                     root of the logs (default: .seeding_cache in the project)
  SEEDING_PROJECTS_FILE                 your own projects (TOML), added to the registry
  SEEDING_HTTP_TIMEOUT                  seconds per request, connect to last byte (60)
  SEEDING_MAX_RESPONSE_BYTES            largest response read (100000000)
  SEEDING_MAX_CONCURRENT_PER_TOKEN      requests in flight per token (2)
  SEEDING_FSYNC                         always | never (always)
  SEEDING_ALLOW_INSECURE_HTTP           1: allow plain HTTP to another host (never for real tokens)

exit codes:
  0    every repository finished
  1    a repository did not finish, or PRs were quarantined (the summary says what to do)
  2    bad input or configuration (nothing was touched)
  130  interrupted by Ctrl-C, 143 by SIGTERM (everything committed is kept; run again)

Logs live under the cache directory, one per repository: CACHE/owner/name/. Inspect them with
`eventlog info`, `eventlog tail OWNER/NAME`, `eventlog verify`."""


def tool_version() -> str:
    """The installed distribution's version (``seed_real_projects --version``)."""
    try:
        return version(DISTRIBUTION)
    except PackageNotFoundError:
        return "unknown (not installed)"
