"""Keep decrypted data out of core files and debuggers, and scrub what a lock left in memory.

While a vault is open the process holds every case in the clear. `guard_process()` makes it
non-dumpable on Linux (`prctl(PR_SET_DUMPABLE, 0)`: no core file, and other processes of the
same user can no longer attach a debugger or read `/proc/<pid>/mem`) and sets the core-file
size limit to zero everywhere else that has `resource`.

The guard is never lifted, not even after a lock. Python cannot promise that freed memory
holds no copy of a decrypted string (see `scrub_freed_memory`), so a process that once held
a vault stays non-dumpable until it exits; the only cost is that a developer cannot attach a
debugger to a running app, which is what the guard is for.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import functools
import gc
import sys

__all__ = [
    "guard_process",
    "is_dumpable",
    "prepare_allocator",
    "scrub_freed_memory",
    "scrub_thread_cache",
]

_PR_GET_DUMPABLE = 3
_PR_SET_DUMPABLE = 4
_guarded = False


@functools.cache
def _libc() -> ctypes.CDLL | None:
    """The C library, found once: `find_library` runs `ldconfig` in a subprocess each time
    (three times an unlock, each a fork and an exec on a busy machine)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


_M_MMAP_THRESHOLD = -3
_M_ARENA_MAX = -8
_MMAP_THRESHOLD = 32 * 1024


def prepare_allocator() -> None:
    """Make glibc's heap scrubbable; call before any thread decrypts anything.

    One malloc arena for every thread (so a scrub from the main thread reaches what a worker
    thread freed), and blocks of 32 KiB or more from their own mappings, which go back to
    the kernel (and come back zeroed) the moment they are freed.
    """
    libc = _libc()
    if libc is None:
        return
    try:
        libc.mallopt(_M_ARENA_MAX, 1)
        libc.mallopt(_M_MMAP_THRESHOLD, _MMAP_THRESHOLD)
    except AttributeError:  # not glibc
        pass


def guard_process() -> bool:
    """No core files and no debugger attach from here on; True when the prctl took effect."""
    global _guarded
    prepare_allocator()
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):
        pass
    libc = _libc()
    if libc is None:
        return False
    if libc.prctl(_PR_SET_DUMPABLE, 0, 0, 0, 0) != 0:
        return False
    _guarded = True
    return True


def is_dumpable() -> bool | None:
    """Whether the kernel would write a core file or allow a same-user attach (None: unknown)."""
    libc = _libc()
    if libc is None:
        return None
    result = libc.prctl(_PR_GET_DUMPABLE, 0, 0, 0, 0)
    return None if result < 0 else bool(result)


class _MallInfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def _take_thread_cache(libc: ctypes.CDLL) -> list[int]:
    """This thread's cache of small free chunks (tcache, 7 per size up to 1 KiB), zeroed.

    calloc never looks in it, so the chunks are taken with malloc and zeroed by hand; the
    caller frees them (back into the cache, zeroed).
    """
    libc.malloc.restype = ctypes.c_void_p
    libc.malloc.argtypes = [ctypes.c_size_t]
    taken = []
    for size in range(24, 1033, 16):
        for _ in range(8):
            pointer = libc.malloc(size)
            if pointer:
                ctypes.memset(pointer, 0, size)
                taken.append(pointer)
    return taken


def scrub_thread_cache() -> None:
    """Zero what this thread freed into its own malloc cache (run it where the KDF ran)."""
    libc = _libc()
    if libc is None:
        return
    try:
        libc.free.argtypes = [ctypes.c_void_p]
        for pointer in _take_thread_cache(libc):
            libc.free(pointer)
    except AttributeError:
        pass


def _zero_free_heap(libc: ctypes.CDLL) -> None:
    """Take every free byte of the C heap with calloc (which zeroes it), then give it back."""
    try:
        mallinfo2 = libc.mallinfo2
    except AttributeError:  # glibc before 2.33, or not glibc
        return
    mallinfo2.restype = _MallInfo2
    libc.calloc.restype = ctypes.c_void_p
    libc.calloc.argtypes = [ctypes.c_size_t, ctypes.c_size_t]
    libc.free.argtypes = [ctypes.c_void_p]
    taken: list[int] = []
    try:
        taken.extend(_take_thread_cache(libc))
        for size in (16384, 2048, 256, 32):
            free = mallinfo2().fordblks
            while free >= size * 2 and len(taken) < 2_000_000:
                pointer = libc.calloc(1, size - 16)
                if not pointer:
                    break
                taken.append(pointer)
                now = mallinfo2().fordblks
                if now >= free:  # served from fresh memory: this size is exhausted
                    break
                free = now
    finally:
        for pointer in taken:
            libc.free(pointer)


def _mapped_pages() -> int | None:
    try:
        with open("/proc/self/statm", "rb") as statm:
            return int(statm.read().split()[0])
    except (OSError, ValueError, IndexError):
        return None


_SLOTS = 4 * 1024 * 1024
_FALLBACK_CLASS_BYTES = 2 * 1024 * 1024


def _zero_free_small_objects() -> None:
    """Reuse the small-object allocator's free blocks of every size with zeroed bytes objects.

    pymalloc hands out a size class's free blocks, then its unused pools, before it maps a
    fresh arena; so for each of its size classes (16 to 512 bytes) zeroed bytes objects are
    allocated until the process maps new memory, which shows that everything free before
    has been overwritten. Where /proc/self/statm is missing, 2 MiB per class is used.
    """
    filler: list[bytes | None] = [None] * _SLOTS  # sized up front: the list never grows
    used = 0
    header = 33  # sys.getsizeof(b"")
    for block in range(48, 513, 16):
        size = block - header - 7  # an object of exactly this size class
        start = _mapped_pages()
        limit = used + _FALLBACK_CLASS_BYTES // block if start is None else _SLOTS
        while used < min(limit, _SLOTS):
            for _ in range(256):
                filler[used] = bytes(size)
                used += 1
            if start is not None and _mapped_pages() != start:
                break
    del filler


def scrub_freed_memory() -> None:
    """After a lock: free what nothing refers to and overwrite what the allocators kept.

    Dropping the last reference does not erase a string: CPython's small-object allocator
    and the C heap keep the bytes until the block is reused. This collects cycles, fills the
    small-object allocator's free blocks and the C heap's free chunks with zeroes (calloc),
    then asks glibc to hand whole free pages back to the kernel.
    """
    gc.collect()
    _zero_free_small_objects()
    gc.collect()
    libc = _libc()
    if libc is None:
        return
    _zero_free_heap(libc)
    with contextlib.suppress(AttributeError):  # not glibc
        libc.malloc_trim(0)
