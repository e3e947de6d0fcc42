// SPDX-License-Identifier: GPL-2.0-only
/*
 * KELF: the self-describing index of a dump.
 *
 * One region, named "kelf" and handed to every provider before any other,
 * holds an ELF64 core header for the machine: the ELF header, a PT_NOTE
 * segment (VMCOREINFO, NT_PRPSINFO, and once a panic happened an NT_PRSTATUS
 * for the panicking CPU and for each CPU the panic stopped), and one PT_LOAD
 * per physically contiguous run of every other region, with p_vaddr the
 * kernel virtual address (the kernel image address for image variables),
 * p_paddr the physical address and p_offset laying the runs out one after
 * another after the header.  A host tool that has the raw regions can thus
 * rebuild one ELF core file that
 * drgn and gdb open, whatever the firmware.
 *
 * Each region owns as many PT_LOAD slots as runs it can hold; unused ones
 * are PT_NULL.  The header is rebuilt from the registry on every sleeping
 * change, into the buffer firmware is not told about, which is then
 * published by moving the kelf region to it: firmware finds the old or the
 * new header, whole.  Atomic updates are folded in at panic, when the
 * published header's load segments are rewritten from each region's
 * published layout without locks or allocation.
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/dumpregion.h>
#include <linux/elf.h>
#include <linux/elfcore.h>
#include <linux/kallsyms.h>
#include <linux/kexec.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/vmcore_info.h>
#include <kunit/visibility.h>

#include "internal.h"

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

#if defined(CONFIG_ARM64) && defined(CONFIG_KALLSYMS)
#include <asm/compiler.h>

/*
 * The panicking CPU returns from the panic notifiers and goes on calling
 * functions from panic(), so by the time firmware copies memory the frames
 * below panic()'s own are overwritten and registers taken here would lead
 * a debugger into garbage.  Describe the CPU as it is in panic() instead:
 * follow the AAPCS64 frame records (x29 points at the caller's x29 and the
 * return address) from the captured registers to the first return address
 * inside panic().  The stack pointer becomes panic()'s frame pointer: the
 * compilers put the frame record at the bottom of the frame.  Reads cannot
 * fault; on any doubt @regs stays as it is.
 */
static void dr_rewind_to_panic(struct pt_regs *regs)
{
	unsigned long fp = regs->regs[29], rec[2], size, off;
	int depth;

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
#else
static void dr_rewind_to_panic(struct pt_regs *regs)
{
}
#endif

#define KELF_NOTE_NAME_CORE	"CORE"
#define KELF_NOTE_NAME_VMCORE	"VMCOREINFO"

struct dr_kelf {
	void *buf[2];
	unsigned int cur;	/* buffer firmware is told about */
	unsigned int nslots;	/* PT_LOAD slots in each buffer */
	size_t size;		/* bytes of each buffer */
};

static struct dr_kelf kelf;

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
 * Called by the architecture on each CPU that another CPU stops because the
 * kernel panicked (on arm64, the IPI_CPU_STOP handler), just before the CPU
 * parks.  The registers go into that CPU's NT_PRSTATUS note of the KELF
 * index, so a debugger can unwind what each CPU was doing.  Copies into
 * per-CPU storage only: safe in hard-IRQ and NMI context, no locks, no
 * allocation.
 */
void dumpregion_save_cpu_regs(struct pt_regs *regs)
{
	struct dr_cpu_regs *c = this_cpu_ptr(&dr_cpu_regs);

	if (!regs)
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

static size_t notes_max(void)
{
	return note_size(sizeof(KELF_NOTE_NAME_VMCORE), VMCOREINFO_BYTES) +
	       note_size(sizeof(KELF_NOTE_NAME_CORE), sizeof(struct elf_prpsinfo)) +
	       nr_cpu_ids * note_size(sizeof(KELF_NOTE_NAME_CORE),
				  sizeof(struct elf_prstatus));
}

static size_t hdr_size(unsigned int nslots)
{
	return sizeof(struct elf64_hdr) + (1 + nslots) * sizeof(struct elf64_phdr);
}

/* Append one note at @p; returns the byte after it. */
static void *put_note(void *p, const char *name, u32 type, const void *desc,
		      size_t descsz)
{
	struct elf_note *n = p;
	size_t namesz = strlen(name) + 1;

	n->n_namesz = namesz;
	n->n_descsz = descsz;
	n->n_type = type;
	p += sizeof(*n);
	memcpy(p, name, namesz);
	memset(p + namesz, 0, ALIGN(namesz, 4) - namesz);
	p += ALIGN(namesz, 4);
	memcpy(p, desc, descsz);
	memset(p + descsz, 0, ALIGN(descsz, 4) - descsz);
	return p + ALIGN(descsz, 4);
}

/*
 * At panic: one NT_PRSTATUS per CPU in CPU order, as kdump writes them
 * (debuggers such as drgn number CPUs by note order), up to the last CPU
 * whose registers are known: the panicking CPU's are @regs, the others'
 * were saved by their stop handlers; a CPU in between with none gets a
 * note with pid 0 and zeroed registers.  Returns the byte after them.
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

		if (cpu > last)
			break;
		memset(&prstatus, 0, sizeof(prstatus));
		if (cpu == self) {
			prstatus.common.pr_pid = current->pid;
			elf_core_copy_regs(&prstatus.pr_reg, regs);
		} else if (cpu_saved(c)) {
			prstatus.common.pr_pid = c->pid;
			elf_core_copy_regs(&prstatus.pr_reg, &c->regs);
		}
		p = put_note(p, KELF_NOTE_NAME_CORE, NT_PRSTATUS, &prstatus,
			     sizeof(prstatus));
	}
	return p;
}

/*
 * VMCOREINFO and PRPSINFO, then the NT_PRSTATUS notes when @regs (the
 * panicking CPU's registers) is given.  Returns their size.
 */
static size_t write_notes(void *notes, struct pt_regs *regs)
{
	struct elf_prpsinfo psinfo = {
		.pr_state = 0,
		.pr_sname = 'R',
		.pr_nice = 0,
	};
	void *p = notes;

	strscpy(psinfo.pr_fname, "vmlinux");
	strscpy(psinfo.pr_psargs, init_utsname()->release);
	if (vmcoreinfo_data && vmcoreinfo_size)
		p = put_note(p, KELF_NOTE_NAME_VMCORE, 0, vmcoreinfo_data,
			     min_t(size_t, vmcoreinfo_size, VMCOREINFO_BYTES));
	p = put_note(p, KELF_NOTE_NAME_CORE, NT_PRPSINFO, &psinfo,
		     sizeof(psinfo));
	if (regs)
		p = write_prstatus(p, regs);
	return p - notes;
}

static void write_ehdr(void *buf, unsigned int nslots, size_t notes_len)
{
	struct elf64_hdr *eh = buf;
	struct elf64_phdr *ph = buf + sizeof(*eh);
	size_t hsz = hdr_size(nslots);

	memset(eh, 0, sizeof(*eh));
	memcpy(eh->e_ident, ELFMAG, SELFMAG);
	eh->e_ident[EI_CLASS] = ELFCLASS64;
	eh->e_ident[EI_DATA] = ELF_DATA;
	eh->e_ident[EI_VERSION] = EV_CURRENT;
	eh->e_ident[EI_OSABI] = ELF_OSABI;
	eh->e_type = ET_CORE;
	eh->e_machine = ELF_ARCH;
	eh->e_version = EV_CURRENT;
	eh->e_phoff = sizeof(*eh);
	eh->e_ehsize = sizeof(*eh);
	eh->e_phentsize = sizeof(*ph);
	eh->e_phnum = 1 + nslots;

	memset(ph, 0, sizeof(*ph));
	ph->p_type = PT_NOTE;
	ph->p_offset = hsz;
	ph->p_paddr = 0;
	ph->p_filesz = notes_len;
	ph->p_memsz = notes_len;
}

/*
 * Fill the PT_LOAD slots of @buf from the registry.  @locked: with
 * dumpregion_mutex held (each region's lock is taken to read its layout);
 * otherwise the panic path, reading published layouts without locks.
 * Returns the slots used, or -ENOSPC.
 */
static int fill_loads(void *buf, unsigned int nslots, bool locked)
{
	struct elf64_phdr *ph = buf + sizeof(struct elf64_hdr) +
				sizeof(struct elf64_phdr);
	u64 off = hdr_size(nslots) + notes_max();
	struct dumpregion_run *runs;
	unsigned int slot = 0, i, n, cap;
	struct dumpregion *r;

	list_for_each_entry_rcu(r, dr_region_list(), node, locked) {
		if (dr_is_kelf(r))
			continue;
		cap = dr_region_runs(r, &runs, &n, locked);
		if (slot + cap > nslots)
			return -ENOSPC;
		for (i = 0; i < cap; i++, slot++) {
			struct elf64_phdr *p = &ph[slot];

			memset(p, 0, sizeof(*p));
			if (i >= n) {
				p->p_type = PT_NULL;
				continue;
			}
			p->p_type = PT_LOAD;
			p->p_flags = PF_R | PF_W | PF_X;
			p->p_offset = off;
			p->p_vaddr = runs[i].vaddr;
			p->p_paddr = runs[i].phys;
			p->p_filesz = runs[i].size;
			p->p_memsz = runs[i].size;
			p->p_align = 0;
			off += runs[i].size;
		}
		dr_region_runs_done(r, locked);
	}
	for (i = slot; i < nslots; i++) {
		memset(&ph[i], 0, sizeof(ph[i]));
		ph[i].p_type = PT_NULL;
	}
	return slot;
}

/* Slots all regions need, with dumpregion_mutex held. */
static unsigned int slots_needed(void)
{
	struct dumpregion_run *runs;
	struct dumpregion *r;
	unsigned int total = 0, n;

	list_for_each_entry(r, dr_region_list(), node) {
		if (dr_is_kelf(r))
			continue;
		total += dr_region_runs(r, &runs, &n, true);
		dr_region_runs_done(r, true);
	}
	return total;
}

/**
 * dr_kelf_rebuild() - rebuild the KELF header after a registry change
 *
 * Called with dumpregion_mutex held, after a region was registered,
 * unregistered or moved.  Grows the buffers when the registry outgrew
 * them.  Failures leave the previous header published and are logged.
 */
void dr_kelf_rebuild(void)
{
	unsigned int need, spare;
	void *old[2] = {};
	size_t size;
	int ret;

	if (!kelf.buf[0])
		return;
	need = slots_needed();
	if (need > kelf.nslots) {
		unsigned int nslots = max(need, 2 * kelf.nslots);
		void *b0, *b1;

		size = hdr_size(nslots) + notes_max();
		b0 = kzalloc(size, GFP_KERNEL);
		b1 = kzalloc(size, GFP_KERNEL);
		if (!b0 || !b1) {
			kfree(b0);
			kfree(b1);
			pr_warn_ratelimited("cannot grow the KELF header to %u segments\n",
					    nslots);
			return;
		}
		/* Publish b0 below; b1 is the new spare. */
		old[0] = kelf.buf[0];
		old[1] = kelf.buf[1];
		kelf.buf[0] = b1;
		kelf.buf[1] = b0;
		kelf.cur = 0;
		kelf.nslots = nslots;
		kelf.size = size;
	}
	spare = !kelf.cur;
	write_ehdr(kelf.buf[spare], kelf.nslots,
		   write_notes(kelf.buf[spare] + hdr_size(kelf.nslots), NULL));
	ret = fill_loads(kelf.buf[spare], kelf.nslots, true);
	if (ret < 0) {
		pr_warn_ratelimited("KELF header out of segments\n");
	} else {
		ret = dr_kelf_publish(kelf.buf[spare], kelf.size);
		if (!ret)
			kelf.cur = spare;
	}
	if (old[0]) {
		/* The panic path may still read the old buffers. */
		synchronize_rcu();
		kfree(old[0]);
		kfree(old[1]);
	}
}

/**
 * dr_kelf_panic() - make the published KELF header final
 *
 * Called on the panicking CPU with the other CPUs stopped.  Rewrites the
 * load segments from each region's published layout (folding in atomic
 * updates) and adds the registers of the panicking CPU and of the CPUs
 * stopped by the panic.  No locks, no allocation.
 */
void dr_kelf_panic(void)
{
	void *buf = READ_ONCE(kelf.buf[kelf.cur]);
	struct pt_regs regs;

	if (!buf)
		return;
	dr_arch_save_regs(&regs);
	if (panic_in_progress())
		dr_rewind_to_panic(&regs);
	rcu_read_lock();
	fill_loads(buf, kelf.nslots, false);
	rcu_read_unlock();
	write_ehdr(buf, kelf.nslots,
		   write_notes(buf + hdr_size(kelf.nslots), &regs));
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_panic);

/**
 * dr_kelf_init() - allocate the KELF buffers and register the kelf region
 *
 * Called once from the core's init, before providers exist.
 *
 * Return: 0 or a negative errno.
 */
int __init dr_kelf_init(void)
{
	kelf.nslots = 64;
	kelf.size = hdr_size(kelf.nslots) + notes_max();
	kelf.buf[0] = kzalloc(kelf.size, GFP_KERNEL);
	kelf.buf[1] = kzalloc(kelf.size, GFP_KERNEL);
	if (!kelf.buf[0] || !kelf.buf[1]) {
		kfree(kelf.buf[0]);
		kfree(kelf.buf[1]);
		kelf.buf[0] = NULL;
		return -ENOMEM;
	}
	return dr_kelf_register(kelf.buf[0], kelf.size);
}

/**
 * dr_kelf_cpu_task() - the task a stopped CPU was running
 * @cpu: a CPU other than the panicking one
 *
 * Return: the task current on @cpu when its stop handler saved its
 * registers, or NULL if it did not.
 */
struct task_struct *dr_kelf_cpu_task(unsigned int cpu)
{
	struct dr_cpu_regs *c = per_cpu_ptr(&dr_cpu_regs, cpu);

	return cpu_saved(c) ? c->task : NULL;
}

/* For the tests: forget registers saved by dumpregion_save_cpu_regs(). */
void dr_kelf_forget_cpu_regs(void)
{
	unsigned int cpu;

	for_each_possible_cpu(cpu)
		per_cpu_ptr(&dr_cpu_regs, cpu)->valid = false;
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_forget_cpu_regs);

/* For the tests: the published header and its size. */
const void *dr_kelf_current(size_t *size)
{
	*size = kelf.size;
	return kelf.buf[kelf.cur];
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_current);
