// SPDX-License-Identifier: GPL-2.0-only
/*
 * printk: the log in firmware-assisted crash dumps.
 *
 * Registers the ring buffer in use (the one log_buf_len= allocated, if
 * any) as dump regions: the ring's control structure, its descriptors,
 * record metadata and text.  With "prb" annotated below and VMCOREINFO
 * (which says where the structures' fields are), drgn, crash and
 * makedumpfile read the log from a dump as from a vmcore.
 */

#define pr_fmt(fmt) "printk: " fmt

#include <linux/dumpregion.h>
#include <linux/init.h>
#include <linux/printk.h>

#include "internal.h"
#include "printk_ringbuffer.h"

DUMPREGION_STATIC(prb, "printk_prb");

static int __init printk_dumpregion_one(const char *name, const void *addr,
					size_t size)
{
	int id = dumpregion_register(name, addr, size);

	if (id < 0)
		pr_warn("log not in crash dumps: cannot register %s (%zu bytes): %d\n",
			name, size, id);
	return id < 0 ? id : 0;
}

static int __init printk_dumpregion_init(void)
{
	const struct printk_ringbuffer *rb = prb;
	const struct prb_desc_ring *d = &rb->desc_ring;
	const struct prb_data_ring *t = &rb->text_data_ring;
	unsigned long count = 1UL << d->count_bits;
	int ret;

	ret = printk_dumpregion_one("printk_rb", rb, sizeof(*rb));
	ret = printk_dumpregion_one("printk_desc", d->descs,
				    count * sizeof(*d->descs)) ?: ret;
	ret = printk_dumpregion_one("printk_info", d->infos,
				    count * sizeof(*d->infos)) ?: ret;
	ret = printk_dumpregion_one("printk_text", t->data,
				    1UL << t->size_bits) ?: ret;
	return ret;
}

/* setup_log_buf() moved the log before any initcall: this layout stays. */
subsys_initcall_sync(printk_dumpregion_init);
