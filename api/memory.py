"""Keep a server process's resident memory small (glibc's allocator; elsewhere nothing changes)."""

from __future__ import annotations

import ctypes
import ctypes.util

M_ARENA_MAX = -8  # glibc's mallopt parameter (malloc.h)


def tune_malloc(arenas: int = 2) -> bool:
    """Cap glibc's malloc arenas; answers whether the cap was set.

    Threads that allocate at the same time get arenas of their own (up to eight per core), and
    each keeps the memory freed in it: a server's thread pool (forty threads parsing and
    recording batches) held memory it no longer used. Two arenas serve one event loop and a
    pool that mostly waits on the database.

    The mmap threshold is left to glibc on purpose. Fixed at 1 MiB, it gave back the 19 MiB of
    each Argon2 verification (21 MB less resident after the first login), but every
    verification then faulted its 19 MiB in anew, and lot reads during a flood of wrong
    passwords went from p99 4 ms to 21-32 ms (`python -m benchmarks.flood`).
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        return bool(ctypes.CDLL(name).mallopt(M_ARENA_MAX, arenas))
    except (OSError, AttributeError):
        return False
