# SPDX-License-Identifier: GPL-2.0
"""Stop a running guest at random moments and check its dump index.

    stop_check.py QMP_SOCKET RAM_FILE RAM_BASE LOG STOPS

The guest (e2e step "churn") registers and unregisters regions for ten
seconds, the KELF index moving at each step.  Once LOG shows "E2E-CHURN
start", this stops the machine STOPS times at random moments through QMP,
as a reset would catch it, and reads the dump index at 0x5f000000
(64 KiB) and the KELF index it points at straight from the guest's RAM
file, written from Documentation/dumpregion/index.rst alone: a valid
current slot, an ELF core header, every PT_LOAD in RAM and the loads
back to back from kelf_size.  Prints one line per stop; exit 0 when every
stop passed and the generation grew from each stop to the next.
"""

import json
import mmap
import random
import socket
import struct
import sys
import time
import zlib

CARVE, CARVE_SIZE = 0x5F000000, 0x10000


def qmp(sock, f, cmd):
    sock.sendall(json.dumps({"execute": cmd}).encode() + b"\n")
    while True:
        msg = json.loads(f.readline())
        if "return" in msg or "error" in msg:
            return msg


def slot_valid(b, ss):
    magic, ver, hsz, gen, flags, nr, ksize, sz, rsz = struct.unpack_from("<IHHQIIQII", b)
    if magic != 0x58495244 or ver != 1 or hsz != 64 or rsz != 16 or sz != ss:
        return None
    if 64 + nr * 16 > ss:
        return None
    hdr = bytearray(b[:64])
    hdr[60:64] = b"\0\0\0\0"
    if zlib.crc32(bytes(hdr) + b[64:64 + nr * 16]) != struct.unpack_from("<I", b, 60)[0]:
        return None
    runs = [struct.unpack_from("<QQ", b, 64 + 16 * i) for i in range(nr)]
    return gen, flags, ksize, runs


def check(ram, base):
    size = len(ram)

    def phys(pa, n):
        if pa < base or pa + n > base + size:
            raise ValueError("0x%x+%d outside RAM" % (pa, n))
        return ram[pa - base:pa - base + n]

    carve = phys(CARVE, CARVE_SIZE)
    ss = min(CARVE_SIZE // 2, 65536) // 64 * 64
    slots = [slot_valid(carve[k * ss:(k + 1) * ss], ss) for k in (0, 1)]
    if not any(slots):
        raise ValueError("no valid slot")
    cur = max((s for s in slots if s), key=lambda s: s[0])
    gen, flags, ksize, runs = cur
    if not runs or sum(r[1] for r in runs) != ksize:
        raise ValueError("generation %d: no usable KELF" % gen)
    kelf = b"".join(phys(p, n) for p, n in runs)
    if kelf[:4] != b"\x7fELF" or kelf[4] != 2:
        raise ValueError("no ELF64 header")
    e_type, = struct.unpack_from("<H", kelf, 16)
    e_phoff, = struct.unpack_from("<Q", kelf, 32)
    e_phentsize, e_phnum = struct.unpack_from("<HH", kelf, 54)
    if e_type != 4 or e_phoff != 64 or e_phentsize != 56 or e_phnum == 0xFFFF:
        raise ValueError("bad ELF header")
    if 64 + 56 * e_phnum > ksize:
        raise ValueError("program headers outside the index")
    off, loads = ksize, 0
    for i in range(e_phnum):
        p_type, _, p_offset, _, p_paddr, p_filesz = struct.unpack_from("<IIQQQQ", kelf, 64 + 56 * i)
        if i == 0:
            if p_type != 4 or p_offset + p_filesz > ksize:
                raise ValueError("PT_NOTE missing or outside the index")
            continue
        if p_type != 1:
            continue
        if p_offset != off:
            raise ValueError("load %d at offset 0x%x, expected 0x%x" % (i, p_offset, off))
        phys(p_paddr, p_filesz)
        off += p_filesz
        loads += 1
    return gen, loads, ksize


def main():
    qsock, ramfile, base, log, stops = sys.argv[1], sys.argv[2], int(sys.argv[3], 0), sys.argv[4], int(sys.argv[5])
    deadline = time.time() + 600
    while b"E2E-CHURN start" not in open(log, "rb").read():
        if time.time() > deadline:
            print("not ok - the guest never started churning")
            return 1
        time.sleep(0.2)
    sock = socket.socket(socket.AF_UNIX)
    sock.connect(qsock)
    f = sock.makefile("r")
    f.readline()
    qmp(sock, f, "qmp_capabilities")
    rng = random.Random(int.from_bytes(open("/dev/urandom", "rb").read(4), "little"))
    bad, last = 0, -1
    with open(ramfile, "rb") as fh:
        ram = mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ)
        for k in range(stops):
            time.sleep(rng.uniform(0.3, 1.5))
            qmp(sock, f, "stop")
            try:
                gen, loads, ksize = check(ram, base)
                grew = gen > last
                print("%s - stop %d: generation %d, KELF %d bytes, %d loads back to back%s" %
                      ("ok" if grew else "not ok", k + 1, gen, ksize, loads,
                       "" if grew else ", generation did not grow"))
                bad += not grew
                last = gen
            except ValueError as e:
                print("not ok - stop %d: %s" % (k + 1, e))
                bad += 1
            qmp(sock, f, "cont")
    qmp(sock, f, "quit")
    return 1 if bad else 0


sys.exit(main())
