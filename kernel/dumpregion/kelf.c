// SPDX-License-Identifier: GPL-2.0-only
/*
 * KELF: the self-describing index of a dump.
 *
 * One region, named "kelf" and handed to every provider before any other,
 * holds an ELF64 core header for the machine: the ELF header, a PT_NOTE
 * segment (VMCOREINFO, NT_PRPSINFO, and once a panic happened an NT_PRSTATUS
 * for the panicking CPU and for each CPU the panic stopped, also copied to
 * kdump's crash_notes buffers, see notes.c), and one PT_LOAD
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
 *   period has passed (dr_kelf_retire(), then dr_kelf_free_retired()).
 *   Cost: O(regions) per change, a few hundred regions on real devices.
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

#include <linux/atomic.h>
#include <linux/elf.h>
#include <linux/llist.h>
#include <linux/rcupdate.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/string.h>
#include <kunit/visibility.h>

#include "internal.h"

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
	struct rcu_head rcu;
	void *buf;
	size_t bytes;
};

static LLIST_HEAD(dr_kelf_retired);
/* Bytes of retired headers not yet freed. */
static atomic_long_t dr_kelf_pending = ATOMIC_LONG_INIT(0);
/* The KELF lock: see the top of the file. */
DEFINE_SPINLOCK(dr_kelf_lock);

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
	return hdr_size(nslots) + dr_notes_max();
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
	kelf.spare_size = hdr_size(nslots) + dr_notes_max();
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
 * Return: the old header, for dr_kelf_retire(), or NULL.
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
	dr_kelf_write_ehdr(buf, nslots,
			   dr_notes_write(buf + hdr_size(nslots), NULL));
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

/* The kelf region now points firmware at the new header; KELF lock held. */
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
	t = old + ALIGN(hdr_size(slots_of(old)) + dr_notes_max(), 8);
	t->buf = old;
	t->bytes = alloc_size(hdr_size(slots_of(old)) + dr_notes_max());
	atomic_long_add(t->bytes, &dr_kelf_pending);
	llist_add(&t->node, &dr_kelf_retired);
}

/*
 * More than 4 MiB of retired headers wait for grace periods (a loop of
 * registrations): the caller should wait for them, in rcu_barrier().
 */
bool dr_kelf_backlogged(void)
{
	return atomic_long_read(&dr_kelf_pending) > SZ_4M;
}

/* The headers retired so far, for dr_kelf_free_retired() after a sync. */
struct llist_node *dr_kelf_take_retired(void)
{
	return llist_del_all(&dr_kelf_retired);
}

static void free_rcu(struct rcu_head *head)
{
	struct dr_kelf_retired *t = container_of(head, typeof(*t), rcu);

	atomic_long_sub(t->bytes, &dr_kelf_pending);
	/* vfree() defers to a work item when called from softirq. */
	kvfree(t->buf);
}

/**
 * dr_kelf_free_retired() - free headers from dr_kelf_take_retired()
 * @list: the headers
 *
 * After the providers' sync ops ran (a provider that defers firmware calls
 * may list a header until then).  The panic path may still be reading
 * one: each is freed after a grace period, from an RCU callback.
 */
void dr_kelf_free_retired(struct llist_node *list)
{
	struct dr_kelf_retired *t, *tmp;

	llist_for_each_entry_safe(t, tmp, list, node)
		call_rcu_hurry(&t->rcu, free_rcu);
}

/* Finalise one header: the notes with the registers, then their size. */
static void finalise(void *buf, unsigned int nslots, struct pt_regs *regs)
{
	struct elf64_phdr *note = buf + sizeof(struct elf64_hdr);
	size_t len;

	/* VMCOREINFO and PRPSINFO rewritten as they were, NT_PRSTATUS after. */
	len = dr_notes_write(buf + hdr_size(nslots), regs);
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
	dr_panic_regs(&regs);
	/* Pairs with the smp_wmb() in dr_kelf_install(). */
	smp_rmb();
	/* An old header is freed after a grace period (dr_kelf_free_retired()). */
	rcu_read_lock();
	finalise(buf, slots_of(buf), &regs);
	if (prev)
		finalise(prev, slots_of(prev), &regs);
	rcu_read_unlock();
}
EXPORT_SYMBOL_IF_KUNIT(dr_kelf_panic);

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
