# SPDX-License-Identifier: GPL-2.0
"""Read a collected dump with drgn (Debian's python3-drgn, run it with
/usr/bin/python3) and print what the end-to-end test asserts, one fact per
line:

    RELEASE <init_uts_ns.name.release>
    DMESG <number of log lines>
    DMESG_PANIC <the panic line>
    DMESG_BOOT <the first "Booting Linux" line>
    PANIC_CPU <cpu>
    TASK <comm> <pid>            the task on the panicking CPU (rq->curr)
    FRAME <function>             its stack trace, innermost first
    TAINT <tainted_mask>

usage: drgn_check.py VMLINUX CORE
"""
import sys

import drgn
from drgn.helpers.linux.printk import get_dmesg
from drgn.helpers.linux.percpu import per_cpu


def main():
    prog = drgn.Program()
    prog.set_core_dump(sys.argv[2])
    prog.load_debug_info([sys.argv[1]])

    print("RELEASE", prog["init_uts_ns"].name.release.string_().decode())
    log = get_dmesg(prog).decode(errors="replace").splitlines()
    print("DMESG", len(log))
    for line in log:
        if "Kernel panic - not syncing" in line:
            print("DMESG_PANIC", line)
        if "Booting Linux on physical CPU" in line:
            print("DMESG_BOOT", line)

    cpu = prog["panic_cpu"].counter.value_()
    print("PANIC_CPU", cpu)
    # What cpu_curr() does in newer drgn: the CPU's runqueue's current task.
    task = per_cpu(prog["runqueues"], cpu).curr
    print("TASK", task.comm.string_().decode(), task.pid.value_())
    for frame in prog.stack_trace(task):
        print("FRAME", frame.name or hex(frame.pc))
    print("TAINT", prog["tainted_mask"].value_())


if __name__ == "__main__":
    main()
