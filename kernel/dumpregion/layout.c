// SPDX-License-Identifier: GPL-2.0-only
/*
 * Dump regions: how a range of memory is described.
 *
 * A region is of one kind of memory (the linear map, the kernel image,
 * vmalloc or module memory, or a physical range the kernel may not map)
 * and is split into physically contiguous runs, which is what firmware
 * copies.  These helpers take no lock, never sleep in the paths the panic
 * path reaches (classify and fill) and call nothing else of the core.
 */

#include <linux/ioport.h>
#include <linux/memblock.h>
#include <linux/mm.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/vmalloc.h>
#include <asm/sections.h>

#include "internal.h"

/*
 * Work out how a kernel virtual range is mapped.  The whole range must lie
 * in one kind of memory.  Safe in any context.
 */
int dr_classify(unsigned long va, size_t size, enum dumpregion_kind *kind)
{
	unsigned long last;

	if (!size)
		return -EINVAL;
	if (check_add_overflow(va, size - 1, &last))
		return -EOVERFLOW;

	/* Init text and data are freed after boot. */
	if (init_section_intersects((void *)va, size))
		return -EINVAL;
	if (__is_kernel(va) && __is_kernel(last)) {
		*kind = DUMPREGION_IMAGE;
		return 0;
	}
	if (virt_addr_valid((void *)va) && virt_addr_valid((void *)last)) {
		*kind = DUMPREGION_LINEAR;
		return 0;
	}
	if (is_vmalloc_or_module_addr((void *)va) &&
	    is_vmalloc_or_module_addr((void *)last)) {
		*kind = DUMPREGION_VMALLOC;
		return 0;
	}
	return -EINVAL;
}

/*
 * Check that [@phys, @phys + @size) is system memory as firmware described
 * it (no-map reserved memory included), not device memory.
 */
int dr_check_phys(phys_addr_t phys, size_t size)
{
	phys_addr_t last;

	if (!size)
		return -EINVAL;
	if (check_add_overflow(phys, (phys_addr_t)size - 1, &last))
		return -EOVERFLOW;
	if (IS_ENABLED(CONFIG_ARCH_KEEP_MEMBLOCK))
		return memblock_is_region_memory(phys, size) ? 0 : -EINVAL;
	/*
	 * Without memblock after boot (x86): System RAM in the resource
	 * tree.  pfn_valid() is no test there: holes below the last page
	 * (the legacy VGA window) have struct pages too.
	 */
	return region_intersects(phys, size, IORESOURCE_SYSTEM_RAM,
				 IORES_DESC_NONE) == REGION_INTERSECTS ?
		0 : -EINVAL;
}

/*
 * Append [va, va + size) at @pa to @l (NULL: only count), merging with the
 * last run, which *@last and *@last_va describe.
 */
static int dr_add_run(struct dr_layout *l, unsigned int cap, unsigned int *n,
		      struct dumpregion_run *last, unsigned long *last_va,
		      unsigned long va, phys_addr_t pa, size_t size)
{
	if (*n && last->phys + last->size == pa && *last_va + last->size == va) {
		last->size += size;
		if (l)
			l->runs[*n - 1].size = last->size;
		return 0;
	}
	if (l && *n == cap)
		return -ENOSPC;
	*last_va = va;
	last->phys = pa;
	last->size = size;
	if (l) {
		l->runs[*n] = *last;
		l->va[*n] = va;
	}
	(*n)++;
	return 0;
}

/*
 * Split a range into physically contiguous runs, in @l's runs and virtual
 * addresses.  With @l NULL only count them.  Returns the number of runs or
 * a negative errno: -ENOSPC when more than @cap runs are needed, -EFAULT
 * for an unmapped vmalloc page.  Never sleeps or allocates.
 */
int dr_fill_runs(enum dumpregion_kind kind, unsigned long va, phys_addr_t pa,
		 size_t size, struct dr_layout *l, unsigned int cap)
{
	struct dumpregion_run last = {};
	unsigned long end = va + size, last_va = 0;
	unsigned int n = 0;
	int ret;

	switch (kind) {
	case DUMPREGION_LINEAR:
		pa = __pa(va);
		break;
	case DUMPREGION_IMAGE:
		pa = __pa_symbol(va);
		break;
	case DUMPREGION_PHYS:
		va = 0;
		break;
	case DUMPREGION_VMALLOC:
		while (va < end) {
			size_t chunk = min(end, (va & PAGE_MASK) + PAGE_SIZE) - va;
			struct page *page = vmalloc_to_page((void *)va);

			if (!page)
				return -EFAULT;
			ret = dr_add_run(l, cap, &n, &last, &last_va, va,
					 page_to_phys(page) + offset_in_page(va),
					 chunk);
			if (ret)
				return ret;
			va += chunk;
		}
		return n;
	}
	ret = dr_add_run(l, cap, &n, &last, &last_va, va, pa, size);
	return ret ? ret : n;
}

/* A layout with room for @cap runs and their virtual addresses. */
struct dr_layout *dr_layout_alloc(unsigned int cap)
{
	struct dr_layout *l;

	l = kzalloc(size_add(struct_size(l, runs, cap),
			     array_size(cap, sizeof(*l->va))), GFP_KERNEL);
	if (l)
		l->va = (unsigned long *)&l->runs[cap];
	return l;
}
