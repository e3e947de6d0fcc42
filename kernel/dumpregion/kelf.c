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
 * rebuild one ELF core file that drgn and gdb open, whatever the firmware.
 *
 * Each region owns as many consecutive PT_LOAD slots as runs it can hold,
 * in registration order; unused ones are PT_NULL.  More than 65534 program
 * headers use ELF extended numbering: e_phnum is PN_XNUM and the count is
 * in the sh_info of the one section header, which follows the program
 * headers.
 *
 * Two ways to change it, so that the published header is always whole and
 * its loads always back to back:
 *
 * - Registration, unregistration and any change of a region's size or run
 *   capacity rebuild the whole header, with dumpregion_mutex held, into a
 *   new buffer (dr_kelf_prepare(), then dr_kelf_install() under
 *   the KELF lock while the core moves the kelf region to it).  The old
 *   buffer is freed once every provider has let go of it and a grace
 *   period has passed (dr_kelf_release()).  Cost: O(regions) per change,
 *   a few hundred regions on real devices.
 *
 * - A move that keeps the region's size (dumpregion_update_atomic(), the
 *   panic path) rewrites that region's slots in place under the KELF lock
 *   (dr_kelf_write()): the others' offsets do not change.
 *
 * The KELF lock, dr_kelf_lock, protects @kelf, the slots of the
 * published header and each region's kslot, knr, koff and ksize.  It nests
 * inside a region's lock and outside the kelf region's lock and the
 * providers' locks.  At panic it is only tried.
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/dumpregion.h>
#include <linux/dumpregion/arch.h>
#include <linux/elf.h>
#include <linux/elfcore.h>
#include <linux/kexec.h>
#include <linux/llist.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/rcupdate.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
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

/**
 * struct dr_kelf - the KELF index's buffers
 * @buf: the published header, or NULL before the first dr_kelf_install()
 * @size: bytes of @buf
 * @nslots: PT_LOAD slots in @buf
 * @prev: while the kelf region moves to @buf, the buffer providers not yet
 *	told still point firmware at (the panic path finalises both)
 * @spare: the next header, allocated by dr_kelf_prepare()
 * @spare_size: bytes of @spare
 * @spare_slots: PT_LOAD slots in @spare
 *
 * @buf, @size, @nslots and @prev change under the KELF lock; @spare and its
 * sizes with dumpregion_mutex held.
 */
struct dr_kelf {
	void *buf;
	size_t size;
	unsigned int nslots;
	void *prev;
	void *spare;
	size_t spare_size;
	unsigned int spare_slots;
};

static struct dr_kelf kelf;

/* Past the end of a replaced header, where it waits to be freed. */
struct dr_kelf_retired {
	struct llist_node node;
	void *buf;
};

static LLIST_HEAD(dr_kelf_retired);
/* The KELF lock: see the top of the file. */
DEFINE_SPINLOCK(dr_kelf_lock);

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

/* What to allocate for a header of @size bytes: see dr_kelf_retire(). */
static size_t alloc_size(size_t size)
{
	return ALIGN(size, 8) + sizeof(struct dr_kelf_retired);
}

/* The slots of a header dr_kelf_write_ehdr() wrote. */
static unsigned int slots_of(const void *buf)
{
	const struct elf64_hdr *eh = buf;
	const struct elf64_shdr *sh = buf + eh->e_shoff;

	return (eh->e_phnum == PN_XNUM ? sh->sh_info : eh->e_phnum) - 1;
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

static struct elf64_phdr *load_slots(void *buf)
{
	return buf + sizeof(struct elf64_hdr) + sizeof(struct elf64_phdr);
}

/* Where the loads' bytes start in a dump file: after header and notes. */
static u64 data_start(unsigned int nslots)
{
	return hdr_size(nslots) + notes_max();
}

static bool slot_is(const struct elf64_phdr *p, const struct dr_layout *l,
		    unsigned int i, u64 off)
{
	return p->p_type == PT_LOAD && p->p_offset == off &&
	       p->p_paddr == l->runs[i].phys && p->p_vaddr == l->va[i] &&
	       p->p_filesz == l->runs[i].size;
}

/*
 * Describe @l in @r's slots of @buf, from file offset @r->koff.  Slots that
 * change are hidden (PT_NULL) first, all of them, then filled, then shown
 * again: a reader sees each load whole and never two that overlap in the
 * file.  Slots past the layout's runs are PT_NULL at the offset after it.
 */
static void write_slots(void *buf, const struct dumpregion *r,
			const struct dr_layout *l)
{
	struct elf64_phdr *ph = load_slots(buf) + r->kslot;
	unsigned int i;
	u64 off;

	for (i = 0, off = r->koff; i < r->knr; i++) {
		if (i >= l->nr_runs || !slot_is(&ph[i], l, i, off))
			WRITE_ONCE(ph[i].p_type, PT_NULL);
		if (i < l->nr_runs)
			off += l->runs[i].size;
	}
	/* Every changing slot hidden before any of them changes. */
	smp_wmb();
	for (i = 0, off = r->koff; i < r->knr; i++) {
		struct elf64_phdr *p = &ph[i];

		p->p_offset = off;
		if (i >= l->nr_runs || p->p_type == PT_LOAD)
			continue;
		p->p_flags = PF_R | PF_W | PF_X;
		p->p_vaddr = l->va[i];
		p->p_paddr = l->runs[i].phys;
		p->p_filesz = l->runs[i].size;
		p->p_memsz = l->runs[i].size;
		off += l->runs[i].size;
	}
	/* Every field written before a slot is a load again. */
	smp_wmb();
	for (i = 0; i < min(r->knr, l->nr_runs); i++)
		WRITE_ONCE(ph[i].p_type, PT_LOAD);
}

/**
 * dr_kelf_write() - describe a region's new layout in place
 * @r: the region, not the kelf one
 * @l: its new layout
 *
 * With @r->lock and the KELF lock held; no allocation.  Cost: the region's
 * slots.  A layout of another size, or of more runs than the region has
 * slots, does not fit in place: the slots are left as they are, for the
 * rebuild that follows such a change (dr_kelf_install()).
 */
void dr_kelf_write(struct dumpregion *r, const struct dr_layout *l)
{
	lockdep_assert_held(&dr_kelf_lock);
	if (!kelf.buf || r->kslot == DR_NO_SLOT || l->size != r->ksize ||
	    l->nr_runs > r->knr)
		return;
	write_slots(kelf.buf, r, l);
}

/**
 * dr_kelf_prepare() - allocate the next KELF header
 * @regions: the registry's regions
 * @extra: slots to add to those of @regions (a region about to be
 *	registered, or to grow)
 * @gfp: GFP_KERNEL; with __GFP_NOFAIL where the change cannot fail
 *	(unregistration: the header only shrinks)
 * @size: set to the new header's size in bytes
 *
 * With dumpregion_mutex held.  The buffer is used by the next
 * dr_kelf_install(), or freed by the next dr_kelf_prepare().
 *
 * Return: the buffer, or NULL when out of memory.
 */
void *dr_kelf_prepare(struct list_head *regions, unsigned int extra,
		      gfp_t gfp, size_t *size)
{
	unsigned int nslots = extra;
	struct dumpregion *r;

	list_for_each_entry(r, regions, node)
		if (!r->internal)
			nslots += r->capacity;
	kvfree(kelf.spare);
	kelf.spare_slots = nslots;
	kelf.spare_size = hdr_size(nslots) + notes_max();
	kelf.spare = kvzalloc(alloc_size(kelf.spare_size), gfp);
	*size = kelf.spare_size;
	return kelf.spare;
}

/**
 * dr_kelf_install() - publish the prepared header, filled from @regions
 * @regions: the registry's regions, all with their current layouts
 *
 * With dumpregion_mutex and the KELF lock held, after dr_kelf_prepare()
 * succeeded.  Lays every region's slots out back to back; @kelf.buf is the
 * new header from here on, and the old one stays finalisable (@kelf.prev)
 * until dr_kelf_installed().  The layouts read here are stable: a region's
 * writer that published a layout waits for the KELF lock before it can
 * change the layout again, and then describes its own change in the new
 * header.
 *
 * Return: the old header, for dr_kelf_release(), or NULL.
 */
void *dr_kelf_install(struct list_head *regions)
{
	void *buf = kelf.spare, *old = kelf.buf;
	unsigned int slot = 0, nslots = kelf.spare_slots;
	u64 off = data_start(nslots);
	struct dumpregion *r;

	lockdep_assert_held(&dr_kelf_lock);
	if (WARN_ON_ONCE(!buf))
		return NULL;
	dr_kelf_write_ehdr(buf, nslots, write_notes(buf + hdr_size(nslots),
						    NULL));
	list_for_each_entry(r, regions, node) {
		const struct dr_layout *l = rcu_dereference_raw(r->cur);

		if (r->internal)
			continue;
		if (WARN_ON_ONCE(r->capacity > nslots - slot)) {
			r->kslot = DR_NO_SLOT;
			continue;
		}
		r->kslot = slot;
		r->knr = r->capacity;
		r->koff = off;
		r->ksize = l->size;
		write_slots(buf, r, l);
		slot += r->capacity;
		off += l->size;
	}
	for (; slot < nslots; slot++)
		load_slots(buf)[slot].p_offset = off;
	kelf.prev = old;
	/* The header is whole before the panic path can see it. */
	smp_wmb();
	WRITE_ONCE(kelf.buf, buf);
	kelf.size = kelf.spare_size;
	kelf.nslots = nslots;
	kelf.spare = NULL;
	return old;
}

/**
 * dr_kelf_installed() - the kelf region now points firmware at the new header
 *
 * With the KELF lock held.
 */
void dr_kelf_installed(void)
{
	lockdep_assert_held(&dr_kelf_lock);
	WRITE_ONCE(kelf.prev, NULL);
}

/**
 * dr_kelf_retire() - queue a header dr_kelf_install() replaced
 * @old: the old header, or NULL
 *
 * For a caller that does not wait for the providers' sync ops itself:
 * dr_kelf_free_retired() frees it once they ran.  No allocation: the
 * entry lives past the header's end (alloc_size()).
 */
void dr_kelf_retire(void *old)
{
	struct dr_kelf_retired *t;

	if (!old)
		return;
	t = old + ALIGN(hdr_size(slots_of(old)) + notes_max(), 8);
	t->buf = old;
	llist_add(&t->node, &dr_kelf_retired);
}

/**
 * dr_kelf_take_retired() - the headers retired so far
 *
 * Return: them, for dr_kelf_free_retired() after a sync of the providers
 * that began after this call.
 */
struct llist_node *dr_kelf_take_retired(void)
{
	return llist_del_all(&dr_kelf_retired);
}

/**
 * dr_kelf_free_retired() - free headers from dr_kelf_take_retired()
 * @list: the headers
 */
void dr_kelf_free_retired(struct llist_node *list)
{
	struct dr_kelf_retired *t, *tmp;

	llist_for_each_entry_safe(t, tmp, list, node)
		dr_kelf_release(t->buf);
}

/**
 * dr_kelf_release() - free a header dr_kelf_install() replaced
 * @old: the old header, or NULL
 *
 * Without dumpregion_mutex, after the providers' sync ops ran (a provider
 * that defers firmware calls may list @old until then).  The panic path
 * may still read it: it is freed after a grace period.  May sleep.
 */
void dr_kelf_release(void *old)
{
	might_sleep();
	kvfree_rcu_mightsleep(old);
}

/* Finalise one header: the notes with the registers, then their size. */
static void finalise(void *buf, unsigned int nslots, struct pt_regs *regs)
{
	struct elf64_phdr *note = buf + sizeof(struct elf64_hdr);
	size_t len;

	/* VMCOREINFO and PRPSINFO rewritten as they were, NT_PRSTATUS after. */
	len = write_notes(buf + hdr_size(nslots), regs);
	/* The notes are written before a reader can see their new size. */
	smp_wmb();
	WRITE_ONCE(note->p_filesz, len);
	WRITE_ONCE(note->p_memsz, len);
}

/**
 * dr_kelf_panic() - make the published KELF header final
 *
 * Called on the panicking CPU with the other CPUs stopped.  Adds the
 * registers of the panicking CPU and of the CPUs stopped by the panic to
 * the header, and to the previous one if a CPU was stopped while moving
 * the kelf region (providers not yet told still have that one).  Moves
 * made during the panic are already in the slots.  Only the notes and the
 * PT_NOTE sizes change; no locks, no allocation.
 */
void dr_kelf_panic(void)
{
	void *buf = READ_ONCE(kelf.buf), *prev = READ_ONCE(kelf.prev);
	struct pt_regs regs;

	if (!buf)
		return;
	dr_arch_save_regs(&regs);
	if (panic_in_progress())
		arch_dumpregion_panic_regs(&regs);
	/* Pairs with the smp_wmb() in dr_kelf_install(). */
	smp_rmb();
	/* The old header is freed after a grace period (dr_kelf_release()). */
	rcu_read_lock();
	finalise(buf, slots_of(buf), &regs);
	if (prev)
		finalise(prev, slots_of(prev), &regs);
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_panic);

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
	unsigned long flags;
	const void *buf;

	spin_lock_irqsave(&dr_kelf_lock, flags);
	buf = kelf.buf;
	*size = kelf.size;
	spin_unlock_irqrestore(&dr_kelf_lock, flags);
	return buf;
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_current);
