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
 * Each region owns a contiguous range of PT_LOAD slots, as many as runs
 * it can hold; unused ones are PT_NULL.  More than 65534 program headers
 * use ELF extended numbering: e_phnum is PN_XNUM and the count is in the
 * sh_info of the one section header, which always follows the program
 * headers.
 *
 * Cost does not grow with the number of regions.  A change rewrites only
 * the changed region's slots, in the published header, under the region's
 * lock (from dumpregion_update_atomic() and the panic path too): each slot
 * is made PT_NULL, filled, then made PT_LOAD again, so a reader sees it
 * whole or not at all.  New regions take slots at the end of the table;
 * ranges of unregistered regions are reused, by size, only when the table
 * is full; a full table doubles into a new buffer, which is then published
 * by moving the kelf region (providers are told as for any move).
 *
 * File offsets: consumers that write the header verbatim and append the
 * loads in program header order (Qualcomm's qdl) need every p_offset to be
 * the sum of the loads before it.  A region that keeps its size (a move,
 * as the panic path makes) or that is added at the end keeps the others'
 * offsets right; any other change marks the offsets dirty, and a pass over
 * the slot array (no region walked, no lock) fixes them: from a work item
 * soon after, or at panic if still dirty.
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/dumpregion.h>
#include <linux/dumpregion/arch.h>
#include <linux/elf.h>
#include <linux/elfcore.h>
#include <linux/kexec.h>
#include <linux/panic.h>
#include <linux/percpu.h>
#include <linux/rculist.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/seqlock.h>
#include <linux/uaccess.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>
#include <linux/vmcore_info.h>
#include <linux/workqueue.h>
#include <linux/xarray.h>
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
 * struct dr_kelf - the KELF index's buffer and slot allocator
 * @buf: the header firmware is told about
 * @next: while the table grows, the bigger header being filled: slot
 *	writers write both
 * @nslots: PT_LOAD slots in @buf
 * @size: bytes of @buf
 * @top: slots below were handed out at some point; above, never
 * @file_end: while the offsets are clean, the p_offset after the last load
 * @free: ranges of unregistered regions, by length: an xarray of
 *	struct dr_kfree stacks
 * @dirty: the file offsets need a pass
 * @pass_seq: odd while a pass runs (slot writers check it)
 * @pass_work: runs the pass soon after the offsets became dirty
 *
 * @buf, @next, @nslots, @size, @top, @file_end and @free change with
 * dumpregion_mutex held; slots are written under their region's lock.
 */
struct dr_kelf {
	void *buf;
	void *next;
	unsigned int nslots;
	size_t size;
	unsigned int top;
	u64 file_end;
	struct xarray free;
	unsigned long dirty;
	seqcount_t pass_seq;
	struct delayed_work pass_work;
};

/* Free slot ranges of one length, a stack. */
struct dr_kfree {
	unsigned int nr, max;
	unsigned int *start;
};

static struct dr_kelf kelf = {
	.free = XARRAY_INIT(kelf.free, 0),
};

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

static struct elf64_phdr *load_slots(void *buf)
{
	return buf + sizeof(struct elf64_hdr) + sizeof(struct elf64_phdr);
}

/* Where the loads' bytes start in a dump file: after header and notes. */
static u64 data_start(unsigned int nslots)
{
	return hdr_size(nslots) + notes_max();
}

/*
 * Give every slot of @buf below @top its p_offset: the loads back to back
 * in slot order, a PT_NULL slot at the offset of the load after it.
 * Returns the end.  No lock: slot writers racing with it see @pass_seq
 * move and mark the offsets dirty again.
 */
static u64 offsets_pass(void *buf, unsigned int nslots, unsigned int top)
{
	struct elf64_phdr *ph = load_slots(buf);
	u64 off = data_start(nslots);
	unsigned int i;

	for (i = 0; i < min(top, nslots); i++) {
		WRITE_ONCE(ph[i].p_offset, off);
		if (READ_ONCE(ph[i].p_type) == PT_LOAD)
			off += READ_ONCE(ph[i].p_filesz);
	}
	return off;
}

static void dr_kelf_mark_dirty(void)
{
	/* The slots are written before a pass can see the flag. */
	smp_mb__before_atomic();
	set_bit(0, &kelf.dirty);
	if (!dr_panicking())
		queue_delayed_work(system_unbound_wq, &kelf.pass_work, HZ / 10);
}

/* Serialises passes: the work item and dr_kelf_flush(). */
static DEFINE_MUTEX(dr_kelf_pass_lock);

/*
 * The pass itself runs without dumpregion_mutex, so that registrations go
 * on meanwhile: writers that overlap it see @pass_seq odd or moved and
 * mark the offsets dirty again; a table that grew or gained slots meanwhile
 * does the same here.  The RCU read side keeps @buf until the pass ends.
 */
static void dr_kelf_pass_fn(struct work_struct *work)
{
	unsigned int nslots, top;
	void *buf;
	u64 end;

	mutex_lock(&dr_kelf_pass_lock);
	mutex_lock(dumpregion_registration_lock());
	if (!test_and_clear_bit(0, &kelf.dirty)) {
		mutex_unlock(dumpregion_registration_lock());
		goto out;
	}
	/* Slot writes before the flag was cleared are seen below. */
	smp_mb__after_atomic();
	buf = kelf.buf;
	nslots = kelf.nslots;
	top = kelf.top;
	raw_write_seqcount_begin(&kelf.pass_seq);
	mutex_unlock(dumpregion_registration_lock());

	rcu_read_lock();
	end = offsets_pass(buf, nslots, top);
	rcu_read_unlock();

	mutex_lock(dumpregion_registration_lock());
	raw_write_seqcount_end(&kelf.pass_seq);
	if (kelf.buf == buf && kelf.top == top)
		kelf.file_end = end;
	else
		dr_kelf_mark_dirty();
	mutex_unlock(dumpregion_registration_lock());
out:
	mutex_unlock(&dr_kelf_pass_lock);
}

/*
 * Write @l into @r's slots of @buf; PT_NULL past its runs.  Returns true
 * when the region's share of the file changed size (the offsets after it
 * move).
 */
static bool write_slots(void *buf, const struct dumpregion *r,
			const struct dr_layout *l)
{
	struct elf64_phdr *ph = load_slots(buf) + r->kslot;
	u64 off = READ_ONCE(ph[0].p_offset), before = 0;
	unsigned int i;

	for (i = 0; i < r->capacity; i++) {
		struct elf64_phdr *p = &ph[i];
		const struct dumpregion_run *run;

		if (READ_ONCE(p->p_type) == PT_LOAD)
			before += p->p_filesz;
		WRITE_ONCE(p->p_offset, off);
		if (i >= l->nr_runs) {
			WRITE_ONCE(p->p_type, PT_NULL);
			continue;
		}
		run = &l->runs[i];
		off += run->size;
		if (p->p_type == PT_LOAD && p->p_paddr == run->phys &&
		    p->p_vaddr == l->va[i] && p->p_filesz == run->size)
			continue;
		/* Hidden while it changes: readers see it whole or not at all. */
		WRITE_ONCE(p->p_type, PT_NULL);
		/* PT_NULL visible before any field changes. */
		smp_wmb();
		p->p_flags = PF_R | PF_W | PF_X;
		p->p_vaddr = l->va[i];
		p->p_paddr = run->phys;
		p->p_filesz = run->size;
		p->p_memsz = run->size;
		/* Every field visible before the slot is a load again. */
		smp_wmb();
		WRITE_ONCE(p->p_type, PT_LOAD);
	}
	return before != l->size;
}

/**
 * dr_kelf_write() - describe a region's layout in the KELF index
 * @r: the region, with slots (dr_kelf_alloc())
 * @l: the layout to describe; NULL to describe nothing (all PT_NULL)
 *
 * Called with @r->lock held, or at panic with it trylocked: no other lock,
 * no allocation.  Cost: the region's slots.
 */
void dr_kelf_write(struct dumpregion *r, const struct dr_layout *l)
{
	static const struct dr_layout none;
	void *buf = READ_ONCE(kelf.buf), *next = READ_ONCE(kelf.next);
	unsigned int seq;
	bool resized;

	if (r->kslot == DR_NO_SLOT || !buf)
		return;
	lockdep_assert_held(&r->lock);
	if (!l)
		l = &none;
	seq = raw_read_seqcount(&kelf.pass_seq);
	resized = write_slots(buf, r, l);
	if (next)
		write_slots(next, r, l);
	/* Added at the end: dr_kelf_alloc() accounted for its size. */
	if (r->kappend) {
		r->kappend = false;
		resized = false;
	}
	/* A pass ran meanwhile and may have used offsets from before. */
	if (resized || (seq & 1) || read_seqcount_retry(&kelf.pass_seq, seq))
		dr_kelf_mark_dirty();
}

static void free_range_push(unsigned int start, unsigned int len)
{
	struct dr_kfree *f = xa_load(&kelf.free, len);
	unsigned int *more;

	if (!f) {
		f = kzalloc(sizeof(*f), GFP_KERNEL);
		if (!f || xa_err(xa_store(&kelf.free, len, f, GFP_KERNEL))) {
			kfree(f);
			return;		/* the slots stay unused */
		}
	}
	if (f->nr == f->max) {
		more = krealloc_array(f->start, max(2 * f->max, 8U),
				      sizeof(*more), GFP_KERNEL);
		if (!more)
			return;
		f->start = more;
		f->max = max(2 * f->max, 8U);
	}
	f->start[f->nr++] = start;
}

/* A free range of at least @len slots, its surplus freed again. */
static unsigned int free_range_pop(unsigned int len)
{
	unsigned long have = len;
	struct dr_kfree *f;
	unsigned int start;

	xa_for_each_start(&kelf.free, have, f, len) {
		if (!f->nr)
			continue;
		start = f->start[--f->nr];
		if (have > len)
			free_range_push(start + len, have - len);
		return start;
	}
	return DR_NO_SLOT;
}

/*
 * Double the table (at least to @need slots) into a new buffer: slot
 * writers write both buffers while it fills, then the kelf region moves to
 * it.  With dumpregion_mutex held.  Returns 0 or -ENOMEM.
 */
static int grow(unsigned int need)
{
	unsigned int nslots = max(need, 2 * kelf.nslots);
	size_t size = hdr_size(nslots) + notes_max();
	void *old = kelf.buf, *b;
	int ret;

	b = kvzalloc(size, GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	WRITE_ONCE(kelf.next, b);
	/* Writers that did not see @next are done before the copy. */
	synchronize_rcu();
	memcpy(load_slots(b), load_slots(old),
	       kelf.nslots * sizeof(struct elf64_phdr));
	dr_kelf_write_ehdr(b, nslots, write_notes(b + hdr_size(nslots), NULL));
	ret = dr_kelf_publish(b, size);
	if (ret) {
		WRITE_ONCE(kelf.next, NULL);
		synchronize_rcu();
		kvfree(b);
		return ret;
	}
	WRITE_ONCE(kelf.buf, b);
	kelf.nslots = nslots;
	kelf.size = size;
	/* No writer still writes @old alone; the panic path follows @b. */
	synchronize_rcu();
	WRITE_ONCE(kelf.next, NULL);
	synchronize_rcu();
	kvfree(old);
	/* The data start moved with the longer header. */
	dr_kelf_mark_dirty();
	return 0;
}

/**
 * dr_kelf_take() - take KELF slots
 * @cap: how many
 * @size: bytes the region they are for describes first
 * @start: set to the first slot
 * @append: set when they are at the end of the table (the offsets of
 *	other loads stay right: see &dumpregion.kappend)
 *
 * With dumpregion_mutex held.  Takes the slots at the end of the table,
 * else a free range, else grows the table.
 *
 * Return: 0 with the first slot in *@start (%DR_NO_SLOT when there is no
 * KELF index), or -ENOMEM.
 */
int dr_kelf_take(unsigned int cap, size_t size, unsigned int *start,
		 bool *append)
{
	lockdep_assert_held(dumpregion_registration_lock());
	*append = false;
	*start = DR_NO_SLOT;
	if (!kelf.buf || !cap)
		return 0;
	if (cap > kelf.nslots - kelf.top) {
		*start = free_range_pop(cap);
		if (*start != DR_NO_SLOT)
			return 0;
		int ret = grow(kelf.top + cap);

		if (ret)
			return ret;
	}
	*start = kelf.top;
	kelf.top += cap;
	WRITE_ONCE(load_slots(kelf.buf)[*start].p_offset, kelf.file_end);
	kelf.file_end += size;
	*append = true;
	return 0;
}

/**
 * dr_kelf_give() - return KELF slots
 * @start: the first, from dr_kelf_take(), or %DR_NO_SLOT
 * @cap: how many
 *
 * With dumpregion_mutex held, once dr_kelf_write() emptied them.
 */
void dr_kelf_give(unsigned int start, unsigned int cap)
{
	lockdep_assert_held(dumpregion_registration_lock());
	if (start == DR_NO_SLOT)
		return;
	free_range_push(start, cap);
	/* Taken at the end but never written: file_end counted them. */
	dr_kelf_mark_dirty();
}

/**
 * dr_kelf_alloc() - give a region its KELF slots
 * @r: the region; @r->capacity slots are taken
 * @size: the size of the layout dr_kelf_write() will describe first
 *
 * With dumpregion_mutex held, before dr_kelf_write() for @r.
 *
 * Return: 0 or -ENOMEM.
 */
int dr_kelf_alloc(struct dumpregion *r, size_t size)
{
	return dr_kelf_take(r->capacity, size, &r->kslot, &r->kappend);
}

/**
 * dr_kelf_free() - return a region's slots
 * @r: a region whose slots dr_kelf_write() already emptied
 *
 * With dumpregion_mutex held.
 */
void dr_kelf_free(struct dumpregion *r)
{
	dr_kelf_give(r->kslot, r->capacity);
	r->kslot = DR_NO_SLOT;
}

/* For the tests: whether the file offsets wait for a pass. */
bool dr_kelf_offsets_dirty(void)
{
	return test_bit(0, &kelf.dirty);
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_offsets_dirty);

/**
 * dr_kelf_flush() - fix pending file offsets now
 *
 * For the benchmark and the tests: what the work item does soon after a
 * change.  May sleep.
 */
void dr_kelf_flush(void)
{
	flush_delayed_work(&kelf.pass_work);
	dr_kelf_pass_fn(&kelf.pass_work.work);
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_flush);

/**
 * dr_kelf_panic() - make the published KELF header final
 *
 * Called on the panicking CPU with the other CPUs stopped.  Adds the
 * registers of the panicking CPU and of the CPUs stopped by the panic, in
 * the buffer the kelf region points firmware at, and fixes the file
 * offsets if a change since the last pass left them dirty (a pass over the
 * slot array).  Moves made during the panic are already there.  No locks,
 * no allocation.
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
			arch_dumpregion_panic_regs(&regs);
		dr_kelf_write_ehdr(buf, nslots,
				   write_notes(buf + hdr_size(nslots), &regs));
		/* Dirty, or a CPU stopped in the middle of a pass. */
		if (test_bit(0, &kelf.dirty) ||
		    (raw_read_seqcount(&kelf.pass_seq) & 1))
			offsets_pass(buf, nslots, READ_ONCE(kelf.top));
	}
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_panic);

/*
 * Regions registered before the KELF index existed (clients at an earlier
 * initcall level, such as ramoops at postcore) get their slots now.
 */
static void __init dr_kelf_catch_up(void)
{
	const struct dr_layout *l;
	struct dumpregion *r;

	mutex_lock(dumpregion_registration_lock());
	list_for_each_entry(r, dr_region_list(), node) {
		if (dr_is_kelf(r) || r->kslot != DR_NO_SLOT)
			continue;
		if (dr_kelf_alloc(r, 0)) {
			pr_warn("no KELF slots for %s\n", r->name);
			continue;
		}
		spin_lock_irq(&r->lock);
		l = rcu_dereference_protected(r->cur, lockdep_is_held(&r->lock));
		/* Sized by the write: the offsets get a pass. */
		r->kappend = false;
		dr_kelf_write(r, l);
		spin_unlock_irq(&r->lock);
	}
	mutex_unlock(dumpregion_registration_lock());
}

/**
 * dr_kelf_init() - allocate the KELF header and register the kelf region
 *
 * Called once from the core's init, before providers exist.
 *
 * Return: 0 or a negative errno.
 */
int __init dr_kelf_init(void)
{
	int ret;

	seqcount_init(&kelf.pass_seq);
	INIT_DELAYED_WORK(&kelf.pass_work, dr_kelf_pass_fn);
	kelf.nslots = 64;
	kelf.size = hdr_size(kelf.nslots) + notes_max();
	kelf.file_end = data_start(kelf.nslots);
	kelf.buf = kvzalloc(kelf.size, GFP_KERNEL);
	if (!kelf.buf)
		return -ENOMEM;
	dr_kelf_write_ehdr(kelf.buf, kelf.nslots,
			   write_notes(kelf.buf + hdr_size(kelf.nslots), NULL));
	ret = dr_kelf_register(kelf.buf, kelf.size);
	if (ret) {
		kvfree(kelf.buf);
		kelf.buf = NULL;
		return ret;
	}
	dr_kelf_catch_up();
	return 0;
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

#if DR_TEST_SEAMS
/* For the tests: take back the registers a test's dr_kelf_panic() added. */
void dr_kelf_restore(void)
{
	mutex_lock(dumpregion_registration_lock());
	dr_kelf_write_ehdr(kelf.buf, kelf.nslots,
			   write_notes(kelf.buf + hdr_size(kelf.nslots), NULL));
	mutex_unlock(dumpregion_registration_lock());
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_restore);

/**
 * dumpregion_test_undo_panic() - undo a test's run of the panic finaliser
 *
 * Points the built-in clients' task and stack regions back at the idle
 * tasks, forgets saved CPU registers and takes them out of the KELF
 * notes, so the registry is as before the test (KUnit and the benchmark
 * only).
 */
void dumpregion_test_undo_panic(void)
{
	dr_clients_panic_undo();
	dr_kelf_forget_cpu_regs();
	dr_kelf_restore();
}
EXPORT_SYMBOL_IF_KUNIT(dumpregion_test_undo_panic);
#endif
