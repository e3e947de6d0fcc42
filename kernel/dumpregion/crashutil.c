// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the crash utility reads before its first command, so that its full
 * mode (sys, log, bt) opens a dump of chosen regions, not only a whole-RAM
 * vmcore.  Measured with tests/qemu/crash_reads.py on crash 8.0.2: the
 * memory model (mem_section, its root table and section arrays,
 * contig_page_data, node_states, high_memory, max_mapnr), init_mm and
 * init_task with its stack, the counters "sys" prints, and to translate
 * each CPU's vmalloc'ed stack the page-table pages over it.  Two statics
 * crash reads (shadow_timekeeper, task_state_array) are annotated where
 * they are defined.
 *
 * The page-table pages and the task's mm_struct are movable regions per
 * possible CPU ("pt.<cpu>.<level>", "mm.<cpu>"), registered on the idle
 * task and moved at panic with the CPU's task and stack (clients.c).
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/dumpregion.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/irqnr.h>
#include <linux/mm.h>
#include <linux/mmzone.h>
#include <linux/nodemask.h>
#include <linux/panic.h>
#include <linux/pgtable.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/loadavg.h>
#include <linux/sched/mm.h>
#include <linux/sched/stat.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>

#include "internal.h"

DUMPREGION_STATIC(nr_irqs, "nr_irqs");
DUMPREGION_STATIC(init_mm, "init_mm");
DUMPREGION_STATIC(init_task, "init_task");
DUMPREGION_STATIC(init_stack, "init_stack");
DUMPREGION_STATIC(high_memory, "high_memory");
DUMPREGION_STATIC(_totalram_pages, "totalram");
DUMPREGION_STATIC(node_states, "node_states");
DUMPREGION_STATIC(nr_threads, "nr_threads");
DUMPREGION_STATIC(taint_flags, "taint_flags");
#ifndef CONFIG_NUMA
DUMPREGION_STATIC(max_mapnr, "max_mapnr");
DUMPREGION_STATIC(contig_page_data, "node_data");
#endif
#ifdef CONFIG_SPARSEMEM_EXTREME
DUMPREGION_STATIC(mem_section, "mem_section");
#endif

/* Table pages below the top level a kernel address translation reads. */
#define DR_PT_LEVELS	(CONFIG_PGTABLE_LEVELS - 1)

static int *dr_pt_ids, *dr_mm_ids;

/*
 * The distinct table pages below the top level that translating @addr
 * through the kernel's tables reads, at most DR_PT_LEVELS; returns how
 * many.  Folded levels repeat the level above and are not counted; a
 * missing entry or a block mapping ends the walk.  Reads without locks: at
 * boot, or at panic with the other CPUs stopped, for a task's stack, whose
 * tables are not freed while it runs.
 */
static unsigned int dr_pt_walk(unsigned long addr, const void **pages)
{
	const void *entry[4], *top, *page;
	pgd_t *pgd = pgd_offset_k(addr);
	unsigned int n = 0, i, k = 0;
	p4d_t *p4d;
	pud_t *pud;
	pmd_t *pmd;

	top = PTR_ALIGN_DOWN(pgd, PAGE_SIZE);
	if (pgd_none(*pgd) || pgd_bad(*pgd))
		return 0;
	p4d = p4d_offset(pgd, addr);
	entry[n++] = p4d;
	if (p4d_none(*p4d) || p4d_bad(*p4d))
		goto out;
	pud = pud_offset(p4d, addr);
	entry[n++] = pud;
	if (pud_none(*pud) || pud_leaf(*pud) || pud_bad(*pud))
		goto out;
	pmd = pmd_offset(pud, addr);
	entry[n++] = pmd;
	if (pmd_none(*pmd) || pmd_leaf(*pmd) || pmd_bad(*pmd))
		goto out;
	entry[n++] = pte_offset_kernel(pmd, addr);
out:
	for (i = 0; i < n && k < DR_PT_LEVELS; i++) {
		page = PTR_ALIGN_DOWN(entry[i], PAGE_SIZE);
		if (page != top && (!k || page != pages[k - 1]))
			pages[k++] = page;
	}
	return k;
}

/*
 * Point CPU @cpu's regions at what crash reads for @t: the table pages over
 * its stack (when the stack is vmalloc'ed; the top level when there are
 * none) and its mm_struct (init_mm for kernel threads).  The walk is for
 * the stack's first page: a stack crossing into another last-level table
 * (possible where vmalloc'ed stacks are aligned to less than their size;
 * arm64 aligns them to twice it) has its top part untranslatable.  With
 * @atomic from the panic path, else (boot, tests) with the sleeping update.
 */
void dr_crashutil_move(unsigned int cpu, struct task_struct *t, bool atomic)
{
	const void *pages[DR_PT_LEVELS], *stack = task_stack_page(t);
	struct mm_struct *mm = READ_ONCE(t->mm) ?: &init_mm;
	unsigned int i, n = 0;
	int *ids;

	if (!dr_pt_ids)
		return;
	ids = &dr_pt_ids[cpu * DR_PT_LEVELS];
	if (stack && is_vmalloc_addr(stack))
		n = dr_pt_walk((unsigned long)stack, pages);
	if (!n)
		pages[n++] = init_mm.pgd;
	for (i = 0; i < DR_PT_LEVELS; i++) {
		if (ids[i] <= 0)
			continue;
		if (atomic)
			dumpregion_update_atomic(ids[i], pages[min(i, n - 1)],
						 PAGE_SIZE);
		else
			dumpregion_update(ids[i], pages[min(i, n - 1)],
					  PAGE_SIZE);
	}
	if (dr_mm_ids[cpu] <= 0)
		return;
	if (atomic)
		dumpregion_update_atomic(dr_mm_ids[cpu], mm, sizeof(*mm));
	else
		dumpregion_update(dr_mm_ids[cpu], mm, sizeof(*mm));
}

static void __init dr_register_warn(const char *name, int id)
{
	if (id < 0)
		pr_warn("cannot register %s: %d\n", name, id);
}

#ifdef CONFIG_SPARSEMEM_EXTREME
/* The root table mem_section points at and each section array in it. */
static void __init dr_register_sections(void)
{
	size_t size = sizeof(struct mem_section) * SECTIONS_PER_ROOT;
	char name[DUMPREGION_NAME_MAX];
	unsigned long root;

	if (!mem_section)
		return;
	dr_register_warn("memsec_root",
			 dumpregion_register("memsec_root", mem_section,
					     sizeof(*mem_section) * NR_SECTION_ROOTS));
	for (root = 0; root < NR_SECTION_ROOTS; root++) {
		if (!mem_section[root])
			continue;
		snprintf(name, sizeof(name), "memsec.%lu", root);
		dr_register_warn(name, dumpregion_register(name, mem_section[root], size));
	}
}
#else
static void __init dr_register_sections(void)
{
}
#endif

/**
 * dr_crashutil_register() - register what crash reads beyond the statics
 *
 * Called by the task client at boot, after its per-CPU regions: the memory
 * model's tables, the top-level kernel page table, and for each possible
 * CPU the table pages over its idle task's stack and its mm_struct.
 */
void __init dr_crashutil_register(void)
{
	char name[DUMPREGION_NAME_MAX];
	struct task_struct *t;
	unsigned int cpu, i;
	int id;

	/* Declared without its size (linux/sched/loadavg.h): the load averages. */
	dr_register_warn("avenrun", dumpregion_register("avenrun", avenrun,
							3 * sizeof(avenrun[0])));
	dr_register_sections();
	dr_register_warn("pgd", dumpregion_register("pgd", init_mm.pgd,
						    PTRS_PER_PGD * sizeof(pgd_t)));
	dr_pt_ids = kcalloc(nr_cpu_ids * DR_PT_LEVELS, sizeof(*dr_pt_ids),
			    GFP_KERNEL);
	dr_mm_ids = kcalloc(nr_cpu_ids, sizeof(*dr_mm_ids), GFP_KERNEL);
	if (!dr_pt_ids || !dr_mm_ids) {
		kfree(dr_pt_ids);
		kfree(dr_mm_ids);
		dr_pt_ids = NULL;
		dr_mm_ids = NULL;
		pr_warn("cannot register the page-table regions: %d\n", -ENOMEM);
		return;
	}
	for_each_possible_cpu(cpu) {
		for (i = 0; i < DR_PT_LEVELS; i++) {
			snprintf(name, sizeof(name), "pt.%u.%u", cpu, i);
			id = dumpregion_register_movable(name, init_mm.pgd, PAGE_SIZE);
			dr_register_warn(name, id);
			dr_pt_ids[cpu * DR_PT_LEVELS + i] = max(id, 0);
		}
		snprintf(name, sizeof(name), "mm.%u", cpu);
		id = dumpregion_register_movable(name, &init_mm, sizeof(init_mm));
		dr_register_warn(name, id);
		dr_mm_ids[cpu] = max(id, 0);
		t = idle_task(cpu) ?: &init_task;
		dr_crashutil_move(cpu, t, false);
	}
}
