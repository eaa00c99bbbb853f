"""Response mutations used by fault injection (``corrupt_enum``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator

ENUM_KEYS = frozenset({"state", "status", "conclusion", "changeType"})


def enum_slots(value: object) -> Iterator[tuple[dict, str]]:
    """Every ``(container, key)`` in ``value`` that holds an enum-looking string."""
    if isinstance(value, dict):
        for key, item in value.items():
            if key in ENUM_KEYS and isinstance(item, str):
                yield value, key
            else:
                yield from enum_slots(item)
    elif isinstance(value, list):
        for item in value:
            yield from enum_slots(item)


def corrupt_enum(data: object, choose: Callable[[int], int], replacement: str) -> str | None:
    """Replace one enum value in ``data`` (picked by ``choose(n)``); return the key changed."""
    slots = list(enum_slots(data))
    if not slots:
        return None
    container, key = slots[choose(len(slots))]
    container[key] = replacement
    return key
