"""Repository names are case-insensitive, and an alias keeps a renamed repository on one log."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from eventlog import (
    AliasError,
    EventLog,
    InvalidRepoNameError,
    add_alias,
    list_repos,
    load_aliases,
    remove_alias,
    repo_dir,
)
from eventlog.cli import main

from .support import read_all, write_batches


def test_a_new_log_goes_to_the_lower_cased_path_whatever_the_spelling(cache_dir):
    for spelling in ("Acme/Web", "acme/web", "ACME/WEB", " acme/Web\n"):
        assert repo_dir(cache_dir, spelling) == cache_dir / "acme" / "web"
    write_batches(repo_dir(cache_dir, "Acme/Web"), [1])
    assert os.listdir(cache_dir) == ["acme"] and list_repos(cache_dir) == ["acme/web"]
    assert len(read_all(repo_dir(cache_dir, "ACME/web"))) == 2


def test_a_log_written_by_an_earlier_version_under_mixed_case_keeps_working(cache_dir):
    legacy = cache_dir / "Acme" / "Web"
    write_batches(legacy, [2])
    for spelling in ("Acme/Web", "acme/web", "ACME/wEB"):
        assert repo_dir(cache_dir, spelling) == legacy
    assert list_repos(cache_dir) == ["Acme/Web"]


def test_two_directories_differing_only_in_case_resolve_alike_and_list_once(cache_dir):
    write_batches(cache_dir / "Acme" / "Web", [1])
    write_batches(cache_dir / "acme" / "web", [2])
    write_batches(cache_dir / "ACME" / "Other", [1])
    resolved = {repo_dir(cache_dir, s) for s in ("Acme/Web", "acme/web", "ACME/WEB")}
    assert resolved == {cache_dir / "acme" / "web"}  # the lower-cased spelling first
    assert list_repos(cache_dir) == ["ACME/Other", "acme/web"]  # sorted ignoring case


def test_a_directory_without_a_log_is_used_for_any_spelling(cache_dir):
    (cache_dir / "Acme" / "Web").mkdir(parents=True)  # e.g. left by discard: lock file only
    assert repo_dir(cache_dir, "acme/web") == cache_dir / "Acme" / "Web"
    assert list_repos(cache_dir) == []


def test_names_are_still_validated_before_any_lookup(cache_dir):
    with pytest.raises(InvalidRepoNameError, match="invalid repository '../etc'"):
        repo_dir(cache_dir, "../etc")


def test_an_alias_makes_a_renamed_repository_keep_its_log(capsys, cache_dir):
    write_batches(cache_dir / "acme" / "web", [2])
    add_alias(cache_dir, "Acme/New-Web", "acme/web")
    assert load_aliases(cache_dir) == {"acme/new-web": "acme/web"}
    assert repo_dir(cache_dir, "acme/new-web") == cache_dir / "acme" / "web"
    assert list_repos(cache_dir) == ["acme/web"]
    assert main(["info", "ACME/new-web", "--json", "--cache-dir", str(cache_dir)]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["ACME/new-web"]["path"] == str(cache_dir / "acme" / "web")


def test_an_alias_is_followed_only_when_no_log_exists_under_the_alias_name(cache_dir):
    add_alias(cache_dir, "acme/new-web", "acme/web")
    write_batches(cache_dir / "acme" / "new-web", [1])
    assert repo_dir(cache_dir, "acme/new-web") == cache_dir / "acme" / "new-web"
    assert repo_dir(cache_dir, "acme/elsewhere") == cache_dir / "acme" / "elsewhere"


def test_aliases_chain_and_resolve_case_insensitively(cache_dir):
    write_batches(cache_dir / "Acme" / "Web", [1])
    add_alias(cache_dir, "acme/a", "acme/b")
    add_alias(cache_dir, "acme/b", "ACME/WEB")
    assert repo_dir(cache_dir, "Acme/A") == cache_dir / "Acme" / "Web"
    assert repo_dir(cache_dir, "acme/c") == cache_dir / "acme" / "c"


@pytest.mark.parametrize(("aliases", "alias", "target", "message"), [
    ([], "acme/web", "ACME/Web", "cannot make acme/web an alias of itself"),
    ([("acme/b", "acme/a")], "acme/a", "acme/b",
     "making acme/a an alias of acme/b would close a cycle of aliases"),
    ([("acme/b", "acme/c"), ("acme/c", "acme/a")], "acme/a", "acme/b",
     "making acme/a an alias of acme/b would close a cycle of aliases"),
])
def test_an_alias_to_itself_or_closing_a_cycle_is_refused(cache_dir, aliases, alias, target,
                                                         message):
    for a, t in aliases:
        add_alias(cache_dir, a, t)
    before = load_aliases(cache_dir)
    with pytest.raises(AliasError) as info:
        add_alias(cache_dir, alias, target)
    assert str(info.value) == message
    assert load_aliases(cache_dir) == before


def test_an_alias_can_be_replaced_and_removed(cache_dir):
    add_alias(cache_dir, "acme/old", "acme/web")
    add_alias(cache_dir, "acme/old", "acme/api")
    assert load_aliases(cache_dir) == {"acme/old": "acme/api"}
    assert remove_alias(cache_dir, "ACME/old") is True
    assert remove_alias(cache_dir, "acme/old") is False
    assert load_aliases(cache_dir) == {}
    assert remove_alias(cache_dir / "missing", "acme/old") is False


def test_the_alias_index_is_a_small_json_file_replaced_atomically(cache_dir):
    add_alias(cache_dir, "acme/old", "acme/web")
    assert json.loads((cache_dir / "aliases.json").read_text()) == {
        "format": 1, "aliases": {"acme/old": "acme/web"}}
    assert sorted(os.listdir(cache_dir)) == ["aliases.json"]  # no temp file left


@pytest.mark.parametrize("content", [b"{", b'{"format": 2, "aliases": {}}', b"[]",
                                     b'{"format": 1, "aliases": {"a/b": 3}}'])
def test_a_damaged_alias_index_is_an_error_naming_the_file(cache_dir, content):
    (cache_dir / "aliases.json").write_bytes(content)
    with pytest.raises(AliasError, match=f"alias index {cache_dir / 'aliases.json'} is damaged"):
        repo_dir(cache_dir, "acme/web")


ADD_MANY = """
import sys
from eventlog import add_alias
for i in range(15):
    add_alias(sys.argv[1], f"p{sys.argv[2]}/r{i}", "acme/web")
"""


def test_concurrent_alias_additions_never_lose_one_another(cache_dir):
    procs = [subprocess.Popen([sys.executable, "-c", ADD_MANY, str(cache_dir), str(n)])
             for n in range(6)]
    assert [p.wait(timeout=60) for p in procs] == [0] * 6
    assert len(load_aliases(cache_dir)) == 90


def test_list_repos_skips_links_and_lists_each_log_once(cache_dir, tmp_path):
    write_batches(tmp_path / "outside" / "repo", [1])
    (cache_dir / "linked").symlink_to(tmp_path / "outside")
    write_batches(cache_dir / "octo" / "repo", [1])
    assert list_repos(cache_dir) == ["octo/repo"]
    assert EventLog(repo_dir(cache_dir, "Octo/Repo")).exists()
