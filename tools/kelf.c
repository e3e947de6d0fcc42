// SPDX-License-Identifier: GPL-2.0-only
/*
 * Turning a dump into one ELF core file with the KELF index.
 */
#define _FILE_OFFSET_BITS 64
#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "kelf.h"
#include "util.h"

#define KELF_MAX_SIZE	(64u << 20)

/* The dumped memory as sorted, merged ranges [lo, hi): O(n log n) once. */
struct span {
	uint64_t lo, hi;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return x->lo < y->lo ? -1 : x->lo > y->lo;
}

static struct span *spans_of(const struct md_region *c, unsigned int n,
			     unsigned int *ns)
{
	struct span *s = malloc((n ? n : 1) * sizeof(*s));
	unsigned int i, k = 0;

	if (!s)
		return NULL;
	for (i = 0; i < n; i++) {
		if (!c[i].size)
			continue;
		s[k].lo = c[i].addr;
		/* The regions were checked against RAM: no wrap. */
		s[k++].hi = c[i].addr + c[i].size;
	}
	qsort(s, k, sizeof(*s), span_cmp);
	for (i = 0, n = 0; i < k; i++) {
		if (n && s[i].lo <= s[n - 1].hi) {
			if (s[i].hi > s[n - 1].hi)
				s[n - 1].hi = s[i].hi;
		} else {
			s[n++] = s[i];
		}
	}
	*ns = n;
	return s;
}

/*
 * The span [@pa, @pa + @size) lies in (a binary search), or -1.  The spans
 * being merged, a range lies in at most one.
 */
static long span_of(const struct span *s, unsigned int ns, uint64_t pa,
		    uint64_t size)
{
	unsigned int lo = 0, hi = ns, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (s[mid].lo <= pa)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && pa - s[lo - 1].lo <= s[lo - 1].hi - s[lo - 1].lo &&
	    size <= s[lo - 1].hi - pa)
		return lo - 1;
	return -1;
}

static int in_spans(const struct span *s, unsigned int ns, uint64_t pa,
		    uint64_t size)
{
	return span_of(s, ns, pa, size) >= 0;
}

/*
 * Write @n bytes, or, when they are all zero and @out is a regular file,
 * seek over them: a dump's holes stay holes on disk (the caller sizes the
 * file at the end).
 */
static int put_bytes(FILE *out, const uint8_t *buf, uint64_t n)
{
	static const uint8_t zero[4096];
	struct stat st;
	uint64_t i;
	int fd;

	for (i = 0; i < n; i += sizeof(zero))
		if (memcmp(buf + i, zero, n - i < sizeof(zero) ? n - i : sizeof(zero)))
			break;
	fd = fileno(out);
	if (i >= n && fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode))
		return fseeko(out, n, SEEK_CUR) ? MD_ERR_IO : 0;
	return fwrite(buf, 1, n, out) == n ? 0 : MD_ERR_IO;
}

/*
 * Copy [@pa, @pa + @size) to @out.  A failed read is said in @err with its
 * cause (@what names the bytes): a file that shrank, a read error.
 */
static int copy_out(const struct md_image *img, uint64_t pa, uint64_t size,
		    FILE *out, const char *what, char *err, size_t errlen)
{
	static uint8_t buf[1 << 20];
	int rd;

	while (size) {
		uint64_t n = size < sizeof(buf) ? size : sizeof(buf);

		rd = md_read_phys(img, pa, buf, n);
		if (rd)
			return md_read_fail(rd, what, pa, err, errlen);
		if (put_bytes(out, buf, n))
			return MD_ERR_IO;
		pa += n;
		size -= n;
	}
	return 0;
}

int kelf_phdrs(const uint8_t *k, uint64_t kelf_size, Elf64_Phdr **php,
	       uint64_t *phnump, char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	Elf64_Shdr sh0;
	uint64_t phnum;

	*php = NULL;
	if (kelf_size < sizeof(eh) || kelf_size > KELF_MAX_SIZE) {
		seterr(err, errlen, "KELF region of %" PRIu64 " bytes", kelf_size);
		return MD_ERR_BADKELF;
	}
	memcpy(&eh, k, sizeof(eh));
	phnum = eh.e_phnum;
	/* Extended numbering: the count is in section header 0's sh_info. */
	if (phnum == PN_XNUM) {
		if (eh.e_shoff > kelf_size || sizeof(sh0) > kelf_size - eh.e_shoff ||
		    eh.e_shentsize != sizeof(sh0)) {
			seterr(err, errlen, "corrupt KELF header (extended numbering)");
			return MD_ERR_BADKELF;
		}
		memcpy(&sh0, k + eh.e_shoff, sizeof(sh0));
		phnum = sh0.sh_info;
	}
	if (memcmp(eh.e_ident, ELFMAG, SELFMAG) || eh.e_ident[EI_CLASS] != ELFCLASS64 ||
	    eh.e_ident[EI_DATA] != ELFDATA2LSB || eh.e_type != ET_CORE ||
	    eh.e_phentsize != sizeof(Elf64_Phdr) || phnum < 1 ||
	    eh.e_phoff > kelf_size ||
	    phnum * sizeof(Elf64_Phdr) > kelf_size - eh.e_phoff) {
		seterr(err, errlen, "corrupt KELF header");
		return MD_ERR_BADKELF;
	}
	*php = (Elf64_Phdr *)malloc(phnum * sizeof(Elf64_Phdr));
	if (!*php)
		return MD_ERR_IO;
	memcpy(*php, k + eh.e_phoff, phnum * sizeof(Elf64_Phdr));
	*phnump = phnum;
	return MD_OK;
}

int kelf_write(const struct md_image *img, uint64_t kelf_addr,
	       uint64_t kelf_size, const struct md_region *covered,
	       unsigned int ncovered, FILE *out, int verbose,
	       char *err, size_t errlen)
{
	uint8_t *k;
	int ret;

	if (kelf_size < sizeof(Elf64_Ehdr) || kelf_size > KELF_MAX_SIZE) {
		seterr(err, errlen, "KELF region of %" PRIu64 " bytes", kelf_size);
		return MD_ERR_BADKELF;
	}
	k = malloc(kelf_size);
	if (!k) {
		seterr(err, errlen, "out of memory");
		return MD_ERR_IO;
	}
	ret = md_read_phys(img, kelf_addr, k, kelf_size);
	if (ret) {
		free(k);
		return md_read_fail(ret, "the KELF region", kelf_addr, err, errlen);
	}
	ret = kelf_write_buf(img, k, kelf_size, covered, ncovered, out, verbose,
			     err, errlen);
	free(k);
	return ret;
}

int kelf_write_buf(const struct md_image *img, const uint8_t *k,
		   uint64_t kelf_size, const struct md_region *covered,
		   unsigned int ncovered, FILE *out, int verbose,
		   char *err, size_t errlen)
{
	Elf64_Ehdr eh;
	Elf64_Phdr *ph = NULL, *oph = NULL, note;
	Elf64_Shdr sh0;
	uint64_t off, notes_len, phnum, xnum;
	unsigned int i, n = 0, nspans = 0;
	struct span *spans = NULL;
	int ret;

	ret = kelf_phdrs(k, kelf_size, &ph, &phnum, err, errlen);
	if (ret)
		return ret;
	if (covered) {
		spans = spans_of(covered, ncovered, &nspans);
		if (!spans) {
			free(ph);
			return MD_ERR_IO;
		}
	}
	ret = MD_ERR_BADKELF;
	memcpy(&eh, k, sizeof(eh));
	oph = (Elf64_Phdr *)malloc(phnum * sizeof(*oph));
	if (!oph) {
		ret = MD_ERR_IO;
		goto out;
	}
	note = ph[0];
	if (note.p_type != PT_NOTE || note.p_offset > kelf_size ||
	    note.p_filesz > kelf_size - note.p_offset) {
		seterr(err, errlen, "corrupt KELF note segment");
		goto out;
	}
	notes_len = note.p_filesz;

	/* Keep the loads that were dumped, laid out after header and notes. */
	for (i = 1; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD || !ph[i].p_filesz)
			continue;
		if ((spans && !in_spans(spans, nspans, ph[i].p_paddr, ph[i].p_filesz)) ||
		    ph[i].p_paddr < img->ram_base ||
		    ph[i].p_paddr - img->ram_base > img->ram_size ||
		    ph[i].p_filesz > img->ram_size - (ph[i].p_paddr - img->ram_base)) {
			msg("kelf: segment at 0x%" PRIx64 "+0x%" PRIx64 " was not dumped; left out\n",
			    (uint64_t)ph[i].p_paddr, (uint64_t)ph[i].p_filesz);
			continue;
		}
		oph[1 + n++] = ph[i];
	}
	/*
	 * The output is bounded by the input: loads may overlap a little, but
	 * an index asking for far more bytes than the union of the regions
	 * dumped (the same region listed over and over, by the table or by
	 * the index) is refused, not written.
	 */
	if (covered) {
		uint64_t want = 0, have = 0;

		for (i = 1; i <= n; i++)
			want += oph[i].p_filesz;
		for (i = 0; i < nspans; i++)
			have += spans[i].hi - spans[i].lo;
		if (want > 2 * have + (64u << 10)) {
			seterr(err, errlen, "KELF index asks for %" PRIu64 " bytes of loads from %" PRIu64
			       " bytes of dumped regions", want, have);
			ret = MD_ERR_BADKELF;
			goto out;
		}
	}
	off = sizeof(eh) + (1 + (uint64_t)n) * sizeof(Elf64_Phdr);
	xnum = 1 + (uint64_t)n >= PN_XNUM;
	if (xnum)
		off += sizeof(sh0);
	oph[0] = note;
	oph[0].p_offset = off;
	off += notes_len;
	for (i = 1; i <= n; i++) {
		oph[i].p_offset = off;
		oph[i].p_memsz = oph[i].p_filesz;
		off += oph[i].p_filesz;
		if (verbose)
			printf("load vaddr=0x%" PRIx64 " paddr=0x%" PRIx64 " size=%" PRIu64
			       " offset=%" PRIu64 "\n", (uint64_t)oph[i].p_vaddr,
			       (uint64_t)oph[i].p_paddr, (uint64_t)oph[i].p_filesz,
			       (uint64_t)oph[i].p_offset);
	}
	eh.e_phoff = sizeof(eh);
	eh.e_phnum = xnum ? PN_XNUM : 1 + n;
	eh.e_shoff = 0;
	eh.e_shnum = 0;
	eh.e_shstrndx = 0;
	memset(&sh0, 0, sizeof(sh0));
	if (xnum) {
		eh.e_shoff = sizeof(eh) + (1 + (uint64_t)n) * sizeof(Elf64_Phdr);
		eh.e_shentsize = sizeof(sh0);
		eh.e_shnum = 1;
		sh0.sh_size = 1;
		sh0.sh_info = 1 + n;
	}
	if (fwrite(&eh, sizeof(eh), 1, out) != 1 ||
	    fwrite(oph, sizeof(*oph), 1 + n, out) != 1 + n ||
	    (xnum && fwrite(&sh0, sizeof(sh0), 1, out) != 1) ||
	    fwrite(k + note.p_offset, 1, notes_len, out) != notes_len) {
		ret = MD_ERR_IO;
		goto out;
	}
	for (i = 1; i <= n; i++) {
		ret = copy_out(img, oph[i].p_paddr, oph[i].p_filesz, out, "a KELF load",
			       err, errlen);
		if (ret)
			goto out;
	}
	ret = MD_OK;
out:
	free(spans);
	free(ph);
	free(oph);
	return ret;
}

/* Section name of region @r: its name, ".<seq>" when seq is not 0. */
static int section_name(const struct md_region *r, char *buf, size_t len)
{
	if (r->seq)
		return snprintf(buf, len, "%s.%u", r->name, r->seq);
	return snprintf(buf, len, "%s", r->name);
}

static int put(const void *p, size_t len, FILE *out)
{
	return fwrite(p, 1, len, out) == len ? 0 : MD_ERR_IO;
}

/*
 * One PT_LOAD per span of the regions' union, so that regions listed twice
 * or overlapping are written once: the output is bounded by the memory
 * dumped, whatever the table repeats (audit N3).  Each region's section
 * points into the load holding it.
 */
int phys_elf_write(const struct md_image *img, const struct md_region *regions,
		   unsigned int n, FILE *out, char *err, size_t errlen)
{
	uint64_t data_off, off, strtab_off, strtab_len = 1, name_off, *soff = NULL;
	unsigned int i, ns = 0;
	struct span *s = NULL;
	Elf64_Ehdr eh = { 0 };
	Elf64_Phdr ph;
	Elf64_Shdr sh;
	char name[32];
	long j;
	int ret = 0;

	/* Null section, one per region, .shstrtab: they must fit e_shnum. */
	if (n + 2 >= SHN_LORESERVE) {
		seterr(err, errlen, "%u regions: more than an ELF without extended numbering holds (%u at most)",
		       n, SHN_LORESERVE - 3);
		return MD_ERR_BADREGION;
	}
	s = spans_of(regions, n, &ns);
	soff = malloc((ns ? ns : 1) * sizeof(*soff));
	if (!s || !soff) {
		seterr(err, errlen, "out of memory");
		ret = MD_ERR_IO;
		goto out;
	}
	data_off = sizeof(Elf64_Ehdr) + (uint64_t)ns * sizeof(Elf64_Phdr);
	off = data_off;
	for (i = 0; i < ns; i++) {
		soff[i] = off;
		off += s[i].hi - s[i].lo;
	}
	strtab_off = off;
	for (i = 0; i < n; i++)
		strtab_len += section_name(&regions[i], name, sizeof(name)) + 1;
	strtab_len += sizeof(".shstrtab");

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_CORE;
	eh.e_machine = EM_NONE;		/* nothing in the dump says which */
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_phoff = ns ? sizeof(eh) : 0;
	eh.e_phentsize = sizeof(ph);
	eh.e_phnum = ns;
	eh.e_shoff = (strtab_off + strtab_len + 7) & ~7ull;
	eh.e_shentsize = sizeof(sh);
	eh.e_shnum = n + 2;
	eh.e_shstrndx = n + 1;
	ret = put(&eh, sizeof(eh), out);

	for (i = 0; i < ns && !ret; i++) {
		memset(&ph, 0, sizeof(ph));
		ph.p_type = PT_LOAD;
		ph.p_flags = PF_R;
		ph.p_offset = soff[i];
		ph.p_paddr = s[i].lo;
		ph.p_filesz = s[i].hi - s[i].lo;
		ph.p_memsz = ph.p_filesz;
		ret = put(&ph, sizeof(ph), out);
	}
	for (i = 0; i < ns && !ret; i++) {
		ret = copy_out(img, s[i].lo, s[i].hi - s[i].lo, out, "dumped memory", err,
			       errlen);
		if (ret)
			goto out;
	}
	/* .shstrtab: "", each region's name, ".shstrtab", padding */
	if (!ret)
		ret = put("", 1, out);
	for (i = 0; i < n && !ret; i++) {
		section_name(&regions[i], name, sizeof(name));
		ret = put(name, strlen(name) + 1, out);
	}
	if (!ret)
		ret = put(".shstrtab", sizeof(".shstrtab"), out);
	for (off = strtab_off + strtab_len; off < eh.e_shoff && !ret; off++)
		ret = put("", 1, out);

	memset(&sh, 0, sizeof(sh));
	if (!ret)
		ret = put(&sh, sizeof(sh), out);
	name_off = 1;
	for (i = 0; i < n && !ret; i++) {
		memset(&sh, 0, sizeof(sh));
		sh.sh_name = name_off;
		sh.sh_type = SHT_PROGBITS;
		sh.sh_flags = SHF_ALLOC;
		sh.sh_addr = regions[i].addr;
		j = regions[i].size ? span_of(s, ns, regions[i].addr, regions[i].size) : -1;
		sh.sh_offset = j >= 0 ? soff[j] + (regions[i].addr - s[j].lo) : data_off;
		sh.sh_size = j >= 0 ? regions[i].size : 0;
		sh.sh_addralign = 1;
		name_off += section_name(&regions[i], name, sizeof(name)) + 1;
		ret = put(&sh, sizeof(sh), out);
	}
	memset(&sh, 0, sizeof(sh));
	sh.sh_name = name_off;
	sh.sh_type = SHT_STRTAB;
	sh.sh_offset = strtab_off;
	sh.sh_size = strtab_len;
	sh.sh_addralign = 1;
	if (!ret)
		ret = put(&sh, sizeof(sh), out);
	if (ret)
		seterr(err, errlen, "write error");
out:
	free(soff);
	free(s);
	return ret;
}
