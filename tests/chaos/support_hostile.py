"""The hostile inputs of test_hostile.py (issue 11): the tokens and endpoints used, the setups
that tamper with a run (tokens, error texts, endpoints, malformed, slow and huge responses), and
the table of cases with the exit code and messages each must end with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

from tests.fakegithub import FakeGitHub

from .support import TOKEN, since_arg

NOW = datetime.now(UTC).replace(microsecond=0)
REPO = "hostile/web"
WINDOW = ["--repo", REPO, *since_arg(NOW.date() - timedelta(days=200))]
UPDATE = (*WINDOW, "--update", "--page-size", "1")
# Tokens of three users, shaped like real ones (split so scanners do not flag them).
TOKENS = tuple(f"ghp_Hostile{name}Secret" + "0" * 17 + str(i)
               for i, name in enumerate(("One", "Two", "Six"), 1))
# A token whose repr-escaped, URL-encoded and JSON forms all differ from it.
ODD = "ghp_Odd/Token+Needs=Escaping\\" + "x" * 12
ODD_FORMS = (ODD, repr(ODD)[1:-1], quote(ODD, safe=""))
USERINFO_PASSWORD = "Userinfo" + "Password" + "5ecret"
INVALID_HOST = "seeding-chaos.invalid"  # never resolves: nothing leaves the machine
OSC_52 = "\x1b]52;c;cm0gLXJmIH4K\x07"    # write "rm -rf ~" to the clipboard
CLEAR = "\x1b[2J\x1b[H"
HOSTILE_MESSAGE = f"{CLEAR}{OSC_52}\x9b31m\u202etxt.exe\u202c\x1b[0m"


@dataclass
class Context:
    gh: FakeGitHub
    env: dict[str, str]
    secrets: set[str]
    args: list[str] = field(default_factory=lambda: list(UPDATE))


@dataclass(frozen=True)
class Case:
    setup: Callable[[Context], None]
    expected: tuple[str, ...]
    code: int
    recorded: str | None = None    # the pass status a failure against GitHub records
    requests: bool = True          # whether the run may send any request


def refused(setup, *expected: str) -> Case:
    """A configuration error: exit 2, before any request and any write."""
    return Case(setup, expected, 2, requests=False)


def failed(setup, *expected: str) -> Case:
    """A failure against GitHub: exit 1, recorded in the log as a failed pass."""
    return Case(setup, expected, 1, recorded="failed")


# -- tokens ---------------------------------------------------------------------------------------


def spoiled(token: str, char: str) -> str:
    return token[:12] + char + token[12:]


def tokens_env(second: str) -> Callable[[Context], None]:
    """Three tokens one per line, the second holding ``second`` inside."""
    def setup(ctx: Context) -> None:
        bad = spoiled(TOKENS[1], second)
        ctx.secrets |= {bad, *bad.split(second)}
        ctx.env["GITHUB_SEEDING_TOKENS"] = "\n".join((TOKENS[0], bad, TOKENS[2]))
    return setup


def token_option(ctx: Context) -> None:
    bad = spoiled(TOKENS[1], "\u200b")
    ctx.secrets |= {bad, *bad.split("\u200b")}
    ctx.args += ["--github-token", ",".join((TOKENS[0], bad, TOKENS[2]))]


def non_latin1_token(ctx: Context) -> None:
    bad = spoiled(TOKEN, "\u2603")
    ctx.secrets |= {bad, *bad.split("\u2603")}
    ctx.env["GITHUB_TOKEN"] = bad


# -- error texts ----------------------------------------------------------------------------------


def graphql_errors(message: str, kind: str) -> dict:
    return {"data": None, "errors": [{"type": kind, "message": message}]}


def echo_token(ctx: Context) -> None:
    """GitHub quotes the token back in every form in a final error."""
    ctx.env["GITHUB_TOKEN"] = ODD
    ctx.secrets |= set(ODD_FORMS)
    text = "token " + " / ".join(ODD_FORMS) + " may not read this"
    ctx.gh.faults.tamper_next(lambda body: graphql_errors(text, "FORBIDDEN"))


def echo_token_then_fail(ctx: Context) -> None:
    """A retried error quoting the token (its wait is printed: backoff >= 1 s), then a final
    one quoting it too."""
    ctx.env.update(GITHUB_TOKEN=ODD, SEEDING_BACKOFF_BASE="2")
    ctx.secrets |= set(ODD_FORMS)
    text = "internal error for token " + " ".join(ODD_FORMS)
    ctx.gh.faults.tamper_next(lambda body: graphql_errors(text, "INTERNAL"))
    ctx.gh.faults.tamper_next(lambda body: graphql_errors(f"no access for {ODD}", "FORBIDDEN"))


def hostile_error(status: int) -> Callable[[Context], None]:
    def setup(ctx: Context) -> None:
        ctx.gh.faults.set_hostile_error(status, 2 * 1024 * 1024)
        ctx.gh.faults.fail_next(100, "hostile_error")
    return setup


def hostile_final_error(ctx: Context) -> None:
    ctx.gh.faults.tamper_next(lambda body: graphql_errors(HOSTILE_MESSAGE, "FORBIDDEN"))


# -- endpoints ------------------------------------------------------------------------------------


def endpoint(url: str, **extra: str) -> Callable[[Context], None]:
    def setup(ctx: Context) -> None:
        ctx.env["GITHUB_GRAPHQL_URL"] = url.replace("{server}", ctx.gh.url.rsplit("/", 1)[0])
        ctx.env.update(extra)
    return setup


def userinfo(ctx: Context) -> None:
    ctx.secrets.add(USERINFO_PASSWORD)
    server = ctx.gh.url.removeprefix("http://")
    ctx.env["GITHUB_GRAPHQL_URL"] = f"http://octocat:{USERINFO_PASSWORD}@{server}"


# -- malformed responses --------------------------------------------------------------------------


def tamper_page(change: Callable[[dict], object]) -> Callable[[Context], None]:
    """Rewrite every page of PRs the server sends (retries included) with ``change``."""
    def rewrite(body: dict):
        repo = ((body.get("data") or {}).get("repository") or {})
        if isinstance(repo.get("pullRequests"), dict) and repo["pullRequests"].get("edges"):
            change(body["data"])
        return None

    def setup(ctx: Context) -> None:
        ctx.gh.faults.tamper_next(rewrite, n=1000)
    return setup


def first_pr(data: dict) -> dict:
    return data["repository"]["pullRequests"]["edges"][0]["node"]


def transport(kind: str, **env: str) -> Callable[[Context], None]:
    def setup(ctx: Context) -> None:
        ctx.env.update(env)
        ctx.gh.faults.set_drip(0.5)
        ctx.gh.faults.fail_next(100, kind)
    return setup


PR_PATH = "repository.pullRequests.edges.0.node"

CASES = {
    # tokens
    "zero-width space in token 2 of 3": refused(
        tokens_env("\u200b"), "token 2 of 3 contains a non-ASCII character (U+200B"),
    "carriage return inside token 2 of 3": refused(
        tokens_env("\r"), "token 2 of 3 contains a control character (U+000D"),
    "U+00E9 in token 2 of 3": refused(
        tokens_env("\u00e9"), "token 2 of 3 contains a non-ASCII character (U+00E9"),
    "escape character in token 2 of 3": refused(
        tokens_env("\x1b"), "token 2 of 3 contains a control character (U+001B"),
    "information separator in token 2 of 3": refused(
        tokens_env("\x1f"), "token 2 of 3 contains a control character (U+001F"),
    "no-break space between token 2's halves": refused(
        tokens_env("\u00a0"), "token 2 of 3 contains a non-ASCII character (U+00A0"),
    "--github-token with a zero-width space in token 2 of 3": refused(
        token_option, "token 2 of 3 contains a non-ASCII character (U+200B"),
    "non-Latin-1 token never reaches requests": refused(
        non_latin1_token, "token 1 of 1 contains a non-ASCII character (U+2603"),
    # error texts
    "GitHub quotes the token raw, repr-escaped and URL-encoded": failed(
        echo_token, "GitHub GraphQL error: token *** / *** / *** may not read this"),
    "a retried error quoting the token": failed(
        echo_token_then_fail, "s (GitHub GraphQL error: internal error for token *** *** ***)",
        "GitHub GraphQL error: no access for ***"),
    "a 2 MiB error message with escapes at 502": failed(
        hostile_error(502), "GitHub returned HTTP 502", "more characters)", "gave up after 6"),
    "a 2 MiB error message with escapes at 200": failed(
        hostile_error(200), "GitHub GraphQL error", "more characters)", "gave up after 6"),
    "an error message with OSC 52 and clear-screen": failed(
        hostile_final_error, "\\x1b]52;c;cm0gLXJmIH4K\\x07", "\\u202etxt.exe"),
    # endpoints
    "credentials in the endpoint's userinfo": refused(
        userinfo, "must not hold credentials", "http://***@127.0.0.1:"),
    "plain HTTP to a .invalid host": refused(
        endpoint(f"http://{INVALID_HOST}/graphql"),
        f"refusing to send a token over plain HTTP to {INVALID_HOST}"),
    "plain HTTP to a .invalid host, explicitly allowed": failed(
        endpoint(f"http://{INVALID_HOST}/graphql", SEEDING_ALLOW_INSECURE_HTTP="1"),
        f"no response from http://{INVALID_HOST}/graphql", "gave up after 6"),
    "ftp:// endpoint": refused(endpoint("ftp://{server}/graphql".replace("http://", "")),
                               "is not an http(s) URL"),
    "file:// endpoint with a host": refused(endpoint("file://localhost/etc/passwd"),
                                            "is not an http(s) URL"),
    "endpoint with an unclosed IPv6 bracket": refused(endpoint("https://[::1/graphql"),
                                                       "malformed GraphQL endpoint"),
    "endpoint without a host": refused(endpoint("https:///graphql"), "is not an http(s) URL"),
    "endpoint port out of range": refused(endpoint("http://127.0.0.1:70000/graphql"),
                                          "(port out of range 1-65535)"),
    "endpoint port 0": refused(endpoint("http://127.0.0.1:0/graphql"),
                               "(port out of range 1-65535)"),
    "endpoint holding an escape sequence": refused(
        endpoint("{server}/graphql" + CLEAR), "/graphql\\x1b[2J\\x1b[H' (a control or non-ASCII "
        "character: U+001B)"),
    # malformed responses
    "malformed: repository: {}": failed(
        tamper_page(lambda d: d.update(repository={})), "data.repository.pullRequests"),
    "malformed: pullRequests: null": failed(
        tamper_page(lambda d: d["repository"].update(pullRequests=None)),
        "data.repository.pullRequests"),
    "malformed: a PR without number": failed(
        tamper_page(lambda d: first_pr(d).pop("number")), f"{PR_PATH}.number"),
    "malformed: createdAt: yesterday": failed(
        tamper_page(lambda d: first_pr(d).update(createdAt="yesterday")), f"{PR_PATH}.createdAt"),
    "malformed: a commit that is a list": failed(
        tamper_page(lambda d: first_pr(d)["commits"]["nodes"][0].update(commit=[])),
        f"{PR_PATH}.commits.nodes[0].commit"),
    "malformed: a review that is a string": failed(
        tamper_page(lambda d: first_pr(d)["reviews"].update(nodes=["LGTM"])),
        f"{PR_PATH}.reviews.nodes[0]"),
    "malformed: a PR that is a number": failed(
        tamper_page(lambda d: d["repository"]["pullRequests"]["edges"][0].update(node=7)),
        PR_PATH),
    "malformed: pageInfo that is a string": failed(
        tamper_page(lambda d: d["repository"]["pullRequests"].update(pageInfo="next")),
        "data.repository.pullRequests.pageInfo"),
    "malformed: repository that is a list": failed(
        tamper_page(lambda d: d.update(repository=[])), "data.repository"),
    # time and size
    "a body dripping one byte at a time": failed(
        transport("slow_drip", SEEDING_HTTP_TIMEOUT="2"), "within 2 s (SEEDING_HTTP_TIMEOUT)",
        "gave up after 6"),
    "an endless body": failed(
        transport("huge_body", SEEDING_MAX_RESPONSE_BYTES="1000000"),
        "passed the maximum size of 1,000,000 bytes (SEEDING_MAX_RESPONSE_BYTES)",
        "gave up after 6"),
}
