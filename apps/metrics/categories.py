"""Derive a changed file's category (frontend/backend/test/docs/config/other) from its path."""

from functools import lru_cache

TEST_DIRS = {"test", "tests", "spec", "specs", "__tests__", "e2e", "cypress", "testdata"}
DOCS_DIRS = {"docs", "doc", "documentation"}
DOCS_SUFFIXES = {".md", ".mdx", ".rst", ".adoc", ".txt"}
CONFIG_NAMES = {
    "dockerfile", "makefile", "procfile", "gemfile", "gemfile.lock", "package.json",
    "package-lock.json", "yarn.lock", "pnpm-lock.yaml", "pyproject.toml", "poetry.lock",
    "requirements.txt", "setup.cfg", "setup.py", "go.mod", "go.sum", "cargo.toml", "cargo.lock",
    ".gitignore", ".dockerignore", ".editorconfig", ".env.example", "tsconfig.json",
}
CONFIG_SUFFIXES = {".yml", ".yaml", ".toml", ".ini", ".cfg", ".conf", ".lock", ".env"}
CONFIG_DIRS = {".github", ".circleci", ".devcontainer", "config", "deploy", "infra", "terraform"}
FRONTEND_SUFFIXES = {
    ".js", ".jsx", ".ts", ".tsx", ".vue", ".svelte", ".css", ".scss", ".sass", ".less",
    ".html", ".htm", ".erb", ".hbs", ".svg", ".mjs", ".cjs",
}
BACKEND_SUFFIXES = {
    ".py", ".rb", ".go", ".rs", ".java", ".kt", ".scala", ".php", ".cs", ".ex", ".exs",
    ".sql", ".c", ".h", ".cc", ".cpp", ".hpp", ".swift", ".sh", ".rake", ".proto",
}


@lru_cache(maxsize=1 << 16)
def categorize_file(path: str) -> str:
    """Return the category of ``path``; tests and docs win over the language of the file."""
    parts = [part for part in path.lower().split("/") if part and part != "."]
    name = parts[-1] if parts else ""
    dirs = set(parts[:-1])
    dot = name.rfind(".")
    suffix = name[dot:] if 0 < dot < len(name) - 1 else ""  # as PurePosixPath.suffix
    if dirs & TEST_DIRS or _looks_like_test(name):
        return "test"
    if dirs & DOCS_DIRS or suffix in DOCS_SUFFIXES:
        return "docs"
    if name in CONFIG_NAMES or suffix in CONFIG_SUFFIXES or dirs & CONFIG_DIRS:
        return "config"
    if suffix in FRONTEND_SUFFIXES:
        return "frontend"
    if suffix in BACKEND_SUFFIXES:
        return "backend"
    return "other"


def _looks_like_test(name: str) -> bool:
    stem = name.split(".", 1)[0]
    return (
        stem.startswith("test_")
        or stem.endswith("_test")
        or stem.endswith("_spec")
        or ".test." in name
        or ".spec." in name
    )
