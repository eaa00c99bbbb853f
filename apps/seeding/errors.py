"""Errors of the seeding package that end a command before any work: the command turns them
into a one-line message and exit code 2 (bad input) or 1."""

from __future__ import annotations


class SeedingError(Exception):
    """Base of the seeding package's own errors."""

    exit_code = 1


class UsageError(SeedingError):
    """The options cannot be honoured as given (conflicting, out of range, unknown project)."""

    exit_code = 2


class RegistryError(UsageError):
    """A projects file cannot be read or is not valid."""
