// SPDX-License-Identifier: GPL-2.0-only
/*
 * mdread - find the Qualcomm minidump table in a RAM image, as the boot
 * firmware does in download mode, list its regions with a CRC-32 of their
 * bytes, extract them as md_<name>.BIN, and write one ELF core file: from
 * the KELF index when the kernel left one, else with physical addresses
 * and one section per region.  Reads the image in bounded chunks: memory
 * use does not depend on the image size.
 */
#define _FILE_OFFSET_BITS 64
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

#include "fdt.h"
#include "kelf.h"
#include "minidump.h"

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

/* An image file; md_image.ctx points back at it. */
struct file_image {
	struct md_image img;
	int fd;
	int progress;		/* show bytes read on stderr */
	uint64_t done;		/* bytes read so far */
	struct timespec last;	/* last progress line */
};

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
}

struct opts {
	const char *dir;
	const char *elf;
	int list;
};

static int file_read(void *ctx, uint64_t phys, void *buf, uint64_t len)
{
	struct file_image *fi = ctx;
	uint64_t off = phys - fi->img.ram_base;
	ssize_t n;

	fi->done += len;
	if (fi->progress)
		progress(fi, 0);
	while (len) {
		n = pread(fi->fd, buf, len > (1u << 30) ? 1u << 30 : len, off);
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ENODATA;
		buf = (uint8_t *)buf + n;
		off += n;
		len -= n;
	}
	return 0;
}

/* zlib's CRC-32 (reflected 0xedb88320), eight bytes per step. */
static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t len)
{
	static uint32_t t[8][256];
	size_t i;
	int k;

	if (!t[0][1]) {
		for (i = 0; i < 256; i++) {
			uint32_t c = i;

			for (k = 0; k < 8; k++)
				c = c & 1 ? 0xedb88320u ^ (c >> 1) : c >> 1;
			t[0][i] = c;
		}
		for (i = 0; i < 256; i++)
			for (k = 1; k < 8; k++)
				t[k][i] = (t[k - 1][i] >> 8) ^ t[0][t[k - 1][i] & 0xff];
	}
	crc = ~crc;
	for (; len >= 8; p += 8, len -= 8) {
		uint32_t lo = crc ^ ((uint32_t)p[0] | (uint32_t)p[1] << 8 |
				     (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24);

		crc = t[7][lo & 0xff] ^ t[6][(lo >> 8) & 0xff] ^
		      t[5][(lo >> 16) & 0xff] ^ t[4][lo >> 24] ^
		      t[3][p[4]] ^ t[2][p[5]] ^ t[1][p[6]] ^ t[0][p[7]];
	}
	for (; len; p++, len--)
		crc = t[0][(crc ^ *p) & 0xff] ^ (crc >> 8);
	return ~crc;
}

struct walk_ctx {
	const struct md_image *img;
	const struct opts *o;
	struct md_region *regions;	/* every region dumped */
	unsigned int nregions;
};

static void on_subsystem(unsigned int ss, uint32_t count, uint64_t table,
			 void *arg)
{
	struct walk_ctx *w = arg;

	if (w->o->list)
		printf("subsystem %u regions=%u table=0x%" PRIx64 "\n", ss, count,
		       table);
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

	if (w->o->dir) {
		if (r->seq)
			snprintf(path, sizeof(path), "%s/md_%s.%u.BIN", w->o->dir,
				 r->name, r->seq);
		else
			snprintf(path, sizeof(path), "%s/md_%s.BIN", w->o->dir, r->name);
		f = fopen(path, "wb");
		if (!f) {
			perror(path);
			return MD_ERR_IO;
		}
	}
	/* The bytes are read here only to list or extract them. */
	while (left && (w->o->list || f)) {
		uint64_t n = left < sizeof(buf) ? left : sizeof(buf);

		if (md_read_phys(w->img, addr, buf, n)) {
			fprintf(stderr, "mdread: region %s: image ends early\n", r->name);
			if (f)
				fclose(f);
			return MD_ERR_TRUNC;
		}
		crc = crc32_update(crc, buf, n);
		if (f && fwrite(buf, 1, n, f) != n) {
			perror(path);
			fclose(f);
			return MD_ERR_IO;
		}
		addr += n;
		left -= n;
	}
	if (f && fclose(f)) {
		perror(path);
		return MD_ERR_IO;
	}
	if (w->o->list)
		printf("region %s seq=%u addr=0x%" PRIx64 " size=%" PRIu64 " crc32=%08x\n",
		       r->name, r->seq, r->addr, r->size, crc);
	more = realloc(w->regions, (w->nregions + 1) * sizeof(*more));
	if (!more)
		return MD_ERR_IO;
	w->regions = more;
	w->regions[w->nregions++] = *r;
	return 0;
}

/* Regions sharing bytes: reported by name, MD_ERR_OVERLAP. */
static int by_addr(const void *a, const void *b)
{
	const struct md_region *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int check_overlaps(const struct md_region *regions, unsigned int n)
{
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
	for (i = 1; i < n; i++) {
		if (s[i].addr - s[i - 1].addr < s[i - 1].size) {
			fprintf(stderr, "mdread: regions %s and %s overlap at 0x%" PRIx64 "\n",
				s[i - 1].name, s[i].name, s[i].addr);
			ret = MD_ERR_OVERLAP;
		}
	}
	free(s);
	return ret;
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

/* The ELF core: from the KELF index if one was dumped, else physical. */
static int write_elf(const struct md_image *img, const struct walk_ctx *w,
		     const char *path)
{
	const struct md_region *k = NULL;
	char err[256] = "";
	unsigned int i;
	FILE *f;
	int r;

	for (i = 0; i < w->nregions; i++)
		if (w->regions[i].subsystem == 0 && !w->regions[i].seq &&
		    is_kelf_name(w->regions[i].name))
			k = &w->regions[i];
	f = fopen(path, "wb");
	if (!f) {
		perror(path);
		return MD_ERR_IO;
	}
	if (k) {
		r = kelf_write(img, k->addr, k->size, w->regions, w->nregions, f,
			       w->o->list, err, sizeof(err));
	} else {
		fprintf(stderr, "mdread: no KELF index among the regions: %s has physical addresses only\n",
			path);
		r = phys_elf_write(img, w->regions, w->nregions, f, err, sizeof(err));
	}
	if (fclose(f) && !r) {
		r = MD_ERR_IO;
		snprintf(err, sizeof(err), "%s: %s", path, strerror(errno));
	}
	if (r)
		fprintf(stderr, "mdread: %s\n", err[0] ? err : "cannot write the ELF");
	return r;
}

/*
 * RAM base and SMEM window (or, with @mmio, the minidump register window)
 * from the devicetree blob at @path.
 */
static int read_dtb(const char *path, uint64_t *ram_base, int *have_base,
		    uint64_t *smem_base, uint64_t *smem_size, int mmio,
		    uint64_t *mmio_base)
{
	struct fdt_layout l;
	char err[256] = "";
	uint8_t *blob;
	long len;
	FILE *f = fopen(path, "rb");

	if (!f) {
		perror(path);
		return -1;
	}
	if (fseek(f, 0, SEEK_END) || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) ||
	    len > (16 << 20)) {
		fprintf(stderr, "mdread: %s: not a devicetree blob\n", path);
		fclose(f);
		return -1;
	}
	blob = malloc(len ? len : 1);
	if (!blob || fread(blob, 1, len, f) != (size_t)len) {
		fprintf(stderr, "mdread: cannot read %s\n", path);
		free(blob);
		fclose(f);
		return -1;
	}
	fclose(f);
	if (fdt_layout(blob, len, &l, err, sizeof(err))) {
		fprintf(stderr, "mdread: %s: %s\n", path, err);
		free(blob);
		return -1;
	}
	free(blob);
	if (!*have_base) {
		*ram_base = l.ram_base;
		*have_base = 1;
	}
	if (mmio) {
		if (!*mmio_base && !l.mmio_size) {
			fprintf(stderr, "mdread: %s: no qcom,minidump-mmio node\n", path);
			return -1;
		}
		if (!*mmio_base)
			*mmio_base = l.mmio_base;
	} else if (!*smem_size) {
		if (!l.smem_size) {
			fprintf(stderr, "mdread: %s: no qcom,smem node with a memory region\n",
				path);
			return -1;
		}
		*smem_base = l.smem_base;
		*smem_size = l.smem_size;
	}
	return 0;
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: mdread --image RAM (--dtb DTB | --ram-base ADDR --smem ADDR,SIZE)\n"
		"              [--mmio [--mmio-base ADDR]]\n"
		"              [--list] [--dump DIR] [--elf FILE] [--progress]\n"
		"  -i, --image FILE       raw RAM image (physical memory from the RAM base)\n"
		"  -t, --dtb FILE         devicetree blob the machine booted with: gives the\n"
		"                         RAM base and the SMEM window (qcom,smem node)\n"
		"  -r, --ram-base ADDR    physical address of the image's first byte\n"
		"  -s, --smem ADDR,SIZE   the SMEM window\n"
		"  -m, --mmio             read the table of contents from the minidump\n"
		"                         register window (the DTB's qcom,minidump-mmio node)\n"
		"  -M, --mmio-base ADDR   its physical address (implies --mmio)\n"
		"  -l, --list             list regions: subsystem, name, seq, address, size, crc32\n"
		"  -d, --dump DIR         write each region to DIR/md_<name>.BIN\n"
		"  -e, --elf FILE         write one ELF core file: from the KELF index, or\n"
		"                         physical addresses and a section per region\n"
		"  -p, --progress         show progress on stderr (default: when a terminal)\n"
		"  -q, --quiet            no progress\n"
		"exit codes: 0 ok, 2 usage, 3 no minidump table, 4 truncated image,\n"
		"            5 region outside RAM, 6 I/O error, 7 overlapping regions,\n"
		"            8 corrupt KELF index\n");
}

static int parse_u64(const char *s, uint64_t *v, char **end)
{
	errno = 0;
	*v = strtoull(s, end, 0);
	return errno || *end == s;
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
		{ "progress", no_argument, NULL, 'p' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct file_image im = { .img = { .read = file_read } };
	uint64_t smem_base = 0, smem_size = 0, mmio_base = 0;
	struct opts o = { 0 };
	struct walk_ctx w = { .img = &im.img, .o = &o };
	const char *image = NULL, *dtb = NULL;
	int c, ret, have_base = 0, prog = isatty(2), mmio = 0;
	char err[256] = "";
	struct stat st;
	char *end;

	im.img.ctx = &im;
	while ((c = getopt_long(argc, argv, "i:r:s:ld:e:t:mM:pqh", lopts, NULL)) != -1) {
		switch (c) {
		case 'i':
			image = optarg;
			break;
		case 'r':
			if (parse_u64(optarg, &im.img.ram_base, &end) || *end) {
				usage(stderr);
				return EX_USAGE;
			}
			have_base = 1;
			break;
		case 's':
			if (parse_u64(optarg, &smem_base, &end) || *end != ',' ||
			    parse_u64(end + 1, &smem_size, &end) || *end) {
				usage(stderr);
				return EX_USAGE;
			}
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
			if (parse_u64(optarg, &mmio_base, &end) || *end || !mmio_base) {
				usage(stderr);
				return EX_USAGE;
			}
			mmio = 1;
			break;
		case 'p':
			prog = 1;
			break;
		case 'q':
			prog = 0;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return EX_USAGE;
		}
	}
	if (dtb && read_dtb(dtb, &im.img.ram_base, &have_base, &smem_base,
			    &smem_size, mmio, &mmio_base))
		return EX_USAGE;
	if (!image || !have_base || (mmio ? !mmio_base : !smem_size) ||
	    optind != argc) {
		usage(stderr);
		return EX_USAGE;
	}
	im.fd = open(image, O_RDONLY);
	if (im.fd < 0 || fstat(im.fd, &st)) {
		perror(image);
		return EX_IO;
	}
	im.img.ram_size = st.st_size;
	im.progress = prog;

	if (mmio)
		ret = md_walk_mmio(&im.img, mmio_base, on_subsystem, on_region, &w,
				   err, sizeof(err));
	else
		ret = md_walk(&im.img, smem_base, smem_size, on_subsystem, on_region,
			      &w, err, sizeof(err));
	if (ret && err[0])
		fprintf(stderr, "mdread: %s\n", err);
	if (!ret || ret == MD_ERR_BADREGION) {
		int r = check_overlaps(w.regions, w.nregions);

		ret = ret ? ret : r;
	}
	if (o.elf && (!ret || ret == MD_ERR_BADREGION || ret == MD_ERR_OVERLAP)) {
		int r = write_elf(&im.img, &w, o.elf);

		ret = r ? r : ret;
	}
	if (im.progress)
		progress(&im, 1);
	free(w.regions);
	close(im.fd);
	return ret >= 0 && ret < (int)(sizeof(exit_codes) / sizeof(*exit_codes)) ?
	       exit_codes[ret] : EX_IO;
}
