// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dump regions: the ELF notes of the KELF index, and the CPUs' registers.
 *
 * The PT_NOTE segment holds VMCOREINFO and an NT_PRPSINFO from the start,
 * and once a panic happened an NT_PRSTATUS per CPU, in CPU order: the
 * panicking CPU's registers taken in the panic notifier, the others' saved
 * by their stop handlers (dumpregion_save_cpu_regs()).
 *
 * At panic the dump also follows the kdump convention current debuggers
 * read registers by (drgn since 0.0.27, crash on arm64): VMCOREINFO ends
 * with a CRASHTIME line, and each CPU's NT_PRSTATUS note is copied into
 * its buffer of the per-CPU crash_notes, ended by an empty note header
 * (clients.c makes those buffers and the pointer dump regions).  A CPU
 * with no registers keeps an empty buffer ("not saved" to a debugger).
 * Without CONFIG_CRASH_DUMP, whose kernel/crash_core.c allocates kdump's
 * buffers, crash_notes is defined here over buffers of our own, with the
 * type <linux/vmcore_info.h> declares (as 32-bit arm once defined a dummy
 * one).
 *
 * Everything here may run at panic, in NMI context: per-CPU storage only,
 * no locks, no allocation.
 */

#include <linux/dumpregion/arch.h>
#include <linux/elf.h>
#include <linux/elfcore.h>
#include <linux/kexec.h>
#include <linux/percpu.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <linux/vmcore_info.h>
#include <kunit/visibility.h>

#include "internal.h"

#if DR_TEST_SEAMS
bool dr_test_panicking;

/*
 * Lets the tests run the panic-time paths without a panic (dr_panicking(),
 * in internal.h; the first to read it is dumpregion_save_cpu_regs()).
 */
void dumpregion_test_set_panicking(bool on)
{
	WRITE_ONCE(dr_test_panicking, on);
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_set_panicking);
#endif

/*
 * The panicking CPU's registers come from the architecture's kexec helper;
 * without it the NT_PRSTATUS note carries the pid and zeroed registers.
 */
#ifdef CONFIG_KEXEC_CORE
static void dr_arch_save_regs(struct pt_regs *regs)
{
	crash_setup_regs(regs, NULL);
}
#else
static void dr_arch_save_regs(struct pt_regs *regs)
{
	memset(regs, 0, sizeof(*regs));
}
#endif

/**
 * arch_dumpregion_panic_regs() - adjust the panicking CPU's registers
 * @regs: registers captured in the panic notifier
 *
 * The panicking CPU goes on running panic() after the notifiers, so by the
 * time firmware copies memory the frames below panic()'s own are
 * overwritten.  An architecture that can unwind (arm64) rewrites @regs to
 * describe the CPU in panic() itself; the default leaves them as they are.
 * It may also note, for dump readers, which CPU panicked (arm64 sets
 * crashing_cpu, the symbol drgn looks up for the crashed thread).
 * Called at panic, possibly in NMI context: no locks, no allocation, reads
 * that cannot fault.
 */
void __weak arch_dumpregion_panic_regs(struct pt_regs *regs)
{
}

#define KELF_NOTE_NAME_CORE	"CORE"
#define KELF_NOTE_NAME_VMCORE	"VMCOREINFO"
/* "CRASHTIME=<seconds>\n", appended to VMCOREINFO at panic */
#define KELF_CRASHTIME_MAX	32

#ifndef CONFIG_CRASH_DUMP
static DEFINE_PER_CPU(note_buf_t, dr_note_buf);
note_buf_t __percpu *crash_notes = &dr_note_buf;
#endif

/* Registers of a CPU stopped by the panic, saved by its stop handler. */
struct dr_cpu_regs {
	struct pt_regs regs;
	struct task_struct *task;
	pid_t pid;
	bool valid;
};

static DEFINE_PER_CPU(struct dr_cpu_regs, dr_cpu_regs);

/**
 * dumpregion_save_cpu_regs() - record a CPU's registers for the dump
 * @regs: the registers the CPU was interrupted with, or NULL
 *
 * Called by the architecture on each CPU that another CPU stops (on arm64,
 * the IPI_CPU_STOP handler, for the plain and the crash stop), just before
 * the CPU parks.  During a panic the registers go into that CPU's
 * NT_PRSTATUS note of the KELF index, so a debugger can unwind what each
 * CPU was doing; otherwise (a reboot stopping CPUs) nothing is recorded.
 * Copies into per-CPU storage only: safe in hard-IRQ and NMI context, no
 * locks, no allocation.
 */
void dumpregion_save_cpu_regs(struct pt_regs *regs)
{
	struct dr_cpu_regs *c = this_cpu_ptr(&dr_cpu_regs);

	if (!regs || !dr_panicking())
		return;
	c->regs = *regs;
	c->task = current;
	c->pid = current->pid;
	/* The panicking CPU reads valid after the CPU left the online mask. */
	smp_store_release(&c->valid, true);
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_save_cpu_regs);

static bool cpu_saved(struct dr_cpu_regs *c)
{
	/* Pairs with the release in dumpregion_save_cpu_regs(). */
	return smp_load_acquire(&c->valid);
}

static size_t note_size(size_t namesz, size_t descsz)
{
	return sizeof(struct elf_note) + ALIGN(namesz, 4) + ALIGN(descsz, 4);
}

/* The most the notes can take: room every header keeps for them. */
size_t dr_notes_max(void)
{
	return note_size(sizeof(KELF_NOTE_NAME_VMCORE),
			 VMCOREINFO_BYTES + KELF_CRASHTIME_MAX) +
	       note_size(sizeof(KELF_NOTE_NAME_CORE), sizeof(struct elf_prpsinfo)) +
	       nr_cpu_ids * note_size(sizeof(KELF_NOTE_NAME_CORE),
				  sizeof(struct elf_prstatus));
}

/*
 * Append one note at @p, its description @desc then @more (@moresz bytes,
 * may be 0); returns the byte after it.
 */
static void *put_note2(void *p, const char *name, u32 type, const void *desc,
		       size_t descsz, const void *more, size_t moresz)
{
	struct elf_note *n = p;
	size_t namesz = strlen(name) + 1, len = descsz + moresz;

	n->n_namesz = namesz;
	n->n_descsz = len;
	n->n_type = type;
	p += sizeof(*n);
	memcpy(p, name, namesz);
	memset(p + namesz, 0, ALIGN(namesz, 4) - namesz);
	p += ALIGN(namesz, 4);
	memcpy(p, desc, descsz);
	if (moresz)
		memcpy(p + descsz, more, moresz);
	memset(p + len, 0, ALIGN(len, 4) - len);
	return p + ALIGN(len, 4);
}

static void *put_note(void *p, const char *name, u32 type, const void *desc,
		      size_t descsz)
{
	return put_note2(p, name, type, desc, descsz, NULL, 0);
}

/*
 * CPU @cpu's crash_notes buffer: its NT_PRSTATUS note and the empty note
 * that ends the list, or, with no @prstatus, the empty note alone.
 */
static void put_crash_note(unsigned int cpu, const struct elf_prstatus *prstatus)
{
	void *buf;

	if (!crash_notes)
		return;
	buf = per_cpu_ptr(crash_notes, cpu);
	if (prstatus)
		buf = put_note(buf, KELF_NOTE_NAME_CORE, NT_PRSTATUS, prstatus,
			       sizeof(*prstatus));
	memset(buf, 0, sizeof(struct elf_note));
}

/*
 * At panic: one NT_PRSTATUS per CPU in CPU order, as kdump writes them
 * (drgn before 0.0.27 numbers CPUs by note order), up to the last CPU
 * whose registers are known: the panicking CPU's are @regs, the others'
 * were saved by their stop handlers; a CPU in between with none gets a
 * note with zeroed registers.  Each CPU's note goes to its crash_notes
 * buffer too.  Returns the byte after them.
 */
static void *write_prstatus(void *p, struct pt_regs *regs)
{
	unsigned int cpu, last = 0, self = raw_smp_processor_id();
	struct elf_prstatus prstatus;

	for_each_possible_cpu(cpu) {
		if (cpu == self || cpu_saved(per_cpu_ptr(&dr_cpu_regs, cpu)))
			last = cpu;
	}
	for_each_possible_cpu(cpu) {
		struct dr_cpu_regs *c = per_cpu_ptr(&dr_cpu_regs, cpu);
		bool saved = true;

		if (cpu > last) {
			put_crash_note(cpu, NULL);
			continue;
		}
		memset(&prstatus, 0, sizeof(prstatus));
		if (cpu == self) {
			prstatus.common.pr_pid = current->pid;
			elf_core_copy_regs(&prstatus.pr_reg, regs);
		} else if (cpu_saved(c)) {
			prstatus.common.pr_pid = c->pid;
			elf_core_copy_regs(&prstatus.pr_reg, &c->regs);
		} else {
			saved = false;
		}
		if (!prstatus.common.pr_pid)
			prstatus.common.pr_pid = DR_NOTE_PID_NONE + cpu;
		p = put_note(p, KELF_NOTE_NAME_CORE, NT_PRSTATUS, &prstatus,
			     sizeof(prstatus));
		put_crash_note(cpu, saved ? &prstatus : NULL);
	}
	return p;
}

/*
 * VMCOREINFO and PRPSINFO, then the NT_PRSTATUS notes when @regs (the
 * panicking CPU's registers) is given, at @notes, which has room for
 * dr_notes_max() bytes.  Returns their size.
 */
size_t dr_notes_write(void *notes, struct pt_regs *regs)
{
	struct elf_prpsinfo psinfo = {
		.pr_state = 0,
		.pr_sname = 'R',
		.pr_nice = 0,
	};
	char crashtime[KELF_CRASHTIME_MAX];
	size_t ctlen = 0;
	void *p = notes;

	strscpy(psinfo.pr_fname, "vmlinux");
	strscpy(psinfo.pr_psargs, init_utsname()->release);
	/* The NMI-safe clock: no seqcount a stopped CPU may hold. */
	if (regs)
		ctlen = scnprintf(crashtime, sizeof(crashtime), "CRASHTIME=%llu\n",
				  div_u64(ktime_get_real_fast_ns(), NSEC_PER_SEC));
	if (vmcoreinfo_data && vmcoreinfo_size)
		p = put_note2(p, KELF_NOTE_NAME_VMCORE, 0, vmcoreinfo_data,
			      min_t(size_t, vmcoreinfo_size, VMCOREINFO_BYTES),
			      crashtime, ctlen);
	p = put_note(p, KELF_NOTE_NAME_CORE, NT_PRPSINFO, &psinfo,
		     sizeof(psinfo));
	if (regs)
		p = write_prstatus(p, regs);
	return p - notes;
}

/**
 * dr_panic_regs() - the panicking CPU's registers, for its NT_PRSTATUS
 * @regs: filled in
 */
void dr_panic_regs(struct pt_regs *regs)
{
	dr_arch_save_regs(regs);
	if (panic_in_progress())
		arch_dumpregion_panic_regs(regs);
}

/**
 * dr_cpu_task() - the task a stopped CPU was running
 * @cpu: a CPU other than the panicking one
 *
 * Return: the task current on @cpu when its stop handler saved its
 * registers, or NULL if it did not.
 */
struct task_struct *dr_cpu_task(unsigned int cpu)
{
	struct dr_cpu_regs *c = per_cpu_ptr(&dr_cpu_regs, cpu);

	return cpu_saved(c) ? c->task : NULL;
}

/* For the tests: forget registers saved by dumpregion_save_cpu_regs(). */
void dr_forget_cpu_regs(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		per_cpu_ptr(&dr_cpu_regs, cpu)->valid = false;
}
EXPORT_SYMBOL_IF_KUNIT(dr_forget_cpu_regs);
