"""``printable`` and ``json_text``: nothing a terminal interprets ever gets through."""

from __future__ import annotations

import json
import random
import sys
import time

import pytest

from eventlog.text import ELLIPSIS, json_text, plural, printable

UNSAFE = ({chr(c) for c in range(0x20)} | {chr(c) for c in range(0x7F, 0xA0)}
          | {chr(c) for c in range(0x202A, 0x202F)} | {chr(c) for c in range(0x2066, 0x206A)}
          | {"\u2028", "\u2029"} | {chr(c) for c in range(0xD800, 0xE000)})
# Characters random strings are drawn from: every unsafe kind, plus ordinary and astral text.
POOL = sorted(UNSAFE) + list("abcxyz \\[]{}\"'é✓日本") + ["\U0001F600", "\u200e", "\ufeff"]


def random_text(rng: random.Random, size: int) -> str:
    return "".join(rng.choice(POOL) if rng.random() < 0.7 else chr(rng.randrange(0x110000))
                   for _ in range(size))


@pytest.mark.parametrize(("text", "expected"), [
    ("plain title ✓", "plain title ✓"),
    ("\x1b[2Jcleared", "\\x1b[2Jcleared"),
    ("line\nnext\ttab\r", "line\\nnext\\ttab\\r"),
    ("nul\x00del\x7f", "nul\\x00del\\x7f"),
    ("csi\x9b31m", "csi\\x9b31m"),
    ("lone \ud800 surrogate", "lone \\ud800 surrogate"),
    ("abc\u202edcba", "abc\\u202edcba"),
    ("iso\u2066late\u2069", "iso\\u2066late\\u2069"),
    ("sep\u2028arated", "sep\\u2028arated"),
    ("back\\slash kept", "back\\slash kept"),
    ("", ""),
])
def test_printable_escapes_exactly_what_a_terminal_would_interpret(text, expected):
    assert printable(text) == expected


def test_printable_output_never_holds_a_control_character_for_random_strings():
    rng = random.Random(19)
    for _ in range(3000):
        text = random_text(rng, rng.randrange(0, 40))
        shown = printable(text)
        assert not UNSAFE & set(shown), repr(text)
        shown.encode("utf-8")  # raises for a lone surrogate: none may be left
        if not UNSAFE & set(text):
            assert shown == text


def test_printable_with_a_limit_never_exceeds_it_nor_cuts_an_escape_in_half():
    rng = random.Random(23)
    for _ in range(3000):
        text = random_text(rng, rng.randrange(0, 60))
        limit = rng.randrange(1, 30)
        shown = printable(text, limit)
        assert len(shown) <= limit and not UNSAFE & set(shown)
        full = printable(text)
        if len(full) <= limit:
            assert shown == full
        else:  # whole escapes of a prefix of the text, then the ellipsis
            assert shown.endswith(ELLIPSIS)
            assert any(printable(text[:k]) == shown[:-1] for k in range(len(text) + 1))


@pytest.mark.parametrize(("text", "limit", "expected"), [
    ("abcdef", 6, "abcdef"),
    ("abcdefg", 6, "abcde…"),
    ("ab\x1bcd", 6, "ab…"),   # "ab\x1b" would be 6 characters, and nothing may follow
    ("ab\x1b", 6, "ab\\x1b"),
    ("x", 1, "x"),
    ("xy", 1, "…"),
])
def test_printable_cuts_to_the_limit_with_an_ellipsis(text, limit, expected):
    assert printable(text, limit) == expected


def test_printable_refuses_a_limit_below_one():
    with pytest.raises(ValueError, match="limit must be >= 1, got 0"):
        printable("x", 0)


def test_printable_returns_safe_text_as_is_and_is_fast_on_megabytes():
    text = "a safe title ✓ " * 70_000  # about a megabyte
    assert printable(text) is text
    started = time.perf_counter()
    for _ in range(20):
        printable(text)
    safe_rate = 20 * len(text) / (time.perf_counter() - started)
    nasty = "\x1b[31m" * 100_000
    started = time.perf_counter()
    assert printable(nasty).count("\\x1b") == 100_000
    nasty_rate = len(nasty) / (time.perf_counter() - started)
    assert safe_rate > 50_000_000 and nasty_rate > 2_000_000, (safe_rate, nasty_rate)
    assert len(printable(nasty, limit=80)) == 80


def test_json_text_is_exact_json_and_escapes_what_terminals_act_on():
    value = {"title": "a\u202eb\x9b\u2028c\x1b", "n": [1, 2.5, None], "ok": "é✓"}
    text = json_text(value)
    assert json.loads(text) == value
    assert not (UNSAFE - {"\n"}) & set(text) and "\n" not in text
    assert "é✓" in text  # ordinary text stays readable
    assert "\n" in json_text(value, indent=True) and json.loads(json_text(value, indent=True))


def test_json_text_renders_lone_surrogates_as_json_escapes():
    value = {"title": "broken \ud800 text", "other": "é"}
    text = json_text(value)
    assert text == '{"title":"broken \\ud800 text","other":"\\u00e9"}'
    assert json.loads(text) == value
    with pytest.raises(TypeError):
        json_text({"x": object()})


@pytest.mark.parametrize(("count", "expected"), [
    (0, "0 records"), (1, "1 record"), (2, "2 records"), (-1, "-1 records")])
def test_plural_agrees_with_the_count(count, expected):
    assert plural(count, "record") == expected
    assert plural(1, "entry", "entries") == "1 entry" and plural(3, "entry", "entries") == \
        "3 entries"


def test_the_module_is_importable_without_typer_or_rich():
    assert "eventlog.text" in sys.modules
