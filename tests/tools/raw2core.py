# SPDX-License-Identifier: GPL-2.0
"""Wrap a raw RAM image in an ELF64 core file, as kdump or QEMU's
dump-guest-memory would give it: one PT_LOAD per CHUNK bytes at its
physical address.  With EXCLUDE, the last EXCLUDE bytes of the last load
are left out of the file (p_filesz short of p_memsz), as makedumpfile
marks excluded zero pages; with TAIL, the last load's p_memsz runs TAIL
bytes further, zeros no file holds.  With 65535 loads or more, e_phnum is PN_XNUM
and the count is in section header 0's sh_info, as gdb's gcore writes it.

usage: raw2core.py RAW BASE OUT CHUNK [EXCLUDE [TAIL]]
"""
import struct
import sys


def main():
    raw, base, out, chunk = sys.argv[1], int(sys.argv[2], 0), sys.argv[3], int(sys.argv[4], 0)
    exclude = int(sys.argv[5], 0) if len(sys.argv) > 5 else 0
    tail = int(sys.argv[6], 0) if len(sys.argv) > 6 else 0
    data = open(raw, "rb").read()
    segs = [(base + o, o, min(chunk, len(data) - o)) for o in range(0, len(data), chunk)]
    ident = b"\x7fELF\x02\x01\x01" + b"\0" * 9
    xnum = len(segs) >= 0xffff
    shoff = 64 + 56 * len(segs) if xnum else 0
    eh = struct.pack("<16sHHIQQQIHHHHHH", ident, 4, 183, 1, 0, 64, shoff, 0, 64, 56,
                     0xffff if xnum else len(segs), 64 if xnum else 0, 1 if xnum else 0, 0)
    off = 64 + 56 * len(segs) + (64 if xnum else 0)
    with open(out, "wb") as f:
        f.write(eh)
        for i, (pa, o, size) in enumerate(segs):
            last = i == len(segs) - 1
            filesz = size - exclude if last else size
            memsz = size + tail if last else size
            f.write(struct.pack("<IIQQQQQQ", 1, 7, off + o, 0, pa, filesz, memsz, 0))
        if xnum:
            f.write(struct.pack("<IIQQQQIIQQ", 0, 0, 0, 0, 0, 0, 0, len(segs), 0, 0))
        f.write(data[:len(data) - exclude])


if __name__ == "__main__":
    main()
