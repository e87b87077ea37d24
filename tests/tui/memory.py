"""Reading this process's own memory for a word, without ever holding the word itself.

Used by `test_lock_forgets.py` in the test process and in the app process it starts: the
word is given shifted by one character code, and each memory chunk is shifted the same
way before it is searched, so the scan cannot plant what it looks for.
"""

from __future__ import annotations

SHIFT = bytes((b + 1) % 256 for b in range(256))


def memory_copies(shifted: str) -> int:
    """How many times the unshifted word occurs in this process's readable memory."""
    needle = shifted.encode("ascii")
    wide = "".join(ch + "\x01" for ch in shifted).encode("latin-1")  # UCS-2 form, shifted
    found = 0
    with open("/proc/self/maps") as maps, open("/proc/self/mem", "rb", 0) as mem:
        for line in maps:
            fields = line.split()
            if "r" not in fields[1] or line.rstrip().endswith(("[vvar]", "[vsyscall]")):
                continue
            low, high = (int(part, 16) for part in fields[0].split("-"))
            try:
                mem.seek(low)
                chunk = mem.read(high - low)
            except (OSError, OverflowError, ValueError):
                continue
            shifted_chunk = chunk.translate(SHIFT)
            del chunk
            found += shifted_chunk.count(needle) + shifted_chunk.count(wide)
            del shifted_chunk
    return found
