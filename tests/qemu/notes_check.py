# SPDX-License-Identifier: GPL-2.0
"""Check the kdump register convention in a collected dump, the way
current drgn (0.0.27 and later) and crash read it, with Debian's drgn
0.0.22 as a memory reader only (run it with /usr/bin/python3).

Current drgn, when VMCOREINFO has CRASHTIME, takes CPU n's registers from
the NT_PRSTATUS note in per_cpu_ptr(crash_notes, n), a list of notes in
the dumped memory ended by an empty one; drgn 0.0.22 takes the n-th
NT_PRSTATUS of the PT_NOTE segment.  Prints one line per fact:

    CRASHTIME <seconds>              the last VMCOREINFO line
    NOTE <n> <pr_pid>                the n-th NT_PRSTATUS of PT_NOTE
    CRASH_NOTES <cpu> <state>        same (its note and the empty one are
                                     CPU cpu's PT_NOTE copy), differs,
                                     empty (no note), or fault <error>

usage: notes_check.py VMLINUX CORE
"""
import struct
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_possible_cpu
from drgn.helpers.linux.percpu import per_cpu_ptr

NT_PRSTATUS = 1
PR_PID = 32     # offsetof(struct elf_prstatus, common.pr_pid)


def notes(path):
    """(name, type, desc, raw bytes) of each note of the PT_NOTE segment."""
    with open(path, "rb") as f:
        data = f.read()
    phoff, = struct.unpack_from("<Q", data, 32)
    phnum, = struct.unpack_from("<H", data, 56)
    if phnum == 0xFFFF:
        shoff, = struct.unpack_from("<Q", data, 40)
        phnum, = struct.unpack_from("<I", data, shoff + 44)
    out = []
    for i in range(phnum):
        ptype, _, off, _, _, filesz = struct.unpack_from("<IIQQQQ", data, phoff + 56 * i)
        if ptype != 4:  # PT_NOTE
            continue
        p, end = off, off + filesz
        while p + 12 <= end:
            namesz, descsz, ntype = struct.unpack_from("<III", data, p)
            name = data[p + 12:p + 12 + namesz].rstrip(b"\0")
            d = p + 12 + (namesz + 3) // 4 * 4
            size = d + (descsz + 3) // 4 * 4 - p
            out.append((name, ntype, data[d:d + descsz], data[p:p + size]))
            p += size
    return out


def main():
    prog = drgn.Program()
    prog.set_core_dump(sys.argv[2])
    prog.load_debug_info([sys.argv[1]])

    prstatus = []
    for name, ntype, desc, raw in notes(sys.argv[2]):
        if name == b"VMCOREINFO":
            last = desc.decode(errors="replace").rstrip("\n").split("\n")[-1]
            if last.startswith("CRASHTIME="):
                print("CRASHTIME", last[len("CRASHTIME="):])
        elif name == b"CORE" and ntype == NT_PRSTATUS:
            print("NOTE", len(prstatus), struct.unpack_from("<i", desc, PR_PID)[0])
            prstatus.append(raw)

    size = drgn.sizeof(prog.type("note_buf_t"))
    for cpu in for_each_possible_cpu(prog):
        try:
            addr = per_cpu_ptr(prog["crash_notes"], cpu).value_()
            buf = prog.read(addr, size)
        except Exception as e:  # not in the dump: what drgn would say
            print("CRASH_NOTES", cpu, "fault", repr(e))
            continue
        namesz, = struct.unpack_from("<I", buf, 0)
        if namesz == 0:
            state = "empty"
        elif (cpu < len(prstatus) and buf.startswith(prstatus[cpu]) and
              buf[len(prstatus[cpu]):len(prstatus[cpu]) + 12] == bytes(12)):
            state = "same"
        else:
            state = "differs"
        print("CRASH_NOTES", cpu, state)


if __name__ == "__main__":
    main()
