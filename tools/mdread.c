// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdread - find the Qualcomm minidump table in a RAM image, as the boot
 * firmware does in download mode, or the vendor-neutral dump index
 * (Documentation/dumpregion/index.rst), list its regions with a CRC-32 of
 * their bytes, extract them as md_<name>.BIN, and write one ELF core file:
 * from the KELF index when the kernel left one, else with physical
 * addresses and one section per region.  Reads the image in bounded chunks: memory
 * use does not depend on the image size.
 */
#define _FILE_OFFSET_BITS 64
#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "drindex.h"
#include "fdt.h"
#include "kelf.h"
#include "minidump.h"
#include "util.h"

/* Exit codes */
#define EX_USAGE	2
#define EX_NOTABLE	3
#define EX_TRUNC	4
#define EX_BADREGION	5
#define EX_IO		6
#define EX_OVERLAP	7
#define EX_BADKELF	8

static const int exit_codes[] = {
	[MD_OK] = 0,
	[MD_ERR_NOTABLE] = EX_NOTABLE,
	[MD_ERR_TRUNC] = EX_TRUNC,
	[MD_ERR_BADREGION] = EX_BADREGION,
	[MD_ERR_IO] = EX_IO,
	[MD_ERR_OVERLAP] = EX_OVERLAP,
	[MD_ERR_BADKELF] = EX_BADKELF,
};

#define MAX_SOURCES	16
/*
 * Regions collected at most: what an ELF holds without extended section
 * numbering (a section per region, the null one and .shstrtab).  Real
 * tables hold 201 (Qualcomm's APSS table) to 1024 (qdl) entries; a table
 * claiming more is corrupt, and the rest is reported, not collected, so
 * memory stays bounded (audit H5, C11).
 */
#define MAX_REGIONS	(SHN_LORESERVE - 3)
/* makedumpfile -E splits loads at excluded pages: cores with many. */
#define MAX_SEGS	(1u << 20)

/* A stretch of physical memory held in a file. */
struct seg {
	uint64_t base, size;	/* physical */
	uint64_t off;		/* in the file */
	int fd;
	int zero;		/* not in the file: zeros (p_memsz past p_filesz) */
};

/*
 * The memory given: raw files at physical bases, or ELF cores (one
 * segment per PT_LOAD); md_image.ctx points back at it.  Physical
 * addresses no segment holds are holes.
 */
struct file_image {
	struct md_image img;
	struct seg *seg;
	unsigned int nseg, segcap;
	uint64_t end;		/* end of the last byte any file holds */
	int progress;		/* show bytes read on stderr */
	uint64_t done;		/* bytes read so far */
	struct timespec last;	/* last progress line */
};

/* The image whose progress line is on the terminal, not ended yet. */
static const struct file_image *shown;

/* Before a message: end the progress line, so the message starts a line (C9). */
static void end_progress_line(void)
{
	if (shown)
		fputc('\n', stderr);
	shown = NULL;
}

static void progress(struct file_image *fi, int final)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && (now.tv_sec - fi->last.tv_sec) * 1000000000L +
		      (now.tv_nsec - fi->last.tv_nsec) < 250000000L)
		return;
	fi->last = now;
	fprintf(stderr, "\rmdread: %" PRIu64 " MiB read%s", fi->done >> 20,
		final ? "\n" : "");
	shown = final ? NULL : fi;
}

struct opts {
	const char *dir;
	const char *elf;
	int list;
};

/* The segment holding @phys, or NULL (a hole). */
/* The segment holding @phys: a binary search, the segments being sorted and disjoint. */
static const struct seg *find_seg(const struct file_image *fi, uint64_t phys)
{
	unsigned int lo = 0, hi = fi->nseg, mid;

	while (lo < hi) {
		mid = lo + (hi - lo) / 2;
		if (fi->seg[mid].base <= phys)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo && phys - fi->seg[lo - 1].base < fi->seg[lo - 1].size)
		return &fi->seg[lo - 1];
	return NULL;
}

static int seg_cmp(const void *a, const void *b)
{
	const struct seg *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

static int file_read(void *ctx, uint64_t phys, void *buf, uint64_t len)
{
	struct file_image *fi = ctx;
	const struct seg *sg;
	uint64_t k;
	ssize_t n;

	fi->done += len;
	if (fi->progress)
		progress(fi, 0);
	while (len) {
		sg = find_seg(fi, phys);
		if (!sg)	/* past every file: truncated; else a hole */
			return phys >= fi->end ? -ENODATA : -EFAULT;
		k = sg->size - (phys - sg->base);
		k = k < len ? k : len;
		k = k > (1u << 30) ? 1u << 30 : k;
		if (sg->zero) {
			memset(buf, 0, k);
			n = k;
		} else {
			n = pread(sg->fd, buf, k, sg->off + (phys - sg->base));
		}
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;
		buf = (uint8_t *)buf + n;
		phys += n;
		len -= n;
	}
	return 0;
}


/*
 * A set of strings (open addressing, FNV-1a), for the file names --dump
 * has written: no region's file may replace another's, and checking is
 * O(1) per region however many there are.
 */
struct name_set {
	char **v;
	size_t cap, n;
};

static size_t name_hash(const char *s)
{
	size_t h = 2166136261u;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619u;
	return h;
}

/* Whether @s is in @set. */
static int name_set_has(const struct name_set *set, const char *s)
{
	size_t i;

	if (!set->cap)
		return 0;
	for (i = name_hash(s) & (set->cap - 1); set->v[i]; i = (i + 1) & (set->cap - 1))
		if (!strcmp(set->v[i], s))
			return 1;
	return 0;
}

/* Add @s (not in @set).  Returns 0, or -1 out of memory. */
static int name_set_add(struct name_set *set, const char *s)
{
	size_t i, cap;
	char **v;

	if (2 * (set->n + 1) > set->cap) {
		cap = set->cap ? 2 * set->cap : 64;
		v = calloc(cap, sizeof(*v));
		if (!v)
			return -1;
		for (i = 0; i < set->cap; i++) {
			size_t j;

			if (!set->v[i])
				continue;
			for (j = name_hash(set->v[i]) & (cap - 1); v[j]; j = (j + 1) & (cap - 1))
				;
			v[j] = set->v[i];
		}
		free(set->v);
		set->v = v;
		set->cap = cap;
	}
	for (i = name_hash(s) & (set->cap - 1); set->v[i]; i = (i + 1) & (set->cap - 1))
		;
	set->v[i] = strdup(s);
	if (!set->v[i])
		return -1;
	set->n++;
	return 0;
}

static void name_set_free(struct name_set *set)
{
	size_t i;

	for (i = 0; i < set->cap; i++)
		free(set->v[i]);
	free(set->v);
}

struct walk_ctx {
	const struct md_image *img;
	const struct opts *o;
	struct md_region *regions;	/* every region dumped */
	unsigned int nregions;
	struct stat image_st[MAX_SOURCES];	/* the memory files, never outputs */
	unsigned int nimages;
	unsigned int cap;		/* room in @regions */
	int missing;			/* a region was not in the memory given */
	uint64_t over;			/* regions past MAX_REGIONS, not collected */
	struct name_set dumped;		/* file names --dump wrote */
};

static void on_subsystem(unsigned int ss, uint32_t count, uint64_t table,
			 void *arg)
{
	struct walk_ctx *w = arg;

	if (w->o->list)
		printf("subsystem %u regions=%u table=0x%" PRIx64 "\n", ss, count,
		       table);
}

#define MDREAD_VERSION	"0.3"

/*
 * A RAM image is a regular file (or a block device) of raw memory: say so
 * for a directory, a pipe or a compressed file instead of failing later
 * with "outside the image".  Returns 0 or an exit code.
 */
static int check_image(const char *path, int fd, const struct stat *st)
{
	/*
	 * Whole headers where the magic is short, so that raw memory that
	 * happens to start with 1f 8b is not taken for gzip (C5): gzip's
	 * method byte is 8 (deflate) and its reserved flag bits are clear;
	 * bzip2's block size is a digit 1-9.
	 */
	static const struct { const char *magic; size_t len; const char *what; } z[] = {
		{ "\x1f\x8b\x08", 3, "gzip" },
		{ "\xfd" "7zXZ", 6, "xz" },
		{ "\x28\xb5\x2f\xfd", 4, "zstd" },
		{ "BZh", 3, "bzip2" },
		{ "\x04\x22\x4d\x18", 4, "lz4" },
	};
	unsigned char head[8] = { 0 };
	unsigned int i;

	if (S_ISDIR(st->st_mode)) {
		msg("mdread: %s is a directory, not a RAM image\n", path);
		return EX_USAGE;
	}
	if (!S_ISREG(st->st_mode) && !S_ISBLK(st->st_mode)) {
		msg("mdread: %s is %s, not a regular file: the RAM image must be seekable\n",
		    path, S_ISFIFO(st->st_mode) ? "a pipe" : S_ISCHR(st->st_mode) ?
		    "a character device" : "a socket");
		return EX_USAGE;
	}
	if (pread(fd, head, sizeof(head), 0) < 0) {
		msg("mdread: %s: %s\n", path, strerror(errno));
		return EX_IO;
	}
	for (i = 0; i < sizeof(z) / sizeof(*z); i++) {
		if (!memcmp(head, z[i].magic, z[i].len) &&
		    (i != 0 || !(head[3] & 0xe0)) &&
		    (i != 3 || (head[3] >= '1' && head[3] <= '9'))) {
			msg("mdread: %s looks %s-compressed: decompress it first\n",
			    path, z[i].what);
			return EX_USAGE;
		}
	}
	return 0;
}

/* 1 when @path names the file @in (the RAM image) is, links followed. */
static int same_file(const char *path, const struct stat *in)
{
	struct stat st;

	return !stat(path, &st) && st.st_dev == in->st_dev && st.st_ino == in->st_ino;
}

/* 1 when @path is one of the memory files. */
static int same_input(const char *path, const struct walk_ctx *w)
{
	unsigned int i;

	for (i = 0; i < w->nimages; i++)
		if (same_file(path, &w->image_st[i]))
			return 1;
	return 0;
}

/*
 * Whether the memory files hold [@addr, @addr + @size) whole: 0, -EFAULT
 * for a hole between them, -ERANGE past the end of the last one.
 */
static int held(const struct md_image *img, uint64_t addr, uint64_t size)
{
	const struct file_image *fi = (const struct file_image *)img;
	const struct seg *sg;
	uint64_t end = addr + size;

	while (addr < end) {
		sg = find_seg(fi, addr);
		if (!sg)
			return addr >= fi->end ? -ERANGE : -EFAULT;
		addr = sg->base + sg->size;
	}
	return 0;
}

static int on_region(const struct md_region *r, void *arg)
{
	struct walk_ctx *w = arg;
	uint64_t addr = r->addr, left = r->size;
	struct md_region *more;
	static uint8_t buf[1 << 20];
	char path[4096];
	uint32_t crc = 0;
	FILE *f = NULL;
	int rd;

	/*
	 * Not in the memory given (a truncated image, a hole between files):
	 * reported, left out, the rest collected; the ELF is written without
	 * it (exit 4, "collected, incomplete").
	 */
	if (w->nregions == MAX_REGIONS) {
		w->over++;
		return 0;
	}
	rd = held(w->img, r->addr, r->size);
	if (rd) {
		msg("mdread: region %s at 0x%" PRIx64 ": %s; skipped\n", r->name,
		    r->addr, rd == -EFAULT ? "in a hole of the memory files" :
		    "the image ends early");
		w->missing = 1;
		return 0;
	}
	if (w->o->dir) {
		char base[64], file[96];
		unsigned int k;
		int fd;

		if (r->seq)
			snprintf(base, sizeof(base), "md_%s.%u", r->name, r->seq);
		else
			snprintf(base, sizeof(base), "md_%s", r->name);
		snprintf(file, sizeof(file), "%s.BIN", base);
		/*
		 * A corrupt table may repeat a name, and names may meet
		 * ("a" seq 1 and "a.1"): a file this run wrote is never
		 * replaced, another name is taken and said.
		 */
		for (k = 1; name_set_has(&w->dumped, file); k++)
			snprintf(file, sizeof(file), "%s-%u.BIN", base, k);
		if (k > 1)
			msg("mdread: region %s (seq %u): %s.BIN is taken: written as %s\n",
			    r->name, r->seq, base, file);
		if (name_set_add(&w->dumped, file)) {
			msg("mdread: out of memory\n");
			return MD_ERR_IO;
		}
		snprintf(path, sizeof(path), "%s/%s", w->o->dir, file);
		if (same_input(path, w)) {
			msg("mdread: %s is a memory file given: not overwriting it\n",
			    path);
			return MD_ERR_IO;
		}
		/* Never through a link planted in the directory. */
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_NONBLOCK, 0666);
		if (fd < 0 && errno == ELOOP) {
			msg("mdread: %s is a symbolic link: not writing through it\n",
			    path);
			return MD_ERR_IO;
		}
		f = fd < 0 ? NULL : fdopen(fd, "wb");
		if (!f) {
			msg("%s: %s\n", path, strerror(errno));
			if (fd >= 0)
				close(fd);
			return MD_ERR_IO;
		}
	}
	/* The bytes are read here only to list or extract them. */
	while (left && (w->o->list || f)) {
		uint64_t n = left < sizeof(buf) ? left : sizeof(buf);

		rd = md_read_phys(w->img, addr, buf, n);
		if (rd) {
			char what[64], why[256];

			if (f) {
				fclose(f);
				unlink(path);
			}
			/*
			 * Held when the walk began: the file shrank, or a read
			 * error.  Said with its cause; a truncation is skipped,
			 * the rest collected.
			 */
			snprintf(what, sizeof(what), "region %s", r->name);
			rd = md_read_fail(rd, what, addr, why, sizeof(why));
			msg("mdread: %s%s\n", why, rd == MD_ERR_TRUNC ? "; skipped" : "");
			if (rd != MD_ERR_TRUNC)
				return rd;
			w->missing = 1;
			return 0;
		}
		crc = crc32(crc, buf, n);	/* zlib: 3x our slice-by-8 here */
		if (f && fwrite(buf, 1, n, f) != n) {
			msg("%s: %s\n", path, strerror(errno));
			fclose(f);
			return MD_ERR_IO;
		}
		addr += n;
		left -= n;
	}
	if (f && fclose(f)) {
		msg("%s: %s\n", path, strerror(errno));
		return MD_ERR_IO;
	}
	if (w->o->list)
		printf("region %s seq=%u addr=0x%" PRIx64 " size=%" PRIu64 " crc32=%08x\n",
		       r->name, r->seq, r->addr, r->size, crc);
	/* Grown geometrically: a huge table costs no quadratic copying. */
	if (w->nregions == w->cap) {
		w->cap = w->cap ? 2 * w->cap : 64;
		more = realloc(w->regions, w->cap * sizeof(*more));
	} else {
		more = w->regions;
	}
	if (!more)
		return MD_ERR_IO;
	w->regions = more;
	w->regions[w->nregions++] = *r;
	return 0;
}


/*
 * "KELF" as the Qualcomm provider names it for qdl ramdump; "kelf" or
 * "<vmid>_kelf" from earlier kernels.
 */
static int is_kelf_name(const char *name)
{
	size_t n = strspn(name, "0123456789");

	if (!strcmp(name, KELF_FW_NAME))
		return 1;
	if (n && name[n] == '_')
		name += n + 1;
	return !strcmp(name, KELF_NAME);
}

/* mkstemp() makes 0600 files; give the core the usual 0666 & ~umask. */
static int fchmod_path(const char *path)
{
	mode_t mask = umask(0);

	umask(mask);
	return chmod(path, 0666 & ~mask);
}

/* 1 when the ELF for @path would go to a terminal. */
static int elf_to_terminal(const char *path)
{
	struct stat st;
	int fd, tty;

	if (!strcmp(path, "-"))
		return isatty(STDOUT_FILENO);
	if (stat(path, &st) || !S_ISCHR(st.st_mode))
		return 0;
	fd = open(path, O_WRONLY | O_NOCTTY | O_NONBLOCK);
	if (fd < 0)
		return 0;
	tty = isatty(fd);
	close(fd);
	return tty;
}

/* An ELF being written: in place, or to @tmp, renamed to @dest when whole. */
struct elf_out {
	FILE *f;
	char tmp[4096];
	char dest[4096];
};

/* 1 for a path in /dev or /proc, or a link to one (/dev/stdout). */
static int special_path(const char *path)
{
	char to[4096];
	ssize_t n = readlink(path, to, sizeof(to) - 1);

	if (n > 0)
		to[n] = 0;
	return !strncmp(path, "/dev/", 5) || !strncmp(path, "/proc/", 6) ||
	       (n > 0 && (!strncmp(to, "/dev/", 5) || !strncmp(to, "/proc/", 6)));
}

/*
 * Where the ELF for @path goes.  "-" is standard output.  A device, a
 * pipe, a socket, or a path in (or a link into) /dev or /proc such as
 * /dev/stdout is written in place: renaming over it would replace it.
 * Anything else is written to a temporary file beside the file @path
 * names, links followed (a link stays a link; the file it names gets the
 * ELF), renamed over that file once whole, so that a failure leaves no
 * partial core and the old file intact.  Returns 0 or MD_ERR_IO, said.
 */
static int elf_open(const char *path, struct elf_out *o)
{
	struct stat lst, st;
	char *real;
	int fd;

	memset(o, 0, sizeof(*o));
	if (!strcmp(path, "-")) {
		fd = dup(STDOUT_FILENO);
		o->f = fd < 0 ? NULL : fdopen(fd, "wb");
		if (!o->f)
			goto err_open;
		return 0;
	}
	if (lstat(path, &lst)) {
		if (errno != ENOENT)
			goto err_open;
		snprintf(o->dest, sizeof(o->dest), "%s", path);
	} else {
		if (stat(path, &st)) {
			msg("mdread: %s is a link to nothing: not writing through it\n",
			    path);
			return MD_ERR_IO;
		}
		if (S_ISDIR(st.st_mode)) {
			msg("mdread: %s is a directory\n", path);
			return MD_ERR_IO;
		}
		if (!S_ISREG(st.st_mode) || special_path(path)) {
			o->f = fopen(path, "wb");
			if (!o->f)
				goto err_open;
			return 0;
		}
		real = realpath(path, NULL);
		if (!real)
			goto err_open;
		snprintf(o->dest, sizeof(o->dest), "%s", real);
		free(real);
	}
	if (snprintf(o->tmp, sizeof(o->tmp), "%s.XXXXXX", o->dest) >= (int)sizeof(o->tmp)) {
		msg("mdread: %s: path too long\n", path);
		return MD_ERR_IO;
	}
	fd = mkstemp(o->tmp);
	o->f = fd < 0 ? NULL : fdopen(fd, "wb");
	if (!o->f) {
		msg("mdread: cannot create %s: %s\n", path, strerror(errno));
		if (fd >= 0) {
			close(fd);
			unlink(o->tmp);
		}
		return MD_ERR_IO;
	}
	return 0;

err_open:
	msg("mdread: cannot write %s: %s\n", path, strerror(errno));
	return MD_ERR_IO;
}

/* Finish the ELF of elf_open(): @r is the writer's result. */
static int elf_close(struct elf_out *o, const char *path, int r, char *err,
		     size_t errlen)
{
	struct stat st;

	/* Skipped zeros at the end still count: size a regular file. */
	if (!r && (fflush(o->f) ||
		   (!fstat(fileno(o->f), &st) && S_ISREG(st.st_mode) &&
		    ftruncate(fileno(o->f), ftello(o->f))))) {
		r = MD_ERR_IO;
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	}
	if (ferror(o->f) && !r) {
		r = MD_ERR_IO;
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	}
	if (fclose(o->f) && !r) {
		r = MD_ERR_IO;
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	}
	if (o->tmp[0] && !r && (fchmod_path(o->tmp) || rename(o->tmp, o->dest))) {
		r = MD_ERR_IO;
		snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
	}
	if (r && o->tmp[0])
		unlink(o->tmp);
	return r;
}

/*
 * The ELF core: from the KELF index if one was dumped, else physical.  A
 * corrupt KELF index still gives the physical ELF of the regions read
 * (exit 8 says which was written, C11).
 */
static int write_elf(const struct md_image *img, const struct walk_ctx *w,
		     const char *path, const uint8_t *kelf, uint64_t kelf_len)
{
	const struct md_region *k = NULL;
	char err[256] = "";
	struct elf_out o;
	unsigned int i;
	int r, bad = 0;

	for (i = 0; i < w->nregions; i++)
		if (w->regions[i].subsystem == 0 && !w->regions[i].seq &&
		    is_kelf_name(w->regions[i].name))
			k = &w->regions[i];
	r = elf_open(path, &o);
	if (r)
		return r;
	if (kelf)
		r = kelf_write_buf(img, kelf, kelf_len, w->regions, w->nregions, o.f,
				   w->o->list, err, sizeof(err));
	else if (k)
		r = kelf_write(img, k->addr, k->size, w->regions, w->nregions, o.f,
			       w->o->list, err, sizeof(err));
	else
		msg("mdread: no KELF index among the regions: %s has physical addresses only\n",
		    path);
	/* The KELF writers check the whole index before they write a byte. */
	if (r == MD_ERR_BADKELF) {
		msg("mdread: %s; %s has physical addresses only\n", err, path);
		bad = 1;
		err[0] = 0;
	}
	if ((!kelf && !k) || bad)
		r = phys_elf_write(img, w->regions, w->nregions, o.f, err, sizeof(err));
	/* A failed write: say where and why, not only "write error" (C2). */
	if (r == MD_ERR_IO && ferror(o.f))
		snprintf(err, sizeof(err), "cannot write %s: %s", path,
			 strerror(errno ? errno : EIO));
	r = elf_close(&o, path, r, err, sizeof(err));
	/* A file is replaced only whole: say the old one is still there. */
	if (r)
		msg("mdread: %s%s%s%s\n", err[0] ? err : "cannot write the ELF",
		    o.tmp[0] ? ": " : "", o.tmp[0] ? path : "",
		    o.tmp[0] ? " not written" : "");
	return r ? r : bad ? MD_ERR_BADKELF : MD_OK;
}

/* The devicetree blob at @path, parsed: RAM, SMEM, MMIO window, dump index. */
static int load_dtb(const char *path, struct fdt_layout *lo)
{
	char err[256] = "";
	uint8_t *blob;
	struct stat st;
	long len;
	int fd = open(path, O_RDONLY | O_NONBLOCK), ret;
	FILE *f = NULL;

	if (fd < 0 || fstat(fd, &st)) {
		msg("%s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	/* A FIFO would block the read; /dev/null is "not a devicetree blob". */
	if (S_ISFIFO(st.st_mode) || S_ISDIR(st.st_mode)) {
		msg("mdread: %s is a %s, not a devicetree blob\n", path,
		    S_ISDIR(st.st_mode) ? "directory" : "pipe");
		close(fd);
		return -1;
	}
	f = fcntl(fd, F_SETFL, 0) ? NULL : fdopen(fd, "rb");
	if (!f) {
		msg("%s: %s\n", path, strerror(errno));
		close(fd);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    len > (16 << 20)) {
		msg("mdread: %s: not a devicetree blob\n", path);
		fclose(f);
		return -1;
	}
	blob = malloc(len ? len : 1);
	if (!blob || fread(blob, 1, len, f) != (size_t)len) {
		msg("mdread: cannot read %s\n", path);
		free(blob);
		fclose(f);
		return -1;
	}
	fclose(f);
	ret = fdt_layout(blob, len, lo, err, sizeof(err));
	if (ret)
		msg("mdread: %s: %s\n", path, err);
	free(blob);
	return ret;
}

/*
 * The vendor-neutral dump index: the carve-out's current slot -> the KELF
 * index (kept in *@kelf for the ELF) -> one region per KELF run ("kelf")
 * and per PT_LOAD ("load", seq = program header number).
 */
static int walk_index(const struct md_image *img, uint64_t base, uint64_t size,
		      struct walk_ctx *w, uint8_t **kelf, uint64_t *kelf_len,
		      char *err, size_t errlen)
{
	struct dix_index ix;
	Elf64_Phdr *ph = NULL;
	uint64_t phnum, i;
	int ret, bad = 0;

	ret = dix_read(img, base, size, &ix, kelf, err, errlen);
	if (ret)
		goto out;
	*kelf_len = ix.kelf_size;
	if (w->o->list)
		printf("index at=0x%" PRIx64 " slot=%u generation=%" PRIu64 " flags=%s%s kelf=%" PRIu64
		       " runs=%u\n", base, ix.slot, ix.generation,
		       ix.flags & DIX_F_PANIC ? "panic" : "none",
		       ix.flags & DIX_F_SHUTDOWN ? ",shutdown" : "", ix.kelf_size, ix.nr_runs);
	for (i = 0; i < ix.nr_runs; i++) {
		struct md_region r = { .seq = ix.nr_runs > 1 ? i + 1 : 0,
				       .addr = ix.runs[i].phys, .size = ix.runs[i].size };

		strcpy(r.name, KELF_NAME);
		ret = on_region(&r, w);
		if (ret)
			goto out;
	}
	ret = kelf_phdrs(*kelf, *kelf_len, &ph, &phnum, err, errlen);
	if (ret)
		goto out;
	for (i = 1; i < phnum; i++) {
		struct md_region r = { .name = "load", .seq = i, .addr = ph[i].p_paddr,
				       .size = ph[i].p_filesz };

		if (ph[i].p_type != PT_LOAD || !ph[i].p_filesz)
			continue;
		if (r.addr < img->ram_base || r.addr - img->ram_base > img->ram_size ||
		    r.size > img->ram_size - (r.addr - img->ram_base)) {
			msg("mdread: KELF load %" PRIu64 " at 0x%" PRIx64 "+0x%" PRIx64
			    " is outside RAM; skipped\n", i, r.addr, r.size);
			bad = 1;
			continue;
		}
		ret = on_region(&r, w);
		if (ret)
			goto out;
	}
	ret = bad ? MD_ERR_BADREGION : MD_OK;
out:
	free(ph);
	dix_free(&ix);
	return ret;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mdread --image MEM [--image MEM ...] (--dtb DTB | [--ram-base ADDR] --smem ADDR,SIZE)\n"
		"              [--mmio [--mmio-base ADDR] | --index [--index-at ADDR,SIZE]]\n"
		"              [--list] [--dump DIR] [--elf FILE] [--progress]\n"
		"  -i, --image FILE[@ADDR] memory: a raw file of physical memory from ADDR\n"
		"                         (the first one without @ADDR: from the RAM base), or\n"
		"                         an ELF core (kdump vmcore, QEMU dump-guest-memory);\n"
		"                         repeat for a dump in several files (DDRCS0.BIN, ...)\n"
		"  -t, --dtb FILE         devicetree blob the machine booted with: gives the\n"
		"                         RAM base and the SMEM window (qcom,smem node), or\n"
		"                         without one the dump index (linux,dumpregion-index)\n"
		"  -r, --ram-base ADDR    physical address of the image's first byte\n"
		"  -s, --smem ADDR,SIZE   the SMEM window\n"
		"  -m, --mmio             read the table of contents from the minidump\n"
		"                         register window (the DTB's qcom,minidump-mmio node)\n"
		"  -M, --mmio-base ADDR   its physical address (implies --mmio)\n"
		"  -x, --index            read the vendor-neutral dump index (the DTB's\n"
		"                         linux,dumpregion-index node) even if SMEM is there\n"
		"  -X, --index-at ADDR,SIZE  its carve-out (implies --index)\n"
		"  -l, --list             list regions: subsystem, name, seq, address, size, crc32\n"
		"  -d, --dump DIR         write each region to DIR/md_<name>.BIN\n"
		"  -e, --elf FILE         write one ELF core file: from the KELF index, or\n"
		"                         physical addresses and a section per region\n"
		"  -p, --progress         show progress on stderr (default: when a terminal)\n"
		"  -q, --quiet            no progress\n"
		"  -V, --version          print the version\n"
		"examples:\n"
		"  mdread --image ram.img --dtb board.dtb --list\n"
		"  mdread --image ram.img --dtb board.dtb --dump md/ --elf vmcore.elf\n"
		"  mdread --image ram.img --ram-base 0x80000000 --smem 0x86000000,0x200000 --elf vmcore.elf\n"
		"  mdread --image DDRCS0.BIN@0x80000000 --image DDRCS1.BIN@0x880000000 --dtb board.dtb --elf md.elf\n"
		"  mdread --image vmcore --dtb board.dtb --elf minidump.elf\n"
		"  mdread --image ram.img --ram-base 0x40000000 --index-at 0x5f000000,0x10000 --elf md.elf\n"
		"exit codes: 0 ok, 2 usage (or an image that is not a raw file),\n"
		"            3 no minidump table or dump index, 4 collected, incomplete, 5 region outside RAM,\n"
		"            6 I/O error, 7 overlapping regions, 8 corrupt KELF index\n");
}

/* A usage error that names the argument at fault. */
static int bad_arg(const char *opt, const char *val, const char *want)
{
	msg("mdread: %s '%s': expected %s (see --help)\n", opt, val, want);
	return EX_USAGE;
}

/* strtoull() takes "-1" as 2^64 - 1: a sign is refused (C13). */
static int parse_u64(const char *s, uint64_t *v, char **end)
{
	errno = 0;
	*v = strtoull(s, end, 0);
	return errno || *end == s || strchr(s, '-') != NULL;
}

/* A memory file: FILE, or FILE@ADDR for a raw file at a physical base. */
struct source {
	const char *path;
	char buf[4096];
	uint64_t base;
	int have_base;
	int fd;
};

static int parse_source(const char *arg, struct source *sr)
{
	const char *at = strrchr(arg, '@');
	char *end;

	memset(sr, 0, sizeof(*sr));
	sr->fd = -1;
	if (at && !parse_u64(at + 1, &sr->base, &end) && !*end) {
		if ((size_t)(at - arg) >= sizeof(sr->buf) || at == arg)
			return -1;
		memcpy(sr->buf, arg, at - arg);
		sr->have_base = 1;
	} else if (snprintf(sr->buf, sizeof(sr->buf), "%s", arg) >= (int)sizeof(sr->buf)) {
		return -1;
	}
	sr->path = sr->buf;
	return 0;
}

static int add_seg(struct file_image *fi, int fd, uint64_t base, uint64_t size,
		   uint64_t off, int zero)
{
	struct seg *more;

	if (!size)
		return 0;
	if (fi->nseg == MAX_SEGS)
		return -1;
	if (fi->nseg == fi->segcap) {
		more = realloc(fi->seg, 2 * (fi->segcap + 16) * sizeof(*more));
		if (!more)
			return -1;
		fi->seg = more;
		fi->segcap = 2 * (fi->segcap + 16);
	}
	fi->seg[fi->nseg++] = (struct seg){ base, size, off, fd, zero };
	return 0;
}

/*
 * An ELF core as memory (kdump's /proc/vmcore, QEMU's dump-guest-memory):
 * one segment per PT_LOAD, at its physical address.  A load the file holds
 * only in part (a truncated core) gives what it holds, said once; the
 * bytes of p_memsz past p_filesz read as zeros, as gdb and crash read
 * them (makedumpfile -E's excluded zero pages).  Returns 0 or an exit code.
 */
static int add_elf(struct file_image *fi, const struct source *sr, uint64_t fsize)
{
	unsigned char eh[64], ph[56], sh[64];
	uint64_t phoff, shoff, off, filesz, memsz, paddr, i, phnum;
	uint16_t phnum16, phentsize;
	uint32_t xnum;
	int said = 0;

	if (pread(sr->fd, eh, sizeof(eh), 0) != sizeof(eh) || eh[EI_CLASS] != ELFCLASS64 ||
	    eh[EI_DATA] != ELFDATA2LSB) {
		msg("mdread: %s: not a little-endian ELF64 core\n", sr->path);
		return EX_USAGE;
	}
	memcpy(&phoff, eh + 32, 8);
	memcpy(&phentsize, eh + 54, 2);
	memcpy(&phnum16, eh + 56, 2);
	phnum = phnum16;
	/* PN_XNUM: the count is section header 0's sh_info (gdb's gcore). */
	if (phnum16 == PN_XNUM) {
		memcpy(&shoff, eh + 40, 8);
		if (!shoff || pread(sr->fd, sh, sizeof(sh), shoff) != sizeof(sh)) {
			msg("mdread: %s: PN_XNUM without a section header 0\n", sr->path);
			return EX_USAGE;
		}
		memcpy(&xnum, sh + 44, 4);
		phnum = xnum;
	}
	if (phentsize != sizeof(ph) || phoff > fsize || phnum * sizeof(ph) > fsize - phoff) {
		msg("mdread: %s: program headers outside the file\n", sr->path);
		return EX_USAGE;
	}
	for (i = 0; i < phnum; i++) {
		uint32_t type;

		if (pread(sr->fd, ph, sizeof(ph), phoff + i * sizeof(ph)) != sizeof(ph))
			return EX_IO;
		memcpy(&type, ph, 4);
		memcpy(&off, ph + 8, 8);
		memcpy(&paddr, ph + 24, 8);
		memcpy(&filesz, ph + 32, 8);
		memcpy(&memsz, ph + 40, 8);
		if (type != PT_LOAD)
			continue;
		if (memsz < filesz || paddr + memsz < paddr) {
			msg("mdread: %s: load %" PRIu64 " at 0x%" PRIx64 ": sizes 0x%" PRIx64
			    "/0x%" PRIx64 " make no sense; left out\n", sr->path, i, paddr,
			    filesz, memsz);
			continue;
		}
		if (off > fsize || filesz > fsize - off) {
			uint64_t have = off > fsize ? 0 : fsize - off;

			if (!said++)
				msg("mdread: %s is truncated: load %" PRIu64 " at 0x%" PRIx64
				    " holds 0x%" PRIx64 " of its 0x%" PRIx64 " bytes\n",
				    sr->path, i, paddr, have, filesz);
			filesz = memsz = have;
		}
		if (add_seg(fi, sr->fd, paddr, filesz, off, 0) ||
		    add_seg(fi, sr->fd, paddr + filesz, memsz - filesz, 0, 1)) {
			msg("mdread: %s: more than %u loads, or no memory for them\n",
			    sr->path, MAX_SEGS);
			return EX_USAGE;
		}
	}
	return 0;
}

/*
 * Open the memory files: raw ones at their base (the first one without
 * "@ADDR" at @ram_base), ELF cores by their PT_LOADs.  The physical extent
 * known to the walk covers the files and the DTB's memory banks, so a
 * region inside RAM but in no file is reported as missing (a truncated
 * image, or a hole), one outside RAM as outside.  Returns 0 or an exit code.
 */
/* The file a segment comes from, for messages. */
static const char *seg_file(const struct source *src, unsigned int n, int fd)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (src[i].fd == fd)
			return src[i].path;
	return "?";
}

static int open_sources(struct file_image *fi, struct source *src, unsigned int n,
			const uint64_t *ram_base, const struct fdt_layout *l,
			struct walk_ctx *w)
{
	uint64_t lo = UINT64_MAX, hi = 0, end;
	unsigned char magic[4];
	unsigned int i, k;
	int ret, used_base = 0;
	int64_t size;
	struct stat st;

	for (i = 0; i < n; i++) {
		/* Non-blocking: a FIFO must not hang the open (check_image refuses it). */
		src[i].fd = open(src[i].path, O_RDONLY | O_NONBLOCK);
		if (src[i].fd < 0 || fstat(src[i].fd, &st) ||
		    fcntl(src[i].fd, F_SETFL, 0)) {
			msg("%s: %s\n", src[i].path, strerror(errno));
			return EX_IO;
		}
		w->image_st[w->nimages++] = st;
		ret = check_image(src[i].path, src[i].fd, &st);
		if (ret)
			return ret;
		/* A block device's st_size is 0 (C4). */
		size = file_size(src[i].fd, &st);
		if (size < 0) {
			msg("mdread: %s: %s\n", src[i].path, strerror(errno));
			return EX_IO;
		}
		if (pread(src[i].fd, magic, 4, 0) == 4 && !memcmp(magic, ELFMAG, SELFMAG) &&
		    !src[i].have_base) {
			ret = add_elf(fi, &src[i], size);
			if (ret)
				return ret;
			continue;
		}
		if (!src[i].have_base) {
			if (!ram_base || used_base) {
				msg("mdread: %s: give its physical base (FILE@ADDR)\n",
				    src[i].path);
				return EX_USAGE;
			}
			src[i].base = *ram_base;
			used_base = 1;
		}
		if (add_seg(fi, src[i].fd, src[i].base, size, 0, 0))
			return EX_USAGE;
	}
	if (!fi->nseg) {
		msg("mdread: no memory in the files given\n");
		return EX_USAGE;
	}
	/*
	 * Sorted, for find_seg().  Memory given twice would make the bytes
	 * read depend on the order of the files (a wrong @ADDR): refused.
	 */
	qsort(fi->seg, fi->nseg, sizeof(*fi->seg), seg_cmp);
	for (k = 1; k < fi->nseg; k++) {
		if (fi->seg[k].base - fi->seg[k - 1].base >= fi->seg[k - 1].size)
			continue;
		msg("mdread: %s and %s both hold 0x%" PRIx64 ": overlapping memory files (a wrong @ADDR?)\n",
		    seg_file(src, n, fi->seg[k - 1].fd), seg_file(src, n, fi->seg[k].fd),
		    fi->seg[k].base);
		return EX_USAGE;
	}
	for (k = 0; k < fi->nseg; k++) {
		if (!fi->seg[k].zero)
			fi->img.held += fi->seg[k].size;
		end = fi->seg[k].base + fi->seg[k].size;
		lo = fi->seg[k].base < lo ? fi->seg[k].base : lo;
		hi = end > hi ? end : hi;
	}
	/* Only zero tails: no table entry to read at all. */
	if (!fi->img.held)
		fi->img.held = 1;
	fi->end = hi;
	if (l->banks_hi) {
		lo = l->banks_lo < lo ? l->banks_lo : lo;
		hi = l->banks_hi > hi ? l->banks_hi : hi;
	}
	fi->img.ram_base = lo;
	fi->img.ram_size = hi - lo;
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "image", required_argument, NULL, 'i' },
		{ "ram-base", required_argument, NULL, 'r' },
		{ "smem", required_argument, NULL, 's' },
		{ "list", no_argument, NULL, 'l' },
		{ "dump", required_argument, NULL, 'd' },
		{ "elf", required_argument, NULL, 'e' },
		{ "dtb", required_argument, NULL, 't' },
		{ "mmio", no_argument, NULL, 'm' },
		{ "mmio-base", required_argument, NULL, 'M' },
		{ "index", no_argument, NULL, 'x' },
		{ "index-at", required_argument, NULL, 'X' },
		{ "progress", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	struct file_image im = { .img = { .read = file_read } };
	uint64_t smem_base = 0, smem_size = 0, mmio_base = 0;
	uint64_t index_base = 0, index_size = 0, kelf_len = 0;
	uint8_t *kelf = NULL;
	int index = 0;
	struct opts o = { 0 };
	struct walk_ctx w = { .img = &im.img, .o = &o };
	const char *dtb = NULL;
	struct source src[MAX_SOURCES];
	unsigned int nsrc = 0, i;
	struct fdt_layout l = { 0 };
	int c, ret, have_base = 0, prog = isatty(2), mmio = 0;
	char err[256] = "";
	char *end;

	im.img.ctx = &im;
	tool_before_msg = end_progress_line;
	while ((c = getopt_long(argc, argv, "i:r:s:ld:e:t:mM:xX:pqhV", lopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			if (nsrc == MAX_SOURCES)
				return bad_arg("--image", optarg, "at most 16 memory files");
			if (parse_source(optarg, &src[nsrc]))
				return bad_arg("--image", optarg, "FILE or FILE@ADDR");
			nsrc++;
			break;
		case 'r':
			if (parse_u64(optarg, &im.img.ram_base, &end) || *end)
				return bad_arg("--ram-base", optarg, "an address");
			have_base = 1;
			break;
		case 's':
			if (parse_u64(optarg, &smem_base, &end) || *end != ',' ||
			    parse_u64(end + 1, &smem_size, &end) || *end)
				return bad_arg("--smem", optarg, "ADDR,SIZE");
			break;
		case 'l':
			o.list = 1;
			break;
		case 'd':
			o.dir = optarg;
			break;
		case 'e':
			o.elf = optarg;
			break;
		case 't':
			dtb = optarg;
			break;
		case 'm':
			mmio = 1;
			break;
		case 'M':
			if (parse_u64(optarg, &mmio_base, &end) || *end || !mmio_base)
				return bad_arg("--mmio-base", optarg, "a non-zero address");
			mmio = 1;
			break;
		case 'x':
			index = 1;
			break;
		case 'X':
			if (parse_u64(optarg, &index_base, &end) || *end != ',' ||
			    parse_u64(end + 1, &index_size, &end) || *end || !index_size)
				return bad_arg("--index-at", optarg, "ADDR,SIZE");
			index = 1;
			break;
		case 'p':
			prog = 1;
			break;
		case 'q':
			prog = 0;
			break;
		case 'V':
			printf("mdread (dumpregion) %s\n", MDREAD_VERSION);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (mmio && index)
		return bad_arg("--index", "", "either --mmio or --index");
	if (dtb) {
		if (load_dtb(dtb, &l))
			return EX_USAGE;
		if (!have_base) {
			im.img.ram_base = l.ram_base;
			have_base = 1;
		}
		/* Where the table is: as asked, else SMEM, else the dump index. */
		if (mmio && !mmio_base) {
			if (!l.mmio_size) {
				msg("mdread: %s: no qcom,minidump-mmio node\n", dtb);
				return EX_USAGE;
			}
			mmio_base = l.mmio_base;
		} else if (index && !index_size) {
			if (!l.index_size) {
				msg("mdread: %s: no linux,dumpregion-index node\n", dtb);
				return EX_USAGE;
			}
			index_base = l.index_base;
			index_size = l.index_size;
		} else if (!mmio && !index && !smem_size) {
			if (l.smem_size) {
				smem_base = l.smem_base;
				smem_size = l.smem_size;
			} else if (l.index_size) {
				index = 1;
				index_base = l.index_base;
				index_size = l.index_size;
			} else {
				msg("mdread: %s: neither a qcom,smem node with a memory region nor a linux,dumpregion-index node\n",
				    dtb);
				return EX_USAGE;
			}
		}
	}
	if (optind != argc) {
		msg("mdread: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return EX_USAGE;
	}
	if (!nsrc) {
		msg("mdread: no memory file: give --image FILE[@ADDR]\n");
		usage(stderr);
		return EX_USAGE;
	}
	if (mmio ? !mmio_base : index ? !index_size : !smem_size) {
		msg("mdread: no table address: give %s or --dtb FILE\n",
		    mmio ? "--mmio-base ADDR" : index ? "--index-at ADDR,SIZE" :
		    "--smem ADDR,SIZE");
		usage(stderr);
		return EX_USAGE;
	}
	if (!o.list && !o.dir && !o.elf) {
		msg("mdread: nothing to do: give --list, --dump or --elf\n");
		usage(stderr);
		return EX_USAGE;
	}
	if (o.elf && !strcmp(o.elf, "-") && o.list) {
		msg("mdread: --elf - and --list both write to standard output\n");
		return EX_USAGE;
	}
	if (o.elf && elf_to_terminal(o.elf)) {
		msg("mdread: --elf %s is a terminal: redirect the output or name a file\n",
		    o.elf);
		return EX_USAGE;
	}
	ret = open_sources(&im, src, nsrc, have_base ? &im.img.ram_base : NULL, &l, &w);
	if (ret)
		goto out_close;
	if (o.elf && same_input(o.elf, &w)) {
		msg("mdread: --elf %s is a memory file given: not overwriting it\n",
		    o.elf);
		ret = EX_USAGE;
		goto out_close;
	}
	im.progress = prog;

	if (mmio)
		ret = md_walk_mmio(&im.img, mmio_base, on_subsystem, on_region, &w,
				   err, sizeof(err));
	else if (index)
		ret = walk_index(&im.img, index_base, index_size, &w, &kelf, &kelf_len,
				 err, sizeof(err));
	else
		ret = md_walk(&im.img, smem_base, smem_size, on_subsystem, on_region,
			      &w, err, sizeof(err));
	if (ret && err[0])
		msg("mdread: %s\n", err);
	if (w.over) {
		msg("mdread: the table lists %" PRIu64 " regions more than the %u collected at most; not collected\n",
		    w.over, MAX_REGIONS);
		w.missing = 1;
	}
	/* Regions the memory given did not hold were skipped: truncated. */
	if (!ret && w.missing)
		ret = MD_ERR_TRUNC;
	if (!ret || ret == MD_ERR_BADREGION) {
		int r = md_check_overlaps(w.regions, w.nregions);

		ret = ret ? ret : r;
	}
	/*
	 * An unreadable table or index collects nothing: an empty ELF over
	 * the previous collection would only lose it (N9).
	 */
	if (o.elf && ret && !w.nregions)
		msg("mdread: no region collected: %s not written\n", o.elf);
	else if (o.elf && (!ret || ret == MD_ERR_BADREGION || ret == MD_ERR_OVERLAP ||
			   ret == MD_ERR_TRUNC)) {
		int r = write_elf(&im.img, &w, o.elf, kelf, kelf_len);

		ret = r ? r : ret;
	}
	if (im.progress)
		progress(&im, 1);
	free(w.regions);
	name_set_free(&w.dumped);
	free(kelf);
	ret = ret >= 0 && ret < (int)(sizeof(exit_codes) / sizeof(*exit_codes)) ?
	      exit_codes[ret] : EX_IO;
	/* The listing is lost when standard output fails (a full disk). */
	if (fflush(stdout) || ferror(stdout)) {
		msg("mdread: standard output: %s\n", strerror(errno));
		ret = EX_IO;
	}
out_close:
	for (i = 0; i < nsrc; i++)
		if (src[i].fd >= 0)
			close(src[i].fd);
	free(im.seg);
	return ret;
}
