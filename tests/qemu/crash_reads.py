# SPDX-License-Identifier: GPL-2.0
"""Which memory crash(8) reads outside a collected dump, found by running it.

crash reads an ELF vmcore by physical address and stops at start-up on
the first read it cannot do, naming the address and what it wanted
("read error: kernel virtual address: ffff8000804d5ba8  type:
"shadow_timekeeper xtime_sec""; "physical address" for page tables and
the like; "invalid kernel virtual address" when the page tables it walks
for a vmalloc address are missing).  This runs crash (scripts/crash.sh) on CORE, and on each read
error adds the missing memory to a copy of CORE from the guest's whole
RAM image: the vmlinux symbol holding the address, or else its page (twice as
many pages each time crash asks again for the same kind of thing); for
an address crash could not translate, the page-table pages the guest's
own translation of it reads.
Then again, until crash runs the commands without a read error, or the
same error comes back.  Prints what was added, by group, and the run's
last output:

    ADD <symbol or address> <vaddr> <paddr> <bytes> <crash's "type">
    ROUNDS <n>  ADDED <bytes>  ERRORS <read errors left>

Run it with /usr/bin/python3 (Debian's).  Addresses are translated as arm64 does for
the kernel image (kimage_voffset) and the linear map (PHYS_OFFSET); crash
names vmalloc reads by the page tables it walks (physical addresses).

usage: crash_reads.py CRASH_SH VMLINUX CORE RAM_IMAGE RAM_BASE OUT_CORE CMDS
"""
import bisect
import os
import re
import struct
import subprocess
import sys
import tempfile

import drgn


def read_core(path):
    """Notes bytes, and (paddr, vaddr, bytes) of each PT_LOAD."""
    data = open(path, "rb").read()
    phoff, = struct.unpack_from("<Q", data, 32)
    phnum, = struct.unpack_from("<H", data, 56)
    if phnum == 0xFFFF:
        shoff, = struct.unpack_from("<Q", data, 40)
        phnum, = struct.unpack_from("<I", data, shoff + 44)
    notes, loads = b"", []
    for i in range(phnum):
        t, _, off, va, pa, fsz, _, _ = struct.unpack_from("<IIQQQQQQ", data, phoff + 56 * i)
        if t == 4:
            notes = data[off:off + fsz]
        elif t == 1:
            loads.append((pa, va, data[off:off + fsz]))
    return notes, loads


def write_core(path, notes, loads):
    n = 1 + len(loads)
    off = 64 + 56 * n
    eh = struct.pack("<16sHHIQQQIHHHHHH", b"\x7fELF\x02\x01\x01" + b"\0" * 9, 4, 183, 1,
                     0, 64, 0, 0, 64, 56, n, 0, 0, 0)
    ph = [struct.pack("<IIQQQQQQ", 4, 0, off, 0, 0, len(notes), len(notes), 0)]
    pos = off + len(notes)
    for pa, va, b in loads:
        ph.append(struct.pack("<IIQQQQQQ", 1, 7, pos, va, pa, len(b), len(b), 0))
        pos += len(b)
    with open(path, "wb") as f:
        f.write(eh + b"".join(ph) + notes + b"".join(b for _, _, b in loads))


def symbols(vmlinux):
    """Sorted (address, size, name) of vmlinux's sized data symbols."""
    out = subprocess.run(["nm", "-S", "-n", vmlinux], capture_output=True, text=True).stdout
    syms = []
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "bBdDrR":
            syms.append((int(f[0], 16), int(f[1], 16), f[3]))
    return syms


def main():
    crash_sh, vmlinux, core, ramimg, base, out, cmds = sys.argv[1:8]
    base = int(base, 0)
    ram = open(ramimg, "rb").read()
    notes, loads = read_core(core)
    info = notes.decode(errors="replace")
    kvo = int(re.search(r"NUMBER\(kimage_voffset\)=(0x[0-9a-f]+)", info).group(1), 16)
    phys_off = int(re.search(r"NUMBER\(PHYS_OFFSET\)=(0x[0-9a-f]+)", info).group(1), 16)
    va_bits = int(re.search(r"NUMBER\(VA_BITS\)=(\d+)", info).group(1))
    page_offset = (1 << 64) - (1 << va_bits)
    syms = symbols(vmlinux)
    addrs = [s[0] for s in syms]
    have = set()
    added, rounds, last = [], 0, None

    def paddr_of(va):
        if va >= kvo + base and va < kvo + base + len(ram):
            return va - kvo
        if page_offset <= va < page_offset + len(ram):
            return va - page_offset + phys_off
        return None

    grow = {}

    # A reference over the whole RAM and no dumped load, to find the
    # page-table pages a translation reads: every physical read is logged.
    fd, bare = tempfile.mkstemp(suffix=".elf")
    os.close(fd)
    write_core(bare, notes, [])
    ref = drgn.Program()
    ref.set_core_dump(bare)
    ref.load_debug_info([vmlinux])
    os.unlink(bare)
    walked = []

    def phys_read(a, n, o, p):
        walked.append(a)
        return ram[a - base:a - base + n]

    def image_read(a, n, o, p):
        walked.append(a - kvo)
        return ram[a - kvo - base:a - kvo - base + n]

    ref.add_memory_segment(base, len(ram), phys_read, physical=True)
    ref.add_memory_segment(base + kvo, len(ram), image_read, physical=False)

    def add_walk(addr, what):
        """The pages a translation of @addr reads (its page tables)."""
        walked.clear()
        try:
            ref.read(addr, 1)
        except drgn.FaultError:
            return False
        new = False
        for pa in sorted({a & ~0xFFF for a in walked}):
            if (pa, 0x1000) in have:
                continue
            have.add((pa, 0x1000))
            loads.append((pa, page_offset + pa - phys_off, ram[pa - base:pa - base + 0x1000]))
            added.append(("pgtable:%#x" % addr, page_offset + pa - phys_off, pa, 0x1000, what))
            print("ADD pgtable:%#x %#x %#x 4096 %s" % (addr, page_offset + pa - phys_off, pa, what),
                  flush=True)
            new = True
        return new

    def add(kind, addr, what):
        # A table crash reads page after page: twice as much each round.
        size = 0x1000 << min(grow.get(what, 0), 8)
        grow[what] = grow.get(what, 0) + 1
        if kind == "physical":
            pa, va, name = addr & ~0xFFF, 0, hex(addr)
        else:
            pa = paddr_of(addr)
            if pa is None:
                return False
            i = bisect.bisect_right(addrs, addr) - 1
            if i >= 0 and syms[i][0] <= addr < syms[i][0] + syms[i][1] and syms[i][1] <= 1 << 20:
                va, size, name = syms[i][0], syms[i][1], syms[i][2]
            else:
                va, name = addr & ~0xFFF, hex(addr)
            pa = paddr_of(va)
        size = min(size, base + len(ram) - pa) if pa >= base else 0
        if (pa, size) in have or not size:
            return False
        have.add((pa, size))
        loads.append((pa, va, ram[pa - base:pa - base + size]))
        added.append((name, va, pa, size, what))
        print("ADD %s %#x %#x %d %s" % (name, va, pa, size, what), flush=True)
        return True

    while rounds < 200:
        rounds += 1
        write_core(out, notes, loads)
        run = subprocess.run([crash_sh, vmlinux, out], input=open(cmds).read(),
                             capture_output=True, text=True, errors="replace", timeout=900)
        last = run.stdout + run.stderr
        errs = re.findall(r'read error: (kernel virtual|physical) address: ([0-9a-f]+)\s+type: "([^"]*)"', last)
        # "cannot read node_online_map/node_states": by symbol name.
        for names in re.findall(r"cannot read ([A-Za-z_][A-Za-z_0-9/]*)", last):
            for a, _, n in syms:
                if n in names.split("/"):
                    errs.append(("kernel virtual", "%x" % a, "cannot read " + n))
        # "invalid kernel virtual address": a vmalloc address crash could
        # not translate; its page tables are added.
        walks = re.findall(r'invalid kernel virtual address: ([0-9a-f]+)\s+type: "([^"]*)"', last)
        progress = [add_walk(int(a, 16), t) for a, t in walks]
        progress += [add(k.split()[0], int(a, 16), t) for k, a, t in errs]
        errs += walks
        if not errs or not any(progress):
            break
    total = sum(a[3] for a in added)
    print("ROUNDS %d  ADDED %d  ERRORS %d" % (rounds, total, len(errs)))
    print("---- last run")
    print(last)


if __name__ == "__main__":
    main()
