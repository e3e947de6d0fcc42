// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading the Qualcomm minidump table out of a RAM image: SMEM window ->
 * item 602 -> enabled subsystems -> valid regions.  Every offset, count
 * and address read from the image is checked before use.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "le.h"
#include "minidump.h"
#include "smem_layout.h"
#include "util.h"

int md_read_phys(const struct md_image *img, uint64_t phys, void *buf,
		 uint64_t len)
{
	if (phys < img->ram_base || phys - img->ram_base > img->ram_size ||
	    len > img->ram_size - (phys - img->ram_base))
		return -ERANGE;
	return img->read(img->ctx, phys, buf, len);
}

int md_read_fail(int rd, const char *what, uint64_t addr, char *err, size_t errlen)
{
	switch (rd) {
	case -ERANGE:
		seterr(err, errlen, "%s at 0x%" PRIx64 " is outside RAM", what, addr);
		return MD_ERR_BADREGION;
	case -EFAULT:
		seterr(err, errlen, "%s at 0x%" PRIx64 " is in a hole of the memory files",
		       what, addr);
		return MD_ERR_TRUNC;
	case -ENODATA:
		seterr(err, errlen, "%s at 0x%" PRIx64 ": the image ends early", what, addr);
		return MD_ERR_TRUNC;
	default:
		seterr(err, errlen, "%s at 0x%" PRIx64 ": reading the image: %s", what, addr,
		       strerror(-rd));
		return MD_ERR_IO;
	}
}

/* The global partition: offset, size and cacheline, or 0 on failure. */
static int find_global_partition(const uint8_t *pt, uint32_t nent,
				 uint32_t *poff, uint32_t *psize, uint32_t *pcl)
{
	const uint8_t *e;
	uint32_t i;

	for (i = 0; i < nent; i++) {
		e = pt + SMEM_PTABLE_ENTRIES + i * SMEM_PTE_SIZE;
		if (get_le16(e + SMEM_PTE_HOST0) != SMEM_GLOBAL_HOST ||
		    get_le16(e + SMEM_PTE_HOST1) != SMEM_GLOBAL_HOST ||
		    !get_le32(e + SMEM_PTE_OFFSET) || !get_le32(e + SMEM_PTE_SIZE_F))
			continue;
		*poff = get_le32(e + SMEM_PTE_OFFSET);
		*psize = get_le32(e + SMEM_PTE_SIZE_F);
		*pcl = get_le32(e + SMEM_PTE_CACHELINE);
		return 0;
	}
	return -1;
}

enum md_err md_smem_find(const uint8_t *smem, uint64_t size, unsigned int item,
			 uint64_t *off, uint64_t *len, char *err, size_t errlen)
{
	uint32_t ver, nent, poff = 0, psize = 0, pcl = 0, items = SMEM_ITEM_COUNT;
	uint32_t fu, fc, esz, pad;
	const uint8_t *pt, *e, *part;
	uint64_t p, bad = 0;

	if (size < SMEM_PTABLE_SIZE + 4096 ||
	    get_le32(smem + SMEM_HDR_INITIALIZED) != 1 ||
	    get_le32(smem + SMEM_HDR_RESERVED)) {
		seterr(err, errlen, "SMEM not initialised by firmware");
		return MD_ERR_NOTABLE;
	}
	ver = get_le32(smem + SMEM_HDR_VERSION(SMEM_SBL_VERSION_INDEX)) >> 16;
	if (ver == SMEM_GLOBAL_HEAP_VERSION) {
		seterr(err, errlen, "legacy SMEM heap (version 11) holds no item %u",
		       item);
		return MD_ERR_NOTABLE;
	}
	if (ver != SMEM_GLOBAL_PART_VERSION) {
		seterr(err, errlen, "unknown SMEM version %u", ver);
		return MD_ERR_NOTABLE;
	}

	pt = smem + size - SMEM_PTABLE_SIZE;
	if (memcmp(pt, SMEM_PTABLE_MAGIC, 4) || get_le32(pt + SMEM_PTABLE_VERSION) != 1) {
		seterr(err, errlen, "no SMEM partition table");
		return MD_ERR_NOTABLE;
	}
	nent = get_le32(pt + SMEM_PTABLE_NUM);
	if (nent > (SMEM_PTABLE_SIZE - SMEM_PTABLE_ENTRIES - SMEM_INFO_SIZE) / SMEM_PTE_SIZE) {
		seterr(err, errlen, "partition table claims %u entries", nent);
		return MD_ERR_NOTABLE;
	}
	e = pt + SMEM_PTABLE_ENTRIES + nent * SMEM_PTE_SIZE;
	if (!memcmp(e, SMEM_INFO_MAGIC, 4))
		items = get_le16(e + SMEM_INFO_NUM_ITEMS);
	if (item >= items) {
		seterr(err, errlen, "SMEM declares %u items, item %u is out of range",
		       items, item);
		return MD_ERR_NOTABLE;
	}
	if (find_global_partition(pt, nent, &poff, &psize, &pcl) ||
	    (uint64_t)poff + psize > size - SMEM_PTABLE_SIZE ||
	    psize < SMEM_PHDR_LEN || pcl > 4096) {
		seterr(err, errlen, "no usable global partition");
		return MD_ERR_NOTABLE;
	}
	part = smem + poff;
	if (memcmp(part, SMEM_PART_MAGIC, 4) || get_le32(part + SMEM_PHDR_SIZE) != psize ||
	    get_le16(part + SMEM_PHDR_HOST0) != SMEM_GLOBAL_HOST ||
	    get_le16(part + SMEM_PHDR_HOST1) != SMEM_GLOBAL_HOST) {
		seterr(err, errlen, "bad global partition header");
		return MD_ERR_NOTABLE;
	}
	fu = get_le32(part + SMEM_PHDR_FREE_UNCACHED);
	fc = get_le32(part + SMEM_PHDR_FREE_CACHED);
	if (fu > psize || fc > psize) {
		seterr(err, errlen, "bad partition free offsets");
		return MD_ERR_NOTABLE;
	}

	/* Uncached entries grow up from the header. */
	for (p = SMEM_PHDR_LEN; p + SMEM_PE_LEN <= fu;) {
		e = part + p;
		if (get_le16(e + SMEM_PE_CANARY) != SMEM_CANARY) {
			seterr(err, errlen, "bad canary in the global partition");
			return MD_ERR_NOTABLE;
		}
		esz = get_le32(e + SMEM_PE_SIZE);
		pad = get_le16(e + SMEM_PE_PADDING_DATA);
		p += SMEM_PE_LEN + get_le16(e + SMEM_PE_PADDING_HDR);
		if (pad > esz || p + esz > psize) {
			bad = poff + (e - part);
			break;
		}
		if (get_le16(e + SMEM_PE_ITEM) == item) {
			*off = poff + p;
			*len = esz - pad;
			return MD_OK;
		}
		p += esz;
	}

	/* Cached entries grow down from the end, one cacheline of header each. */
	if (pcl < SMEM_PE_LEN)
		pcl = SMEM_PE_LEN;
	pcl = (SMEM_PE_LEN + pcl - 1) / pcl * pcl;
	for (p = psize; p >= pcl && p - pcl > fc;) {
		e = part + p - pcl;
		esz = get_le32(e + SMEM_PE_SIZE);
		pad = get_le16(e + SMEM_PE_PADDING_DATA);
		if (get_le16(e + SMEM_PE_CANARY) != SMEM_CANARY ||
		    esz > p - pcl || pad > esz) {
			bad = poff + (e - part);
			break;
		}
		if (get_le16(e + SMEM_PE_ITEM) == item) {
			*off = poff + p - pcl - esz;
			*len = esz - pad;
			return MD_OK;
		}
		p -= pcl + esz;
	}
	if (bad)
		seterr(err, errlen, "no item %u in SMEM before a corrupt entry header at SMEM offset 0x%" PRIx64,
		       item, bad);
	else
		seterr(err, errlen, "no item %u in SMEM: firmware without minidump", item);
	return MD_ERR_NOTABLE;
}

/* Table entries read at once: 1 MiB, not one read per entry. */
#define MD_CHUNK	((1u << 20) / MD_REGION_LEN)

static int walk_subsystem(const struct md_image *img, unsigned int ss,
			  const uint8_t *s, md_region_fn fn, void *arg,
			  char *err, size_t errlen)
{
	uint64_t base = get_le64(s + MD_SS_BASEPTR);
	uint32_t count = get_le32(s + MD_SS_REGION_COUNT), i, n = 0, k = 0, skipped = 0;
	char what[96];
	uint8_t *buf, *e;
	int ret = MD_OK, r, c, rd;

	/*
	 * No more entries than fit between the table and the end of RAM: the
	 * work is bounded by the image, whatever the count says.
	 */
	if (base >= img->ram_base && base - img->ram_base < img->ram_size &&
	    count > (img->ram_size - (base - img->ram_base)) / MD_REGION_LEN) {
		uint32_t room = (img->ram_size - (base - img->ram_base)) / MD_REGION_LEN;

		msg("minidump: subsystem %u: count %u runs past the end of RAM: reading %u entries\n",
		    ss, count, room);
		count = room;
		ret = MD_ERR_BADREGION;
	}
	/*
	 * Nor more than the files hold: a table in an ELF core's zero tail
	 * (p_memsz past p_filesz, up to 2^64 bytes of it) holds no valid
	 * entry, and 2^32 of them must not be read one by one.
	 */
	if (img->held && count > img->held / MD_REGION_LEN) {
		uint32_t room = img->held / MD_REGION_LEN;

		msg("minidump: subsystem %u: count %u is more than the memory files hold: reading %u entries\n",
		    ss, count, room);
		count = room;
		ret = MD_ERR_BADREGION;
	}
	buf = malloc((count < MD_CHUNK ? count : MD_CHUNK) * MD_REGION_LEN + 1);
	if (!buf) {
		seterr(err, errlen, "out of memory");
		return MD_ERR_IO;
	}
	for (i = 0; i < count; i++, k++) {
		struct md_region reg = { .subsystem = ss };

		/* The next chunk; entry by entry where a chunk cannot be read. */
		if (k == n) {
			n = count - i < MD_CHUNK ? count - i : MD_CHUNK;
			if (md_read_phys(img, base + (uint64_t)i * MD_REGION_LEN, buf,
					 (uint64_t)n * MD_REGION_LEN))
				n = 1;
			k = 0;
			rd = n > 1 ? 0 : md_read_phys(img, base + (uint64_t)i * MD_REGION_LEN,
						       buf, MD_REGION_LEN);
			if (rd) {
				snprintf(what, sizeof(what), "subsystem %u: region table entry %u of %u",
					 ss, i, count);
				r = md_read_fail(rd, what, base + (uint64_t)i * MD_REGION_LEN,
						 err, errlen);
				goto out;
			}
		}
		e = buf + (uint64_t)k * MD_REGION_LEN;
		if (get_le32(e + MD_REGION_VALID) != MD_REGION_VALID_MAGIC)
			continue;
		memcpy(reg.name, e + MD_REGION_NAME, MD_REGION_NAME_LEN);
		reg.name[MD_REGION_NAME_LEN] = 0;
		for (c = 0; reg.name[c]; c++)
			if (reg.name[c] == '/' || reg.name[c] < 0x21 || reg.name[c] > 0x7e)
				reg.name[c] = '_';
		reg.seq = get_le32(e + MD_REGION_SEQ);
		reg.addr = get_le64(e + MD_REGION_ADDRESS);
		reg.size = get_le64(e + MD_REGION_SIZE);
		if (reg.addr < img->ram_base || reg.addr - img->ram_base > img->ram_size ||
		    reg.size > img->ram_size - (reg.addr - img->ram_base)) {
			/* Every one skipped is said here, once; @err sums them up. */
			msg("minidump: region %s at 0x%" PRIx64 "+0x%" PRIx64 " is outside RAM; skipped\n",
			    reg.name, reg.addr, reg.size);
			skipped++;
			ret = MD_ERR_BADREGION;
			continue;
		}
		r = fn(&reg, arg);
		if (r)
			goto out;
	}
	if (skipped)
		seterr(err, errlen, "subsystem %u: %u region%s outside RAM skipped", ss, skipped,
		       skipped > 1 ? "s" : "");
	r = ret;
out:
	free(buf);
	return r;
}

int md_walk(const struct md_image *img, uint64_t smem_base, uint64_t smem_size,
	    md_subsystem_fn ss_fn, md_region_fn fn, void *arg,
	    char *err, size_t errlen)
{
	uint64_t off, len, nss, ss, enabled = 0;
	uint8_t *smem;
	int ret = MD_OK, r;

	if (!smem_size || smem_size > (256u << 20)) {
		seterr(err, errlen, "bad SMEM window size 0x%" PRIx64, smem_size);
		return MD_ERR_NOTABLE;
	}
	smem = malloc(smem_size);
	if (!smem) {
		seterr(err, errlen, "out of memory");
		return MD_ERR_IO;
	}
	r = md_read_phys(img, smem_base, smem, smem_size);
	if (r) {
		ret = md_read_fail(r, "the SMEM window", smem_base, err, errlen);
		/* Outside RAM or not in the files: it is not there to read. */
		ret = ret == MD_ERR_IO ? ret : MD_ERR_TRUNC;
		goto out;
	}
	ret = md_smem_find(smem, smem_size, MD_SMEM_ID, &off, &len, err, errlen);
	if (ret)
		goto out;
	if (len < MD_TOC_SUBSYSTEMS || !get_le32(smem + off + MD_TOC_STATUS)) {
		seterr(err, errlen, "minidump table not initialised by firmware");
		ret = MD_ERR_NOTABLE;
		goto out;
	}
	nss = (len - MD_TOC_SUBSYSTEMS) / MD_SS_LEN;
	if (!nss) {
		seterr(err, errlen, "item %d (%" PRIu64 " bytes) holds no subsystem table",
		       MD_SMEM_ID, len);
		ret = MD_ERR_NOTABLE;
		goto out;
	}
	for (ss = 0; ss < nss; ss++) {
		const uint8_t *s = smem + off + MD_TOC_SUBSYSTEMS + ss * MD_SS_LEN;

		if (get_le32(s + MD_SS_STATUS) != 1 || !get_le64(s + MD_SS_BASEPTR) ||
		    get_le32(s + MD_SS_ENABLED) != MD_SS_ENABLED_MAGIC ||
		    get_le32(s + MD_SS_ENCR_STATUS) != MD_SS_ENCR_DONE)
			continue;
		enabled++;
		if (ss_fn)
			ss_fn(ss, get_le32(s + MD_SS_REGION_COUNT),
			      get_le64(s + MD_SS_BASEPTR), arg);
		r = walk_subsystem(img, ss, s, fn, arg, err, errlen);
		if (r && r != MD_ERR_BADREGION) {
			ret = r;
			goto out;
		}
		if (r)
			ret = r;
	}
	if (!enabled) {
		seterr(err, errlen, "no subsystem table is enabled and initialised: nothing was registered for a dump");
		ret = MD_ERR_NOTABLE;
	}
out:
	free(smem);
	return ret;
}

int md_walk_mmio(const struct md_image *img, uint64_t base,
		 md_subsystem_fn ss_fn, md_region_fn fn, void *arg,
		 char *err, size_t errlen)
{
	uint8_t r[MD_MMIO_SIZE], s[MD_SS_LEN] = { 0 };
	uint64_t table;
	int rd = md_read_phys(img, base, r, sizeof(r)), ret;

	if (rd) {
		ret = md_read_fail(rd, "the MMIO window", base, err, errlen);
		return ret == MD_ERR_IO ? ret : MD_ERR_TRUNC;
	}
	if (!get_le32(r + MD_MMIO_GLOBAL_INIT)) {
		seterr(err, errlen, "minidump registers not initialised by firmware");
		return MD_ERR_NOTABLE;
	}
	table = (uint64_t)get_le32(r + MD_MMIO_SS_BASE_HI) << 32 |
		get_le32(r + MD_MMIO_SS_BASE_LO);
	if (get_le32(r + MD_MMIO_SS_INIT) != 1 || !table ||
	    get_le32(r + MD_MMIO_SS_ENABLE) != MD_SS_ENABLED_MAGIC ||
	    get_le32(r + MD_MMIO_SS_ENCR_STATUS) != MD_SS_ENCR_DONE) {
		seterr(err, errlen, "no subsystem table published in the MMIO registers");
		return MD_ERR_NOTABLE;
	}
	/* The same walk as a subsystem table in SMEM. */
	put_le32(s + MD_SS_REGION_COUNT, get_le32(r + MD_MMIO_SS_COUNT));
	put_le64(s + MD_SS_BASEPTR, table);
	if (ss_fn)
		ss_fn(0, get_le32(r + MD_MMIO_SS_COUNT), table, arg);
	return walk_subsystem(img, 0, s, fn, arg, err, errlen);
}

static int by_addr(const void *a, const void *b)
{
	const struct md_region *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

int md_check_overlaps(const struct md_region *regions, unsigned int n)
{
	const struct md_region *reach;
	struct md_region *s;
	unsigned int i;
	int ret = MD_OK;

	if (n < 2)
		return MD_OK;
	s = malloc(n * sizeof(*s));
	if (!s)
		return MD_ERR_IO;
	memcpy(s, regions, n * sizeof(*s));
	qsort(s, n, sizeof(*s), by_addr);
	/*
	 * Against the region reaching furthest so far: containment counts.
	 * Two regions naming exactly the same memory do not conflict: the
	 * kernel dumps an object twice when two lookups need it (the xarray
	 * node at the top of every CPU's pid path).
	 */
	reach = &s[0];
	for (i = 1; i < n; i++) {
		if (s[i].addr == reach->addr && s[i].size == reach->size)
			continue;
		if (s[i].addr - reach->addr < reach->size) {
			msg("mdread: regions %s and %s overlap at 0x%" PRIx64 "\n",
			    reach->name, s[i].name, s[i].addr);
			ret = MD_ERR_OVERLAP;
		}
		if (s[i].addr + s[i].size > reach->addr + reach->size)
			reach = &s[i];
	}
	free(s);
	return ret;
}
