# SPDX-License-Identifier: GPL-2.0
"""Which memory drgn's standard calls read outside a collected dump.

Runs the calls of drgn_std.py on VMLINUX + CORE, with every virtual
address the dump's loads do not cover served from the guest's whole RAM
image instead (a second drgn program over RAM, translating through the
guest's own page tables), and prints each such read once, by symbol when
there is one:

    MISS <call> <symbol+offset or address> <bytes>
    CALLS <n>     calls run; no MISS line means the dump holds all they read

Finds what a dump must hold for those calls (issue 19), and checks that it
does.  Run with /usr/bin/python3 (Debian's python3-drgn).

usage: drgn_reads.py VMLINUX CORE RAM_IMAGE RAM_BASE
"""
import mmap
import os
import re
import struct
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_online_cpu, for_each_possible_cpu
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.printk import get_dmesg


def loads_and_vmcoreinfo(path):
    """The (start, end) virtual ranges of the PT_LOADs, and VMCOREINFO."""
    with open(path, "rb") as f:
        head = f.read(64)
        phoff, = struct.unpack_from("<Q", head, 0x20)
        phentsize, phnum = struct.unpack_from("<HH", head, 0x36)
        f.seek(phoff)
        table = f.read(phentsize * phnum)
        loads, info = [], ""
        for i in range(phnum):
            t, _, off, va, _, fsz, msz, _ = struct.unpack_from(
                "<IIQQQQQQ", table, i * phentsize)
            if t == 1:
                loads.append((va, va + msz))
            elif t == 4:
                f.seek(off)
                notes = f.read(fsz)
                p = 0
                while p + 12 <= len(notes):
                    nsz, dsz, _ = struct.unpack_from("<III", notes, p)
                    name = notes[p + 12:p + 12 + nsz].rstrip(b"\0")
                    d = p + 12 + ((nsz + 3) & ~3)
                    if name == b"VMCOREINFO":
                        info = notes[d:d + dsz].decode(errors="replace")
                    p = d + ((dsz + 3) & ~3)
    return loads, info


def main():
    vmlinux, core, ramimg, base = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4], 0)
    loads, info = loads_and_vmcoreinfo(core)
    kvo = int(re.search(r"NUMBER\(kimage_voffset\)=(0x[0-9a-f]+)", info).group(1), 16)
    fd = os.open(ramimg, os.O_RDONLY)
    ram = mmap.mmap(fd, 0, prot=mmap.PROT_READ)

    # The reference: the whole RAM, the kernel image at its virtual address.
    ref = drgn.Program()
    ref.set_core_dump(core)
    ref.load_debug_info([vmlinux])
    ref.add_memory_segment(base, len(ram),
                           lambda a, n, o, p: ram[a - base:a - base + n], physical=True)
    kbase = base + kvo
    ref.add_memory_segment(kbase, len(ram),
                           lambda a, n, o, p: ram[a - kbase:a - kbase + n], physical=False)

    prog = drgn.Program()
    prog.set_core_dump(core)
    prog.load_debug_info([vmlinux])
    misses = []

    def reader(address, count, offset, physical):
        if not any(a <= address and address + count <= b for a, b in loads):
            misses.append((address, count))
        return ref.read(address, count)

    # Later segments take precedence: every kernel virtual read comes here.
    prog.add_memory_segment(0xfff0000000000000, 1 << 52, reader, physical=False)

    def name(a):
        try:
            s = prog.symbol(a)
            return "%s+%#x" % (s.name, a - s.address)
        except LookupError:
            return hex(a)

    def curr(cpu):
        return per_cpu(prog["runqueues"], cpu).curr

    calls = [
        ("init_uts_ns", lambda: prog["init_uts_ns"].name.release.string_()),
        ("get_dmesg", lambda: get_dmesg(prog)),
        ("for_each_online_cpu", lambda: list(for_each_online_cpu(prog))),
        ("for_each_possible_cpu", lambda: list(for_each_possible_cpu(prog))),
        ("crashed_thread", lambda: prog.crashed_thread().object.comm.string_()),
        ("crashed_thread.stack_trace", lambda: str(prog.crashed_thread().stack_trace())),
    ]
    for cpu in for_each_possible_cpu(prog):
        calls.append(("per_cpu.runqueues.%d" % cpu, lambda cpu=cpu: curr(cpu).pid.value_()))
        calls.append(("thread.%d" % cpu, lambda cpu=cpu: curr(cpu).pid.value_() and
                      str(prog.thread(curr(cpu).pid.value_()).stack_trace())))
    for call, fn in calls:
        misses.clear()
        try:
            fn()
        except Exception as e:  # the miss list says why
            print("ERROR", call, repr(e))
        seen = set()
        for a, n in misses:
            if (a, n) not in seen:
                seen.add((a, n))
                print("MISS", call, name(a), n)
    print("CALLS", len(calls))


if __name__ == "__main__":
    main()
