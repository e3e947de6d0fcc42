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
 * are PT_NULL.  More than 65534 program headers use ELF extended
 * numbering: e_phnum is PN_XNUM and the count is in the sh_info of the one
 * section header, which always follows the program headers.
 *
 * The header is rebuilt from the registry on every sleeping change, into
 * the buffer firmware is not told about, which is then published by moving
 * the kelf region to it: firmware finds the old or the new header, whole.
 * The kelf region's published layout is the only pointer to the current
 * buffer; the panic path follows it too (and derives the buffer's size
 * from it), so it finalises exactly the buffer firmware is told about.
 * Atomic updates are folded in at panic, when the published header's load
 * segments are rewritten from each region's published layout without
 * locks or allocation.
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/dumpregion.h>
#include <linux/dumpregion/arch.h>
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

/* The two buffers; written with dumpregion_mutex held, never at panic. */
struct dr_kelf {
	void *buf[2];
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

static size_t notes_max(void)
{
	return note_size(sizeof(KELF_NOTE_NAME_VMCORE), VMCOREINFO_BYTES) +
	       note_size(sizeof(KELF_NOTE_NAME_CORE), sizeof(struct elf_prpsinfo)) +
	       nr_cpu_ids * note_size(sizeof(KELF_NOTE_NAME_CORE),
				  sizeof(struct elf_prstatus));
}

/* ELF header, PT_NOTE and @nslots PT_LOAD headers, one section header. */
static size_t hdr_size(unsigned int nslots)
{
	return sizeof(struct elf64_hdr) +
	       (1 + (size_t)nslots) * sizeof(struct elf64_phdr) +
	       sizeof(struct elf64_shdr);
}

/* The slots of a buffer of @size bytes (the inverse of hdr_size()). */
static unsigned int slots_in(size_t size)
{
	size_t fixed = hdr_size(0) + notes_max();

	return size < fixed ? 0 : (size - fixed) / sizeof(struct elf64_phdr);
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

/*
 * The ELF header and PT_NOTE header for @nslots load slots and notes of
 * @notes_len bytes.  Returns the number of program headers.
 */
VISIBLE_IF_KUNIT size_t dr_kelf_write_ehdr(void *buf, unsigned int nslots,
					   size_t notes_len)
{
	struct elf64_hdr *eh = buf;
	struct elf64_phdr *ph = buf + sizeof(*eh);
	size_t phnum = 1 + (size_t)nslots;
	struct elf64_shdr *sh = (void *)(ph + phnum);

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

	/* e_phnum is 16 bits: beyond, extended numbering (gABI, as coredumps). */
	memset(sh, 0, sizeof(*sh));
	if (phnum >= PN_XNUM) {
		eh->e_phnum = PN_XNUM;
		eh->e_shoff = (void *)sh - buf;
		eh->e_shentsize = sizeof(*sh);
		eh->e_shnum = 1;
		eh->e_shstrndx = SHN_UNDEF;
		sh->sh_type = SHT_NULL;
		sh->sh_size = 1;
		sh->sh_info = phnum;
	} else {
		eh->e_phnum = phnum;
	}

	memset(ph, 0, sizeof(*ph));
	ph->p_type = PT_NOTE;
	ph->p_offset = hdr_size(nslots);
	ph->p_paddr = 0;
	ph->p_filesz = notes_len;
	ph->p_memsz = notes_len;
	return phnum;
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_write_ehdr);

/*
 * Write the @cap slots a region owns from its layout @l, at *@slot of @ph,
 * PT_NULL past its runs.  Returns false, writing nothing, when they would
 * not fit in @nslots.
 */
static bool put_loads(struct elf64_phdr *ph, unsigned int nslots,
		      unsigned int *slot, u64 *off, const struct dr_layout *l,
		      unsigned int cap)
{
	unsigned int i, n = min(l->nr_runs, cap);

	if (cap > nslots - *slot)
		return false;
	for (i = 0; i < cap; i++, (*slot)++) {
		struct elf64_phdr *p = &ph[*slot];

		memset(p, 0, sizeof(*p));
		if (i >= n) {
			p->p_type = PT_NULL;
			continue;
		}
		p->p_type = PT_LOAD;
		p->p_flags = PF_R | PF_W | PF_X;
		p->p_offset = *off;
		p->p_vaddr = l->runs[i].vaddr;
		p->p_paddr = l->runs[i].phys;
		p->p_filesz = l->runs[i].size;
		p->p_memsz = l->runs[i].size;
		*off += l->runs[i].size;
	}
	return true;
}

static struct elf64_phdr *load_slots(void *buf)
{
	return buf + sizeof(struct elf64_hdr) + sizeof(struct elf64_phdr);
}

static void clear_slots(struct elf64_phdr *ph, unsigned int from,
			unsigned int nslots)
{
	for (; from < nslots; from++) {
		memset(&ph[from], 0, sizeof(ph[from]));
		ph[from].p_type = PT_NULL;
	}
}

/*
 * Fill the PT_LOAD slots of @buf from the registry, with dumpregion_mutex
 * held, taking each region's lock to read its layout.  Returns the slots
 * used, or -ENOSPC.
 */
static int fill_loads_locked(void *buf, unsigned int nslots)
{
	struct elf64_phdr *ph = load_slots(buf);
	u64 off = hdr_size(nslots) + notes_max();
	unsigned int slot = 0;
	struct dumpregion *r;
	bool fits;

	list_for_each_entry(r, dr_region_list(), node) {
		if (dr_is_kelf(r))
			continue;
		spin_lock_irq(&r->lock);
		fits = put_loads(ph, nslots, &slot, &off,
				 rcu_dereference_protected(r->cur,
							   lockdep_is_held(&r->lock)),
				 r->capacity);
		spin_unlock_irq(&r->lock);
		if (!fits)
			return -ENOSPC;
	}
	clear_slots(ph, slot, nslots);
	return slot;
}

/*
 * At panic, without locks: rewrite the PT_LOAD slots of the published
 * @buf from each region's published layout (its previous one when a
 * provider could not follow the move: see dumpregion.panic_stale).  Nothing is written unless
 * every region fits (a registration a stopped CPU left half done may have
 * grown the registry past the header).
 */
static void fill_loads_panic(void *buf, unsigned int nslots)
{
	struct elf64_phdr *ph = load_slots(buf);
	u64 off = hdr_size(nslots) + notes_max();
	unsigned int slot = 0;
	struct dumpregion *r;
	u64 need = 0;

	list_for_each_entry_rcu(r, dr_region_list(), node)
		if (!dr_is_kelf(r))
			need += READ_ONCE(r->capacity);
	if (need > nslots)
		return;
	list_for_each_entry_rcu(r, dr_region_list(), node) {
		const struct dr_layout *l = rcu_dereference(r->cur);

		if (dr_is_kelf(r))
			continue;
		/* A provider kept the layout before the move: describe that. */
		if (READ_ONCE(r->panic_stale))
			l = r->spare;
		if (!put_loads(ph, nslots, &slot, &off, l, READ_ONCE(r->capacity)))
			break;
	}
	clear_slots(ph, slot, nslots);
}

/* Slots all regions need, with dumpregion_mutex held. */
static unsigned int slots_needed(void)
{
	struct dumpregion *r;
	unsigned int total = 0;

	list_for_each_entry(r, dr_region_list(), node) {
		if (dr_is_kelf(r))
			continue;
		spin_lock_irq(&r->lock);
		total += r->capacity;
		spin_unlock_irq(&r->lock);
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
	unsigned int need;
	void *old[2] = {};
	const void *pub;
	void *spare;
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
		/*
		 * Neither new buffer is published yet; the old ones stay
		 * readable by the panic path until a grace period after the
		 * region moved to a new one.
		 */
		old[0] = kelf.buf[0];
		old[1] = kelf.buf[1];
		kelf.buf[0] = b0;
		kelf.buf[1] = b1;
		kelf.nslots = nslots;
		kelf.size = size;
	}
	pub = dr_kelf_published(&size);
	spare = kelf.buf[0] == pub ? kelf.buf[1] : kelf.buf[0];
	dr_kelf_write_ehdr(spare, kelf.nslots,
			   write_notes(spare + hdr_size(kelf.nslots), NULL));
	ret = fill_loads_locked(spare, kelf.nslots);
	if (ret < 0)
		pr_warn_ratelimited("KELF header out of segments\n");
	else
		ret = dr_kelf_publish(spare, kelf.size);
	if (old[0]) {
		if (ret) {
			/* Still published: keep the old pair. */
			swap(old[0], kelf.buf[0]);
			swap(old[1], kelf.buf[1]);
			kelf.nslots = slots_in(size);
			kelf.size = size;
		} else {
			/* The panic path may still read the old buffers. */
			synchronize_rcu();
		}
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
 * stopped by the panic, in the buffer the kelf region points firmware at.
 * No locks, no allocation.
 */
void dr_kelf_panic(void)
{
	unsigned int nslots;
	struct pt_regs regs;
	size_t size;
	void *buf;

	rcu_read_lock();
	buf = (void *)dr_kelf_published(&size);
	nslots = slots_in(size);
	if (buf && size == hdr_size(nslots) + notes_max()) {
		dr_arch_save_regs(&regs);
		if (panic_in_progress())
			dr_rewind_to_panic(&regs);
		fill_loads_panic(buf, nslots);
		dr_kelf_write_ehdr(buf, nslots,
				   write_notes(buf + hdr_size(nslots), &regs));
	}
	rcu_read_unlock();
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
	const void *buf;

	rcu_read_lock();
	buf = dr_kelf_published(size);
	rcu_read_unlock();
	return buf;
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_current);

#if IS_ENABLED(CONFIG_KUNIT)
/* For the tests: rebuild the header a test's dr_kelf_panic() finalised. */
void dr_kelf_restore(void)
{
	mutex_lock(dumpregion_registration_lock());
	dr_kelf_rebuild();
	mutex_unlock(dumpregion_registration_lock());
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_restore);

/**
 * dumpregion_test_undo_panic() - undo a test's run of the panic finaliser
 *
 * Points the built-in clients' task and stack regions back at the idle
 * tasks, forgets saved CPU registers and rebuilds the KELF index, so the
 * registry is as before the test (KUnit only).
 */
void dumpregion_test_undo_panic(void)
{
	dr_clients_panic_undo();
	dr_kelf_forget_cpu_regs();
	dr_kelf_restore();
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_undo_panic);
#endif
