// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 hooks of the dump region core (kernel/dumpregion/).
 */

#include <linux/cpumask.h>
#include <linux/dumpregion.h>
#include <linux/dumpregion/arch.h>
#include <linux/init.h>
#include <linux/kallsyms.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/printk.h>
#include <linux/ptrace.h>
#include <linux/smp.h>
#include <linux/uaccess.h>
#include <asm/compiler.h>
#include <asm/insn.h>
#include <asm/memory.h>
#include <asm/stacktrace.h>

/*
 * The CPU that panicked, under the name x86 and powerpc give it in their
 * kexec code and dump readers look up: drgn's Program.crashed_thread()
 * takes the NT_PRSTATUS note of CPU crashing_cpu (CPU 0 when the symbol
 * is missing; drgn finds file-scope variables too, so it stays static
 * here).  Set by arch_dumpregion_panic_regs().
 */
static int crashing_cpu = -1;
DUMPREGION_STATIC(crashing_cpu, "crashing_cpu");

#ifdef CONFIG_DUMPREGION_CRASH_UTILITY
/* crash finds each CPU's IRQ stack through this pointer before any command. */
DUMPREGION_STATIC_PERCPU(irq_stack_ptr, "irqsp");
#endif

/*
 * Each CPU's IRQ stack and, with VMAP_STACK, its overflow stack: a CPU
 * that panicked or was stopped in interrupt context has its newest frames
 * there, and a debugger unwinds through them to the task's stack.
 */
static int __init dr_arm64_register_stacks(void)
{
	char name[DUMPREGION_NAME_MAX];
	unsigned int cpu;
	int id;

	for_each_possible_cpu(cpu) {
		snprintf(name, sizeof(name), "irqstack.%u", cpu);
		id = dumpregion_register(name, per_cpu(irq_stack_ptr, cpu),
					 IRQ_STACK_SIZE);
		if (id < 0)
			pr_warn("dumpregion: cannot register %s: %d\n", name, id);
#ifdef CONFIG_VMAP_STACK
		snprintf(name, sizeof(name), "ovfstack.%u", cpu);
		id = dumpregion_register(name, per_cpu_ptr(overflow_stack, cpu),
					 OVERFLOW_STACK_SIZE);
		if (id < 0)
			pr_warn("dumpregion: cannot register %s: %d\n", name, id);
#endif
	}
	return 0;
}
device_initcall(dr_arm64_register_stacks);

/*
 * Is @ret the return address of a call made from panic() or vpanic()?
 * Both never return, so the call may be their last instruction and @ret
 * the first byte of the next function: look up the call instruction.
 */
static bool dr_arm64_returns_to_panic(unsigned long ret)
{
	unsigned long size, off, fn;

	if (!kallsyms_lookup_size_offset(ret - AARCH64_INSN_SIZE, &size, &off))
		return false;
	fn = ret - AARCH64_INSN_SIZE - off;
	return fn == (unsigned long)panic || fn == (unsigned long)vpanic;
}

/*
 * Describe the panicking CPU as it is in vpanic() (or panic(), when it
 * was entered without vpanic()), whose frames survive until firmware
 * copies memory: follow the AAPCS64 frame records (x29 points at the
 * caller's x29 and the return address) from the captured registers to
 * the first return address inside those.  The stack pointer becomes that
 * frame's frame pointer: GCC puts the frame record at the bottom of the
 * frame in both (a debugger's CFI unwind uses x29 there).  Reads cannot
 * fault; on any doubt @regs stays as it is.  Without kallsyms there is no
 * telling where panic() ends: nothing is changed.
 */
void arch_dumpregion_panic_regs(struct pt_regs *regs)
{
	unsigned long fp = regs->regs[29], rec[2];
	int depth;

	WRITE_ONCE(crashing_cpu, raw_smp_processor_id());
	if (!IS_ENABLED(CONFIG_KALLSYMS))
		return;
	for (depth = 0; depth < 16 && fp; depth++) {
		if (!IS_ALIGNED(fp, 8) ||
		    get_kernel_nofault(rec[0], (unsigned long *)fp) ||
		    get_kernel_nofault(rec[1], (unsigned long *)fp + 1))
			return;
		rec[1] = ptrauth_strip_kernel_insn_pac(rec[1]);
		if (dr_arm64_returns_to_panic(rec[1])) {
			regs->pc = rec[1];
			regs->sp = rec[0];
			regs->regs[29] = rec[0];
			regs->regs[30] = rec[1];
			return;
		}
		fp = rec[0];
	}
}
