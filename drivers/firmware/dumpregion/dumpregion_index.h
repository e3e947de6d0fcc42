/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dump index: the header the kernel keeps in a reserved-memory carve-out so
 * that any boot firmware, bootloader, hypervisor, JTAG script or crash
 * kernel finds the KELF index of the dump regions.  The format is
 * described for firmware authors in Documentation/dumpregion/index.rst;
 * this header is its only definition in the kernel.
 */
#ifndef _DUMPREGION_INDEX_H
#define _DUMPREGION_INDEX_H

#include <linux/dumpregion/provider.h>
#include <linux/types.h>

/* "DRIX" in memory order */
#define DRIX_MAGIC		0x58495244
#define DRIX_VERSION		1
/* Slot k is at offset k * drix_slot_size(size) of the carve-out. */
#define DRIX_SLOT_ALIGN		64
#define DRIX_SLOT_MAX		65536
#define DRIX_MIN_SIZE		256

/* drix_header.flags */
#define DRIX_F_PANIC		BIT(0)	/* finalised by the kernel at panic */
#define DRIX_F_SHUTDOWN		BIT(1)	/* withdrawn at a clean shutdown */

/**
 * struct drix_header - one slot's header, all fields little-endian
 * @magic: %DRIX_MAGIC; 0 while the slot is being written
 * @version: %DRIX_VERSION
 * @header_size: sizeof(struct drix_header), 64
 * @generation: incremented at each update; of two valid slots, the one
 *	with the higher generation is current
 * @flags: %DRIX_F_PANIC, %DRIX_F_SHUTDOWN
 * @nr_runs: entries in the run array after the header; 0 when the kernel
 *	publishes no index
 * @kelf_size: size of the KELF index, the sum of the runs' sizes
 * @slot_size: bytes between the two slots' starts
 * @run_size: sizeof(struct drix_run), 16
 * @reserved: zero
 * @crc32: CRC-32 (as zlib's crc32()) of the header with this field zero,
 *	followed by the @nr_runs runs
 */
struct drix_header {
	__le32 magic;
	__le16 version;
	__le16 header_size;
	__le64 generation;
	__le32 flags;
	__le32 nr_runs;
	__le64 kelf_size;
	__le32 slot_size;
	__le32 run_size;
	__le32 reserved[5];
	__le32 crc32;
};

/**
 * struct drix_run - a physically contiguous piece of the KELF index
 * @phys: physical address
 * @size: length in bytes; the runs, in order, make up the index
 */
struct drix_run {
	__le64 phys;
	__le64 size;
};

/**
 * struct drix - the provider's state
 * @prov: the provider registered with the dump region core
 * @base: the carve-out, mapped write-combined
 * @size: its size
 * @slot_size: bytes per slot
 * @max_runs: KELF runs a slot holds
 * @generation: generation of the slot last written
 * @flags: flags of the next slot written
 * @stage: the next slot, built here and copied whole: header and runs
 * @kelf_id: id of the kelf region, or 0 before it was added
 * @withdrawn: drix_withdraw() ran: the slots stay as it left them
 */
struct drix {
	struct dumpregion_provider prov;
	void *base;
	size_t size;
	size_t slot_size;
	unsigned int max_runs;
	u64 generation;
	u32 flags;
	struct drix_header *stage;
	int kelf_id;
	bool withdrawn;
};

#if IS_ENABLED(CONFIG_KUNIT)
/* For the KUnit suite; static otherwise. */
size_t drix_slot_size(size_t size);
int drix_check_slot(const void *slot, size_t slot_size, u64 *generation);
int drix_current(const void *base, size_t size);
int drix_init(struct drix *ix, struct device *dev, void *base, size_t size);
void drix_withdraw(struct drix *ix, u32 flags);
extern const struct dumpregion_provider_ops drix_ops;
#endif

#endif /* _DUMPREGION_INDEX_H */
