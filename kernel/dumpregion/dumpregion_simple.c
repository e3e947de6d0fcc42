// SPDX-License-Identifier: GPL-2.0-only
/*
 * A simple firmware table for dump regions (see dumpregion_simple.h): all
 * a provider of this shape writes is the format.  The core's table helper
 * decides which entry holds which run and when the count changes, takes
 * the provider lock around the callbacks (only a trylock at panic), and
 * withdraws the table at reboot, kexec and unbind.
 *
 * The format has no valid word: an entry whose size is 0 saves nothing.
 * So an entry firmware may be reading is rewritten with its size 0 until
 * its other fields are in place; a size torn by a reset is never larger
 * than the old or the new one.
 */

#include <linux/device.h>
#include <linux/dumpregion/provider.h>
#include <linux/io.h>
#include <linux/minmax.h>
#include <linux/sizes.h>
#include <linux/string.h>

#include "dumpregion_simple.h"

static struct simple_table *to_simple(struct dumpregion_table *t)
{
	return container_of(t, struct simple_table, table);
}

static void simple_write(struct dumpregion_table *t, unsigned int i,
			 const struct dumpregion_table_entry *de)
{
	struct simple_entry *e = &to_simple(t)->entries[i];

	WRITE_ONCE(e->size, 0);
	/* Saving nothing before the other fields change... */
	wmb();
	strscpy_pad(e->name, de->name);
	e->phys = cpu_to_le64(de->phys);
	/* ... and the size only once they are in place. */
	wmb();
	WRITE_ONCE(e->size, cpu_to_le64(de->size));
}

static void simple_clear(struct dumpregion_table *t, unsigned int i)
{
	struct simple_entry *e = &to_simple(t)->entries[i];

	WRITE_ONCE(e->size, 0);
	memset(e->name, 0, sizeof(e->name));
	e->phys = 0;
}

static void simple_set_count(struct dumpregion_table *t, unsigned int count)
{
	/* The entries below @count in memory before the count covers them. */
	wmb();
	WRITE_ONCE(to_simple(t)->hdr->count, cpu_to_le32(count));
}

static void simple_withdraw(struct dumpregion_table *t)
{
	WRITE_ONCE(to_simple(t)->hdr->flags, 0);
}

static const struct dumpregion_table_ops simple_ops = {
	.write = simple_write,
	.clear = simple_clear,
	.set_count = simple_set_count,
	.withdraw = simple_withdraw,
};

/**
 * devm_simple_table_start() - publish dump regions in a simple table
 * @dev: the device; unbinding it withdraws the table
 * @st: zeroed state
 * @mem: the carve-out, mapped write-combined (or plain memory in tests)
 * @size: its size
 *
 * Context: may sleep.
 * Return: 0; -EINVAL for a carve-out without room for one entry or not
 * 8-byte aligned; as devm_dumpregion_table_register().
 */
int devm_simple_table_start(struct device *dev, struct simple_table *st,
			    void *mem, size_t size)
{
	size_t n;

	if (size < sizeof(*st->hdr) + sizeof(*st->entries) ||
	    !IS_ALIGNED((unsigned long)mem, 8)) {
		dev_err(dev, "carve-out of %zu bytes cannot hold a table\n", size);
		return -EINVAL;
	}
	n = min_t(size_t, (size - sizeof(*st->hdr)) / sizeof(*st->entries),
		  SZ_64K);
	memset(mem, 0, size);
	st->hdr = mem;
	st->entries = mem + sizeof(*st->hdr);
	st->hdr->magic = cpu_to_le32(SIMPLE_MAGIC);
	st->hdr->version = cpu_to_le32(SIMPLE_VERSION);
	st->hdr->max_entries = cpu_to_le32(n);
	/* Firmware saves from here on, a watchdog reset included. */
	wmb();
	WRITE_ONCE(st->hdr->flags, cpu_to_le32(SIMPLE_F_VALID));

	st->table.prov.name = dev_name(dev);
	st->table.prov.dev = dev;
	st->table.ops = &simple_ops;
	st->table.capacity = n;
	st->table.name_len = SIMPLE_NAME_LEN;
	return devm_dumpregion_table_register(dev, &st->table);
}
