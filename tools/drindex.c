// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading the vendor-neutral dump index out of a RAM image.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "drindex.h"
#include "le.h"
#include "util.h"

/* Bounded well above what a kernel writes (64 KiB + 56 bytes a run). */
#define DIX_KELF_MAX	(64u << 20)

uint64_t dix_slot_size(uint64_t size)
{
	uint64_t s = size / 2 < DIX_SLOT_MAX ? size / 2 : DIX_SLOT_MAX;

	return s & ~(uint64_t)63;
}

const char *dix_check_slot(const uint8_t *p, uint64_t slot_size, char *buf,
			   size_t len)
{
	uint8_t hdr[DIX_HDR_SIZE];
	uint32_t magic, nr, crc;

	if (slot_size < DIX_HDR_SIZE)
		return "bad sizes";
	magic = get_le32(p);
	if (!magic)
		return "empty";
	if (magic != DIX_MAGIC)
		return "bad magic";
	if (get_le16(p + 4) != DIX_VERSION) {
		snprintf(buf, len, "version %u", get_le16(p + 4));
		return buf;
	}
	nr = get_le32(p + 20);
	if (get_le16(p + 6) != DIX_HDR_SIZE || get_le32(p + 36) != DIX_RUN_SIZE ||
	    get_le32(p + 32) != slot_size ||
	    nr > (slot_size - DIX_HDR_SIZE) / DIX_RUN_SIZE)
		return "bad sizes";
	memcpy(hdr, p, sizeof(hdr));
	memset(hdr + 60, 0, 4);
	crc = crc32(0, hdr, sizeof(hdr));
	crc = crc32(crc, p + DIX_HDR_SIZE, nr * DIX_RUN_SIZE);
	if (crc != get_le32(p + 60))
		return "bad checksum";
	return NULL;
}

int dix_parse(const uint8_t *buf, uint64_t size, struct dix_index *ix,
	      char *err, size_t errlen)
{
	uint64_t ss = dix_slot_size(size), g[2] = { 0, 0 };
	const char *why[2];
	char b0[32], b1[32];
	const uint8_t *p;
	unsigned int k, i;

	memset(ix, 0, sizeof(*ix));
	if (size < DIX_MIN_SIZE) {
		seterr(err, errlen, "dump index carve-out of %" PRIu64 " bytes: at least %u needed",
		       size, DIX_MIN_SIZE);
		return MD_ERR_NOTABLE;
	}
	why[0] = dix_check_slot(buf, ss, b0, sizeof(b0));
	why[1] = dix_check_slot(buf + ss, ss, b1, sizeof(b1));
	if (why[0] && why[1]) {
		seterr(err, errlen, "no valid dump index (slot 0: %s, slot 1: %s)",
		       why[0], why[1]);
		return MD_ERR_NOTABLE;
	}
	/*
	 * A newer format in one slot: the other one, if valid, is older than
	 * it (each kernel clears both slots at boot), so not the dump.
	 */
	for (k = 0; k < 2; k++)
		if (why[k] == (k ? b1 : b0)) {
			seterr(err, errlen, "slot %u holds dump index %s, which this reader does not know; not taking the other slot",
			       k, why[k]);
			return MD_ERR_NOTABLE;
		}
	for (k = 0; k < 2; k++)
		if (!why[k])
			g[k] = get_le64(buf + k * ss + 8);
	k = why[0] ? 1 : why[1] ? 0 : g[1] > g[0];
	p = buf + k * ss;
	ix->slot = k;
	ix->generation = g[k];
	ix->flags = get_le32(p + 16);
	ix->nr_runs = get_le32(p + 20);
	ix->kelf_size = get_le64(p + 24);
	ix->runs = calloc(ix->nr_runs ? ix->nr_runs : 1, sizeof(*ix->runs));
	if (!ix->runs)
		return MD_ERR_IO;
	for (i = 0; i < ix->nr_runs; i++) {
		ix->runs[i].phys = get_le64(p + DIX_HDR_SIZE + i * DIX_RUN_SIZE);
		ix->runs[i].size = get_le64(p + DIX_HDR_SIZE + i * DIX_RUN_SIZE + 8);
	}
	return MD_OK;
}

void dix_free(struct dix_index *ix)
{
	free(ix->runs);
	ix->runs = NULL;
}

int dix_read(const struct md_image *img, uint64_t base, uint64_t size,
	     struct dix_index *ix, uint8_t **kelf, char *err, size_t errlen)
{
	uint64_t len = 2 * dix_slot_size(size), sum = 0, off = 0;
	uint8_t *buf;
	unsigned int i;
	int ret, rd;

	*kelf = NULL;
	memset(ix, 0, sizeof(*ix));
	if (size < DIX_MIN_SIZE) {
		seterr(err, errlen, "dump index carve-out of %" PRIu64 " bytes: at least %u needed",
		       size, DIX_MIN_SIZE);
		return MD_ERR_NOTABLE;
	}
	buf = malloc(len);
	if (!buf)
		return MD_ERR_IO;
	rd = md_read_phys(img, base, buf, len);
	if (rd) {
		free(buf);
		return md_read_fail(rd, "the dump index", base, err, errlen);
	}
	ret = dix_parse(buf, size, ix, err, errlen);
	free(buf);
	if (ret)
		return ret;
	if (!ix->nr_runs) {
		seterr(err, errlen, "the dump index (generation %" PRIu64 ") lists no KELF index%s",
		       ix->generation, ix->flags & DIX_F_SHUTDOWN ?
		       ": withdrawn at a clean shutdown" : "");
		return MD_ERR_NOTABLE;
	}
	for (i = 0; i < ix->nr_runs; i++) {
		if (ix->runs[i].size > DIX_KELF_MAX - sum) {
			sum = DIX_KELF_MAX + 1ull;
			break;
		}
		sum += ix->runs[i].size;
	}
	if (sum != ix->kelf_size || sum > DIX_KELF_MAX || !sum) {
		seterr(err, errlen, "dump index: KELF of %" PRIu64 " bytes in runs of %" PRIu64,
		       ix->kelf_size, sum);
		return MD_ERR_BADKELF;
	}
	*kelf = malloc(sum);
	if (!*kelf)
		return MD_ERR_IO;
	for (i = 0; i < ix->nr_runs; i++) {
		rd = md_read_phys(img, ix->runs[i].phys, *kelf + off, ix->runs[i].size);
		if (rd) {
			free(*kelf);
			*kelf = NULL;
			return md_read_fail(rd, "a KELF run", ix->runs[i].phys, err, errlen);
		}
		off += ix->runs[i].size;
	}
	return MD_OK;
}
