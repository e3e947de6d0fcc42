// SPDX-License-Identifier: GPL-2.0-only
/*
 * arm64 hooks of the dump region core (kernel/dumpregion/).
 */

#include <linux/dumpregion/arch.h>
#include <linux/kallsyms.h>
#include <linux/panic.h>
#include <linux/ptrace.h>
#include <linux/uaccess.h>
#include <asm/compiler.h>

/*
 * Describe the panicking CPU as it is in panic(), whose frames survive
 * until firmware copies memory: follow the AAPCS64 frame records (x29
 * points at the caller's x29 and the return address) from the captured
 * registers to the first return address inside panic().  The stack
 * pointer becomes panic()'s frame pointer: the compilers put the frame
 * record at the bottom of the frame.  Reads cannot fault; on any doubt
 * @regs stays as it is.  Without kallsyms there is no telling where
 * panic() ends: nothing is changed.
 */
void arch_dumpregion_panic_regs(struct pt_regs *regs)
{
	unsigned long fp = regs->regs[29], rec[2], size, off;
	int depth;

	if (!IS_ENABLED(CONFIG_KALLSYMS))
		return;
	for (depth = 0; depth < 16 && fp; depth++) {
		if (!IS_ALIGNED(fp, 8) ||
		    get_kernel_nofault(rec[0], (unsigned long *)fp) ||
		    get_kernel_nofault(rec[1], (unsigned long *)fp + 1))
			return;
		rec[1] = ptrauth_strip_kernel_insn_pac(rec[1]);
		if (kallsyms_lookup_size_offset(rec[1], &size, &off) &&
		    rec[1] - off == (unsigned long)panic) {
			regs->pc = rec[1];
			regs->sp = rec[0];
			regs->regs[29] = rec[0];
			regs->regs[30] = rec[1];
			return;
		}
		fp = rec[0];
	}
}
