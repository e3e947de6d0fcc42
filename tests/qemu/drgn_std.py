# SPDX-License-Identifier: GPL-2.0
"""The first things a drgn user types, on vmlinux and a collected dump,
with nothing but drgn's documented API (Debian's python3-drgn; run it with
/usr/bin/python3).  Prints one answer per line for the e2e test to assert,
or "FAIL <what> <error>" when drgn cannot answer:

    RELEASE <prog["init_uts_ns"].name.release>
    DMESG_PANIC <the panic line of get_dmesg()>
    ONLINE <cpus of for_each_online_cpu()>
    POSSIBLE <cpus of for_each_possible_cpu()>
    CRASHED <tid> <comm>                 prog.crashed_thread()
    CRASHED_FRAME <function>             its stack_trace(), innermost first
    CURR <cpu> <pid> <comm>              per_cpu(runqueues, cpu).curr
    THREAD <cpu> <pid> <comm> <frames>   prog.thread(pid) and its
                                         stack_trace() (frame names, ",")

usage: drgn_std.py VMLINUX CORE
"""
import sys

import drgn
from drgn.helpers.linux.cpumask import for_each_online_cpu, for_each_possible_cpu
from drgn.helpers.linux.percpu import per_cpu
from drgn.helpers.linux.printk import get_dmesg


def frames(trace):
    out = []
    for f in trace:
        if f.name:
            out.append(f.name)
            continue
        try:
            out.append(hex(f.pc))
        except LookupError:  # the exception frame from user space
            out.append("?")
    return out


def attempt(what, fn):
    try:
        fn()
    except Exception as e:  # report, then go on with the next question
        print("FAIL", what, repr(e))


def main():
    prog = drgn.Program()
    prog.set_core_dump(sys.argv[2])
    prog.load_debug_info([sys.argv[1]])

    attempt("release", lambda: print(
        "RELEASE", prog["init_uts_ns"].name.release.string_().decode()))

    def dmesg():
        for line in get_dmesg(prog).decode(errors="replace").splitlines():
            if "Kernel panic - not syncing" in line:
                print("DMESG_PANIC", line)
    attempt("dmesg", dmesg)
    attempt("online", lambda: print(
        "ONLINE", " ".join(str(c) for c in for_each_online_cpu(prog))))
    attempt("possible", lambda: print(
        "POSSIBLE", " ".join(str(c) for c in for_each_possible_cpu(prog))))

    def crashed():
        t = prog.crashed_thread()
        print("CRASHED", t.tid, t.object.comm.string_().decode())
        for name in frames(t.stack_trace()):
            print("CRASHED_FRAME", name)
    attempt("crashed_thread", crashed)

    for cpu in for_each_possible_cpu(prog):
        def one(cpu=cpu):
            curr = per_cpu(prog["runqueues"], cpu).curr
            pid = curr.pid.value_()
            print("CURR", cpu, pid, curr.comm.string_().decode())
            if pid == 0:
                return
            t = prog.thread(pid)
            print("THREAD", cpu, t.tid, t.object.comm.string_().decode(),
                  ",".join(frames(t.stack_trace())))
        attempt("cpu%d" % cpu, one)


if __name__ == "__main__":
    main()
