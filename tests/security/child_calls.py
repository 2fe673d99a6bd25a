"""Functions the tests run in a limited child process: importable by name, and importing nothing
(a child imports the module of the function it runs, which would count against its memory)."""

from __future__ import annotations

MB = 1024 * 1024


def address_space() -> int:
    """What a child has mapped before it does any work: the modules it shares with the fork server."""
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) * 1024 for line in status if line.startswith("VmSize:"))


def spin() -> None:
    while True:
        pass


def grow() -> None:
    held = []
    while True:
        held.append(bytearray(8 * MB))
