"""How the bot process keeps its resident memory small (README, "Speed and memory").

glibc's allocator keeps memory that was freed: one pool ("arena") per thread that ever
allocated, and the free pages of each. The bot runs a few threads (the event loop, store calls
in a thread pool) that each need little, so it asks for one arena, and hands free pages back to
the system after each knowledge build, which frees far more than it keeps. Elsewhere than on
glibc both do nothing.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os

# mallopt's parameter for the largest number of arenas (glibc's malloc.h).
_M_ARENA_MAX = -8


def _libc() -> ctypes.CDLL | None:
    with contextlib.suppress(OSError, TypeError):
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    return None


def one_arena() -> None:
    """One allocator arena for all threads; call before threads start. The operator's
    MALLOC_ARENA_MAX, if set, was read by glibc already and is not overridden here."""
    libc = _libc()
    if libc is not None and "MALLOC_ARENA_MAX" not in os.environ:
        with contextlib.suppress(AttributeError):
            libc.mallopt(_M_ARENA_MAX, 1)


def hand_back_freed() -> None:
    """Give the memory a build used for a moment back to the system (glibc keeps it
    otherwise: about 20 MB of the process's resident memory)."""
    libc = _libc()
    if libc is not None:
        with contextlib.suppress(AttributeError):
            libc.malloc_trim(0)
