"""The one base class of errors a maintainer or operator can cause and fix, worded for them.

A command that hits one prints `error: <message>` and exits with status 1 (`cli.main`), so
each command needs no handler of its own; the running bot catches them where it can go on.
"""

from __future__ import annotations


class UserFacingError(Exception):
    """The message says what is wrong and, where it can, what to do."""
