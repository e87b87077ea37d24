"""Reading this process's own memory for a word, without ever holding the word itself.

Used by `test_lock_forgets.py` in the test process and in the app process it starts: the
word is given shifted by one character code, and each memory chunk is shifted the same
way before it is searched, so the scan cannot plant what it looks for.
"""

from __future__ import annotations

SHIFT = bytes((b + 1) % 256 for b in range(256))


def memory_copies(shifted: str) -> int:
    """How many times the unshifted word occurs in this process's readable memory."""
    return len(memory_places(shifted))


def memory_places(shifted: str) -> list[str]:
    """Each occurrence of the unshifted word: its mapping's line in /proc/self/maps and the
    offset into it (what a failing check prints, to say which allocator kept it)."""
    needle = shifted.encode("ascii")
    wide = "".join(ch + "\x01" for ch in shifted).encode("latin-1")  # UCS-2 form, shifted
    found: list[str] = []
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
            for form in (needle, wide):
                at = shifted_chunk.find(form)
                while at >= 0:
                    found.append(f"{' '.join(fields[5:]) or '[anonymous]'} {fields[0]} +{at:#x}")
                    at = shifted_chunk.find(form, at + 1)
            del shifted_chunk
    return found
