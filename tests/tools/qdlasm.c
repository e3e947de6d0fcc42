// SPDX-License-Identifier: GPL-2.0-only
/*
 * qdlasm: assemble minidump.elf from firmware-style region files the way
 * Qualcomm's download tool (qdl ramdump, sahara_build_minidump_elf())
 * does, written here from its rules:
 *
 *  - the region whose file name starts with "md_KELF" is the ELF core
 *    header; without one there is no ELF;
 *  - it must be an ELF64 ET_CORE with e_phentsize == sizeof(Elf64_Phdr)
 *    and every program header inside it (e_phnum taken as is); it is
 *    written verbatim first;
 *  - of the other "md_K" regions, the first whose address matches no
 *    PT_LOAD p_paddr is taken as VMCOREINFO data and written next;
 *  - then, for each PT_LOAD in program header order, the first region (in
 *    table order) whose address equals p_paddr is appended and zero-padded
 *    to p_filesz; nothing is ever sought.
 *
 * The table is mdread's --list output ("region NAME seq=N addr=A size=S
 * ..."); region NAME's file is DIR/md_NAME.BIN (md_NAME.SEQ.BIN for a
 * non-zero sequence number), as mdread --dump writes them.
 *
 * With --check REF, every PT_LOAD of the result is compared with the one
 * of REF (mdread --elf's output) at the same physical address: same
 * virtual address, size and bytes; the notes too.  Prints what differs.
 *
 * Exit: 0, 1 on differences (--check), 2 usage, 3 no KELF region, 4 KELF
 * not an ELF64 core header or a load larger than its region, 6 I/O error.
 */
#define _GNU_SOURCE
#define _FILE_OFFSET_BITS 64
#include <elf.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct entry {
	char name[64];
	unsigned int seq;
	uint64_t addr, size;
};

static struct entry *table;
static size_t nr;

static int read_table(const char *path)
{
	char line[512], name[64];
	unsigned int seq;
	uint64_t addr, size;
	FILE *f = fopen(path, "r");

	if (!f) {
		perror(path);
		return -1;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "region %63s seq=%u addr=%" SCNx64 " size=%" SCNu64,
			   name, &seq, &addr, &size) != 4)
			continue;
		table = realloc(table, (nr + 1) * sizeof(*table));
		if (!table) {
			fclose(f);
			return -1;
		}
		snprintf(table[nr].name, sizeof(table[nr].name), "%s", name);
		table[nr].seq = seq;
		table[nr].addr = addr;
		table[nr].size = size;
		nr++;
	}
	fclose(f);
	return 0;
}

static void file_of(const char *dir, const struct entry *e, char *buf, size_t len)
{
	if (e->seq)
		snprintf(buf, len, "%s/md_%s.%u.BIN", dir, e->name, e->seq);
	else
		snprintf(buf, len, "%s/md_%s.BIN", dir, e->name);
}

/* The Sahara name of @e starts with @prefix ("md_" + region name). */
static int md_starts(const struct entry *e, const char *prefix)
{
	char md[80];

	snprintf(md, sizeof(md), "md_%s", e->name);
	return !strncmp(md, prefix, strlen(prefix));
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		goto out;
	buf = malloc(n ? n : 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	*len = n;
out:
	fclose(f);
	return buf;
}

static int append(FILE *out, const char *path, uint64_t *written)
{
	size_t len;
	char *buf = slurp(path, &len);

	if (!buf)
		return -1;
	if (fwrite(buf, 1, len, out) != len) {
		free(buf);
		return -1;
	}
	free(buf);
	*written = len;
	return 0;
}

static int assemble(const char *dir, const char *out_path)
{
	ssize_t kelf = -1, vmci = -1;
	Elf64_Ehdr *eh;
	Elf64_Phdr *ph;
	char path[4096];
	size_t i, j, klen;
	uint64_t w;
	char *k;
	FILE *out;
	int found, ret = 0;

	for (i = 0; i < nr && kelf < 0; i++)
		if (md_starts(&table[i], "md_KELF"))
			kelf = i;
	if (kelf < 0) {
		fprintf(stderr, "qdlasm: no md_KELF region: no ELF\n");
		return 3;
	}
	file_of(dir, &table[kelf], path, sizeof(path));
	k = slurp(path, &klen);
	if (!k) {
		perror(path);
		return 6;
	}
	eh = (Elf64_Ehdr *)k;
	if (klen < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_type != ET_CORE || eh->e_phentsize != sizeof(Elf64_Phdr) ||
	    eh->e_phoff > klen ||
	    (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > klen - eh->e_phoff) {
		fprintf(stderr, "qdlasm: KELF is not a 64-bit ELF core header\n");
		free(k);
		return 4;
	}
	ph = (Elf64_Phdr *)(k + eh->e_phoff);
	for (i = 0; i < nr && vmci < 0; i++) {
		if ((ssize_t)i == kelf || !md_starts(&table[i], "md_K"))
			continue;
		found = 0;
		for (j = 0; j < eh->e_phnum; j++)
			found |= ph[j].p_type == PT_LOAD && ph[j].p_paddr == table[i].addr;
		if (!found)
			vmci = i;
	}
	out = fopen(out_path, "wb");
	if (!out || fwrite(k, 1, klen, out) != klen) {
		perror(out_path);
		free(k);
		return 6;
	}
	if (vmci >= 0) {
		file_of(dir, &table[vmci], path, sizeof(path));
		printf("qdlasm: %s taken as VMCOREINFO data\n", table[vmci].name);
		if (append(out, path, &w))
			fprintf(stderr, "qdlasm: %s missing\n", path);
	}
	for (j = 0; j < eh->e_phnum; j++) {
		if (ph[j].p_type != PT_LOAD)
			continue;
		found = 0;
		for (i = 0; i < nr && !found; i++) {
			if (table[i].addr != ph[j].p_paddr)
				continue;
			found = 1;
			/*
			 * qdl pads a load to p_filesz; a load larger than its
			 * region would pad without bound (audit H7).
			 */
			if (ph[j].p_filesz > table[i].size) {
				fprintf(stderr, "qdlasm: PT_LOAD at 0x%" PRIx64 " of %" PRIu64
					" bytes, its region %s holds %" PRIu64 "\n",
					(uint64_t)ph[j].p_paddr, (uint64_t)ph[j].p_filesz,
					table[i].name, table[i].size);
				ret = 4;
				break;
			}
			file_of(dir, &table[i], path, sizeof(path));
			if (append(out, path, &w)) {
				fprintf(stderr, "qdlasm: %s missing\n", path);
				break;
			}
			for (; w < ph[j].p_filesz; w++)
				fputc(0, out);
		}
		if (!found)
			fprintf(stderr, "qdlasm: no region for PT_LOAD at 0x%" PRIx64 "\n",
				(uint64_t)ph[j].p_paddr);
	}
	free(k);
	if (fclose(out)) {
		perror(out_path);
		return 6;
	}
	return ret;
}

/* Notes of @buf's PT_NOTE, as (type, name, descriptor) in order. */
static const Elf64_Phdr *phdrs(const char *buf, size_t len, unsigned int *n)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)buf;

	if (len < sizeof(*eh) || memcmp(eh->e_ident, ELFMAG, SELFMAG) ||
	    eh->e_phoff > len || (size_t)eh->e_phnum * sizeof(Elf64_Phdr) > len - eh->e_phoff)
		return NULL;
	*n = eh->e_phnum;
	return (const Elf64_Phdr *)(buf + eh->e_phoff);
}

static int inside(const Elf64_Phdr *p, size_t len)
{
	return p->p_offset <= len && p->p_filesz <= len - p->p_offset;
}

static int check(const char *a_path, const char *b_path)
{
	const Elf64_Phdr *pa, *pb, *na = NULL, *nb = NULL;
	unsigned int ia, ib, n_a, n_b, loads = 0, diffs = 0;
	size_t la, lb;
	char *a = slurp(a_path, &la), *b = slurp(b_path, &lb);

	if (!a || !b || !(pa = phdrs(a, la, &n_a)) || !(pb = phdrs(b, lb, &n_b))) {
		fprintf(stderr, "qdlasm: cannot read %s or %s as ELF\n", a_path, b_path);
		return 6;
	}
	for (ia = 0; ia < n_a; ia++) {
		if (pa[ia].p_type == PT_NOTE)
			na = &pa[ia];
		if (pa[ia].p_type != PT_LOAD)
			continue;
		loads++;
		for (ib = 0; ib < n_b; ib++)
			if (pb[ib].p_type == PT_LOAD && pb[ib].p_paddr == pa[ia].p_paddr)
				break;
		if (ib == n_b) {
			printf("differs: load at 0x%" PRIx64 " not in %s\n",
			       (uint64_t)pa[ia].p_paddr, b_path);
			diffs++;
		} else if (pb[ib].p_vaddr != pa[ia].p_vaddr ||
			   pb[ib].p_filesz != pa[ia].p_filesz || !inside(&pa[ia], la) ||
			   !inside(&pb[ib], lb) ||
			   memcmp(a + pa[ia].p_offset, b + pb[ib].p_offset, pa[ia].p_filesz)) {
			printf("differs: load at 0x%" PRIx64 "\n", (uint64_t)pa[ia].p_paddr);
			diffs++;
		}
	}
	for (ib = 0; ib < n_b; ib++)
		if (pb[ib].p_type == PT_NOTE)
			nb = &pb[ib];
	/* The KELF reserves room for notes written at panic; mdread trims it. */
	if (!na || !nb || !inside(na, la) || !inside(nb, lb) || na->p_filesz != nb->p_filesz ||
	    memcmp(a + na->p_offset, b + nb->p_offset, na->p_filesz)) {
		printf("differs: notes\n");
		diffs++;
	}
	printf("qdlasm: %u loads compared, %u differences; %s has %u program headers, %s %u\n",
	       loads, diffs, a_path, n_a, b_path, n_b);
	free(a);
	free(b);
	return diffs ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *tbl = NULL, *dir = NULL, *out = NULL, *ref = NULL;
	int i, ret;

	for (i = 1; i + 1 < argc; i += 2) {
		if (!strcmp(argv[i], "--table"))
			tbl = argv[i + 1];
		else if (!strcmp(argv[i], "--dir"))
			dir = argv[i + 1];
		else if (!strcmp(argv[i], "-o"))
			out = argv[i + 1];
		else if (!strcmp(argv[i], "--check"))
			ref = argv[i + 1];
		else
			break;
	}
	if (i != argc || !tbl || !dir || !out) {
		fprintf(stderr, "usage: qdlasm --table LIST --dir DIR -o OUT [--check REF.ELF]\n");
		return 2;
	}
	if (read_table(tbl))
		return 6;
	ret = assemble(dir, out);
	if (!ret && ref)
		ret = check(out, ref);
	free(table);
	return ret;
}
