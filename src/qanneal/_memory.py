"""How much memory this process may still use: the one place that reads it.

Problems, expansions and enumerations check their estimated size against it *before*
allocating, so that a problem too large for the machine is an error, not a crash.

Example:
    >>> available_memory() > 0
    True
"""

from __future__ import annotations

import os


def available_memory() -> int:
    """Bytes of memory this process may still use (MemAvailable, else physical memory)."""
    try:
        with open("/proc/meminfo", encoding="ascii") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
