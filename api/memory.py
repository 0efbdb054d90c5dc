"""Keep a server process's resident memory small (glibc's allocator; elsewhere nothing changes)."""

from __future__ import annotations

import ctypes
import ctypes.util

M_MMAP_THRESHOLD = -3  # glibc's mallopt parameters (malloc.h)
M_ARENA_MAX = -8


def tune_malloc(arenas: int = 2, mmap_threshold: int = 1 << 20) -> bool:
    """Cap glibc's malloc arenas and fix its mmap threshold; answers whether both were set.

    - Threads that allocate at the same time get arenas of their own (up to eight per core),
      and each keeps the memory freed in it: a server's thread pool (forty threads parsing and
      recording batches) held memory it no longer used. Two arenas serve one event loop and a
      pool that mostly waits on the database.
    - Blocks above the mmap threshold are mapped on their own and given back when freed. glibc
      raises the threshold to the size of each such block freed, so after the first login the
      19 MiB that an Argon2 verification needs came from the heap and stayed resident (21 MB
      more per process). A fixed threshold keeps large blocks mapped.
    """
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name)
        return bool(libc.mallopt(M_ARENA_MAX, arenas)) \
            and bool(libc.mallopt(M_MMAP_THRESHOLD, mmap_threshold))
    except (OSError, AttributeError):
        return False
