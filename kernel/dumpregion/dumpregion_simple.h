/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A simple firmware table for dump regions, for tests: a header with a
 * count, then entries of a name, an address and a size.  Not a real
 * vendor's format; the first user of the core's table helper outside
 * Qualcomm, and the example Documentation/core-api/dumpregion.rst follows.
 */
#ifndef _KERNEL_DUMPREGION_SIMPLE_H
#define _KERNEL_DUMPREGION_SIMPLE_H

#include <linux/dumpregion/provider.h>
#include <linux/types.h>

#define SIMPLE_MAGIC		0x54504d53	/* "SMPT" */
#define SIMPLE_VERSION		1
#define SIMPLE_F_VALID		BIT(0)		/* firmware saves the entries */
#define SIMPLE_NAME_LEN		24

/**
 * struct simple_header - the start of the table, 24 bytes
 * @magic: %SIMPLE_MAGIC
 * @version: %SIMPLE_VERSION
 * @max_entries: entries the carve-out holds after the header
 * @count: entries in use; each below it is complete
 * @flags: %SIMPLE_F_VALID while Linux publishes the table
 * @reserved: 0
 */
struct simple_header {
	__le32 magic;
	__le32 version;
	__le32 max_entries;
	__le32 count;
	__le32 flags;
	__le32 reserved;
};

/**
 * struct simple_entry - one run to save, 40 bytes; a size of 0 saves nothing
 * @name: NUL-terminated
 * @phys: physical address
 * @size: bytes
 */
struct simple_entry {
	char name[SIMPLE_NAME_LEN];
	__le64 phys;
	__le64 size;
};

/**
 * struct simple_table - the provider
 * @table: the core's table helper
 * @hdr: the table in the carve-out
 * @entries: the entries after it
 */
struct simple_table {
	struct dumpregion_table table;
	struct simple_header *hdr;
	struct simple_entry *entries;
};

int devm_simple_table_start(struct device *dev, struct simple_table *st,
			    void *mem, size_t size);

#endif /* _KERNEL_DUMPREGION_SIMPLE_H */
