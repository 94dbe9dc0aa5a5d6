"""Take the network away from a process: the second layer behind refusing SERVICE.

The query engine would send an HTTP request to any address a SERVICE clause names. The first
layer (kg.sparql.check_safe) refuses such queries before they run; this one makes sure a query
that slips past it still cannot call out. A seccomp filter, installed in a process that runs
queries, makes the kernel refuse every new socket that is not a local (AF_UNIX) one, and
io_uring, which could open sockets without the socket system call. The filter cannot be removed,
and every process forked from that one inherits it.

Linux on x86_64 and aarch64 only; elsewhere ``deny_network`` returns False and the first layer
stands alone (the README says so).
"""

import ctypes
import errno
import os
import platform
import socket
import struct
import sys

#: errno a refused socket gets; the engine's error message then says "Network is unreachable".
REFUSED = errno.ENETUNREACH

_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2
_RET_ALLOW, _RET_ERRNO = 0x7FFF0000, 0x00050000
# BPF opcodes: load a 32-bit word of the seccomp_data, compare it, return.
_LD, _JEQ, _JGE, _RET = 0x20, 0x15, 0x35, 0x06
# seccomp_data: int nr; u32 arch; u64 instruction_pointer; u64 args[6] (little-endian: low word first).
_NR, _ARCH, _ARG0 = 0, 4, 16
# (audit arch, socket, io_uring_setup) per machine; x32 system calls on x86_64 set bit 30.
_MACHINES = {"x86_64": (0xC000003E, 41, 425), "aarch64": (0xC00000B7, 198, 425)}
_X32 = 0x40000000


def supported() -> bool:
    """Whether this platform can take a process's network away."""
    return sys.platform == "linux" and platform.machine() in _MACHINES


def deny_network() -> bool:
    """Refuse, from now on, every socket but AF_UNIX in this process and the ones it forks.

    Call it in a process with one thread (a freshly forked child). Returns False where the
    platform cannot do it; raises OSError if the kernel refuses the filter.
    """
    if not supported():
        return False
    arch, sys_socket, sys_io_uring = _MACHINES[platform.machine()]
    refuse = _RET_ERRNO | REFUSED
    program = [
        (_LD, 0, 0, _ARCH),
        (_JEQ, 1, 0, arch),                 # a foreign system call table (i386 on x86_64): refuse all
        (_RET, 0, 0, refuse),
        (_LD, 0, 0, _NR),
        (_JGE, 5, 0, _X32),                 # -> refuse
        (_JEQ, 2, 0, sys_socket),           # -> check the address family
        (_JEQ, 3, 0, sys_io_uring),         # -> refuse
        (_RET, 0, 0, _RET_ALLOW),
        (_LD, 0, 0, _ARG0),
        (_JEQ, 1, 0, socket.AF_UNIX),       # -> allow
        (_RET, 0, 0, refuse),
        (_RET, 0, 0, _RET_ALLOW),
    ]
    filters = b"".join(struct.pack("HBBI", *instruction) for instruction in program)
    buffer = ctypes.create_string_buffer(filters, len(filters))

    class _Program(ctypes.Structure):
        _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]

    fprog = _Program(len(program), ctypes.addressof(buffer))
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_void_p, ctypes.c_ulong, ctypes.c_ulong]
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, None, 0, 0) != 0 or \
            libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.addressof(fprog), 0, 0) != 0:
        code = ctypes.get_errno()
        raise OSError(code, f"cannot install the network filter: {os.strerror(code)}")
    return True
