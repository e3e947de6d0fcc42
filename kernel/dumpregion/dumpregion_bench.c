// SPDX-License-Identifier: GPL-2.0-only
/*
 * In-kernel benchmark of the dump region core: the cost of register,
 * update (sleeping and atomic) and unregister with 10 to 10,000 live
 * regions, with one and with two providers; the panic finaliser's cost
 * against the number of regions; and the boot-time cost of the static
 * annotations.  Run by "make bench" in the end-to-end guest (no KASAN, no
 * lockdep) through debugfs:
 *
 *	echo full > /sys/kernel/debug/dumpregion_bench/run
 *	cat /sys/kernel/debug/dumpregion_bench/result
 *
 * "panic" instead of "full" measures only the panic finaliser.  Each
 * figure is the mean over a batch of operations at a constant number of
 * live regions (every unregister is paired with a register of a new
 * region).  At the largest size the benchmark checks what it built: every
 * region in the KELF index and in each provider's table with its address,
 * size and name, and the KELF file offsets back to back.  Timings are
 * printed, never asserted.
 */

#define pr_fmt(fmt) "dumpregion_bench: " fmt

#include <linux/debugfs.h>
#include <linux/dumpregion.h>
#include <linux/dumpregion/provider.h>
#include <linux/elf.h>
#include <linux/fs.h>
#include <linux/irqflags.h>
#include <linux/ktime.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/random.h>
#include <linux/seq_buf.h>
#include <linux/slab.h>
#include <linux/bsearch.h>
#include <linux/sort.h>
#include <linux/string.h>
#include <linux/uaccess.h>
#include <linux/vmalloc.h>
#include <linux/xarray.h>

#include "internal.h"

#define BENCH_MAX	10000
#define BENCH_CELL	64	/* bytes of memory per region; 64 per page */
#define BENCH_SIZE	48	/* bytes registered: one run */
#define BENCH_OPS	2000	/* operations per batch */
#define BENCH_BATCHES	3	/* per measurement: the median batch counts */

static const unsigned int bench_sizes[] = { 10, 100, 1000, BENCH_MAX };

/* A provider keeping a table of what it publishes, as firmware would. */
struct bench_entry {
	phys_addr_t phys;
	size_t size;
	char name[DUMPREGION_NAME_MAX];
};

struct bench_prov {
	struct dumpregion_provider prov;
	struct xarray table;	/* id -> struct bench_entry */
	unsigned int bad;	/* ops that could not record */
};

static void bench_fill(struct bench_entry *e, const struct dumpregion_layout *l)
{
	e->phys = l->runs[0].phys;
	e->size = l->size;
	strscpy(e->name, l->name);
}

static int bench_add(struct dumpregion_provider *prov,
		     const struct dumpregion_layout *l, void **cookie)
{
	struct bench_prov *bp = container_of(prov, struct bench_prov, prov);
	struct bench_entry *e = kmalloc(sizeof(*e), GFP_ATOMIC);

	if (!e)
		return -ENOMEM;
	bench_fill(e, l);
	if (xa_err(xa_store(&bp->table, l->id, e, GFP_ATOMIC))) {
		kfree(e);
		return -ENOMEM;
	}
	return 0;
}

static void bench_remove(struct dumpregion_provider *prov,
			 const struct dumpregion_layout *l, void *cookie)
{
	struct bench_prov *bp = container_of(prov, struct bench_prov, prov);

	kfree(xa_erase(&bp->table, l->id));
}

static int bench_update(struct dumpregion_provider *prov,
			const struct dumpregion_layout *l, void **cookie)
{
	struct bench_prov *bp = container_of(prov, struct bench_prov, prov);
	struct bench_entry *e = xa_load(&bp->table, l->id);

	if (!e) {
		bp->bad++;
		return -ENOENT;
	}
	bench_fill(e, l);
	return 0;
}

static const struct dumpregion_provider_ops bench_ops = {
	.flags = DUMPREGION_PANIC_UPDATE,
	.add = bench_add,
	.remove = bench_remove,
	.update = bench_update,
};

struct bench {
	struct bench_prov prov[2];
	unsigned int nprov;
	char *mem;			/* BENCH_MAX cells */
	int *ids;			/* live region in each cell */
	unsigned int live;
	unsigned int serial;		/* names: "b<serial>" */
	struct seq_buf out;
};

static DEFINE_MUTEX(bench_lock);
static char *bench_result;

static int bench_register(struct bench *b, unsigned int cell)
{
	char name[DUMPREGION_NAME_MAX];

	snprintf(name, sizeof(name), "b%u", b->serial++);
	b->ids[cell] = dumpregion_register(name, b->mem + cell * BENCH_CELL,
					   BENCH_SIZE);
	return b->ids[cell] > 0 ? 0 : b->ids[cell];
}

static void bench_print(struct bench *b, const char *op, bool seq,
			unsigned int n, u64 ns, unsigned int ops)
{
	seq_buf_printf(&b->out, "BENCH op=%s providers=%u pattern=%s n=%u ns=%llu\n",
		       op, b->nprov, seq ? "seq" : "random", n, div_u64(ns, ops));
}

/*
 * The region the @k-th operation of a batch works on: anywhere (each one
 * likely cold in the caches at 10,000 regions), or the next one in
 * registration order (memory the previous operation's neighbours warmed):
 * the difference is what the memory hierarchy, not the algorithm, costs.
 */
static unsigned int bench_cell(unsigned int n, unsigned int k, bool seq)
{
	return seq ? k % n : get_random_u32_below(n);
}

/*
 * Unregister+register pairs per batch: each rebuilds the KELF index, so
 * fewer at large sizes to keep the run short (2,000 up to 100 regions,
 * 20 at 10,000).
 */
static unsigned int bench_pairs(unsigned int n)
{
	return clamp(200000 / n, 20U, (unsigned int)BENCH_OPS);
}

/* One batch of each operation at @n live regions: ns per operation. */
static int bench_batch(struct bench *b, unsigned int n, bool seq, u64 *ns)
{
	u64 t0, t1;
	unsigned long flags;
	unsigned int k, cell;
	int ret;

	memset(ns, 0, 4 * sizeof(*ns));
	for (k = 0; k < bench_pairs(n); k++) {
		cell = bench_cell(n, k, seq);
		t0 = ktime_get_ns();
		ret = dumpregion_unregister(b->ids[cell]);
		t1 = ktime_get_ns();
		if (ret)
			return ret;
		ns[1] += t1 - t0;
		t0 = ktime_get_ns();
		ret = bench_register(b, cell);
		t1 = ktime_get_ns();
		if (ret)
			return ret;
		ns[0] += t1 - t0;
	}
	for (k = 0; k < BENCH_OPS; k++) {
		cell = bench_cell(n, k, seq);
		t0 = ktime_get_ns();
		ret = dumpregion_update(b->ids[cell], b->mem + cell * BENCH_CELL +
					(k & 1) * 8, BENCH_SIZE);
		t1 = ktime_get_ns();
		if (ret)
			return ret;
		ns[2] += t1 - t0;
	}
	for (k = 0; k < BENCH_OPS; k++) {
		cell = bench_cell(n, k, seq);
		local_irq_save(flags);
		t0 = ktime_get_ns();
		ret = dumpregion_update_atomic(b->ids[cell], b->mem +
					       cell * BENCH_CELL + (k & 1) * 8,
					       BENCH_SIZE);
		t1 = ktime_get_ns();
		local_irq_restore(flags);
		if (ret)
			return ret;
		ns[3] += t1 - t0;
	}
	return 0;
}

static_assert(BENCH_BATCHES == 3);

static u64 median3(u64 a, u64 b, u64 c)
{
	return max(min(a, b), min(max(a, b), c));
}

/* Register, unregister, update and update_atomic at @n live regions. */
static int bench_ops_at(struct bench *b, unsigned int n, bool seq)
{
	static const char * const names[] = {
		"register", "unregister", "update", "update_atomic",
	};
	u64 ns[BENCH_BATCHES][4];
	unsigned int i;
	int ret;

	for (i = 0; i < BENCH_BATCHES; i++) {
		ret = bench_batch(b, n, seq, ns[i]);
		if (ret)
			return ret;
	}
	for (i = 0; i < 4; i++)
		bench_print(b, names[i], seq, n,
			    median3(ns[0][i], ns[1][i], ns[2][i]),
			    i < 2 ? bench_pairs(n) : BENCH_OPS);
	return 0;
}

/* One run of the panic finaliser, undone. */
static u64 bench_panic_once(void)
{
	u64 t0, t1;

	dumpregion_test_set_panicking(true);
	preempt_disable();
	t0 = ktime_get_ns();
	dumpregion_panic_finalise();
	t1 = ktime_get_ns();
	preempt_enable();
	dumpregion_test_set_panicking(false);
	dumpregion_test_undo_panic();
	return t1 - t0;
}

/* The finaliser, best of five runs after a warm-up run. */
static int bench_panic_at(struct bench *b, unsigned int n)
{
	u64 best = U64_MAX;
	unsigned int k;

	bench_panic_once();		/* warm */
	for (k = 0; k < 5; k++)
		best = min(best, bench_panic_once());
	seq_buf_printf(&b->out,
		       "BENCH op=panic providers=%u n=%u cpus=%u ns=%llu\n",
		       b->nprov, n, num_online_cpus(), best);
	return 0;
}

static int cmp_u64(const void *a, const void *b)
{
	u64 x = *(const u64 *)a, y = *(const u64 *)b;

	return x < y ? -1 : x > y;
}

/*
 * At the largest size: every live region in the KELF index (a load at its
 * address and size) and in every provider's table (address, size, name),
 * and the file offsets back to back, as at every instant.
 */
static int bench_check(struct bench *b)
{
	const struct elf64_hdr *eh;
	const struct elf64_phdr *ph;
	unsigned int i, p, nload = 0, bad_kelf = 0, bad_prov = 0, bad_off = 0;
	u64 phnum, off = 0, *loads = NULL;
	size_t size;
	char name[DUMPREGION_NAME_MAX];
	int ret = 0;

	mutex_lock(dumpregion_registration_lock());
	eh = dr_kelf_current(&size);
	phnum = eh->e_phnum == PN_XNUM ?
		((const struct elf64_shdr *)((const void *)eh + eh->e_shoff))->sh_info :
		eh->e_phnum;
	ph = (const void *)eh + eh->e_phoff;
	loads = kvmalloc_array(phnum, sizeof(*loads), GFP_KERNEL);
	if (!loads) {
		ret = -ENOMEM;
		goto out_unlock;
	}
	for (i = 1; i < phnum; i++) {
		if (ph[i].p_type != PT_LOAD)
			continue;
		/* Back to back in program header order, after the header. */
		if (off && ph[i].p_offset != off)
			bad_off++;
		off = ph[i].p_offset + ph[i].p_filesz;
		if (ph[i].p_filesz == BENCH_SIZE)
			loads[nload++] = ph[i].p_paddr;
	}
	mutex_unlock(dumpregion_registration_lock());
	sort(loads, nload, sizeof(*loads), cmp_u64, NULL);

	for (i = 0; i < b->live; i++) {
		phys_addr_t pa = page_to_phys(vmalloc_to_page(b->mem + i * BENCH_CELL)) +
				 offset_in_page(b->mem + i * BENCH_CELL);
		u64 key = pa;

		/* The last update may have left it 8 bytes in. */
		if (!bsearch(&key, loads, nload, sizeof(*loads), cmp_u64)) {
			key = pa + 8;
			if (!bsearch(&key, loads, nload, sizeof(*loads), cmp_u64))
				bad_kelf++;
		}
		for (p = 0; p < b->nprov; p++) {
			struct bench_entry *e = xa_load(&b->prov[p].table, b->ids[i]);

			if (!e || (e->phys != pa && e->phys != pa + 8) ||
			    e->size != BENCH_SIZE || e->name[0] != 'b') {
				bad_prov++;
				continue;
			}
			/* The name the id was registered under. */
			strscpy(name, e->name);
			if (dumpregion_register(name, b->mem, 8) != -EEXIST)
				bad_prov++;
		}
	}
	seq_buf_printf(&b->out,
		       "BENCH check providers=%u n=%u kelf_loads=%u missing_kelf=%u bad_provider=%u bad_offsets=%u\n",
		       b->nprov, b->live, nload, bad_kelf, bad_prov, bad_off);
	if (bad_kelf || bad_prov || bad_off)
		ret = -EBADMSG;
	kvfree(loads);
	return ret;

out_unlock:
	mutex_unlock(dumpregion_registration_lock());
	return ret;
}

static int bench_sweep(struct bench *b, bool ops)
{
	unsigned int s, n;
	int ret = 0;

	for (s = 0; s < ARRAY_SIZE(bench_sizes); s++) {
		n = bench_sizes[s];
		while (b->live < n) {
			ret = bench_register(b, b->live);
			if (ret)
				return ret;
			b->live++;
		}
		if (ops) {
			ret = bench_ops_at(b, n, false);
			if (!ret)
				ret = bench_ops_at(b, n, true);
			if (ret)
				return ret;
		}
		ret = bench_panic_at(b, n);
		if (ret)
			return ret;
	}
	return bench_check(b);
}

static void bench_teardown(struct bench *b)
{
	struct bench_entry *e;
	unsigned long id;
	unsigned int i;

	for (i = 0; i < b->live; i++)
		dumpregion_unregister(b->ids[i]);
	b->live = 0;
	for (i = 0; i < b->nprov; i++) {
		dumpregion_provider_unregister(&b->prov[i].prov);
		xa_for_each(&b->prov[i].table, id, e)
			kfree(e);
		xa_destroy(&b->prov[i].table);
	}
	b->nprov = 0;
}

static int bench_run(struct bench *b, bool ops)
{
	static const char * const names[] = { "bench0", "bench1" };
	unsigned int np, i;
	int ret = 0;

	seq_buf_printf(&b->out, "BENCH static count=%u ns=%llu\n",
		       dr_static_boot_count, dr_static_boot_ns);
	for (np = 1; np <= 2 && !ret; np++) {
		for (i = 0; i < np; i++) {
			b->prov[i].prov.name = names[i];
			b->prov[i].prov.ops = &bench_ops;
			xa_init(&b->prov[i].table);
			ret = dumpregion_provider_register(&b->prov[i].prov);
			if (ret)
				break;
			b->nprov++;
		}
		if (!ret)
			ret = bench_sweep(b, ops);
		bench_teardown(b);
		if (!ops)
			break;
	}
	seq_buf_printf(&b->out, "BENCH done ret=%d\n", ret);
	return ret;
}

static ssize_t bench_run_write(struct file *file, const char __user *ubuf,
			       size_t len, loff_t *ppos)
{
	struct bench *b;
	char mode[8] = {};
	char *buf;
	int ret;

	if (copy_from_user(mode, ubuf, min(len, sizeof(mode) - 1)))
		return -EFAULT;
	b = kzalloc(sizeof(*b), GFP_KERNEL);
	buf = kvzalloc(PAGE_SIZE * 4, GFP_KERNEL);
	if (b) {
		b->mem = vzalloc(BENCH_MAX * BENCH_CELL);
		b->ids = kvcalloc(BENCH_MAX, sizeof(*b->ids), GFP_KERNEL);
	}
	if (!b || !buf || !b->mem || !b->ids) {
		ret = -ENOMEM;
		goto out_free;
	}
	seq_buf_init(&b->out, buf, PAGE_SIZE * 4);
	mutex_lock(&bench_lock);
	ret = bench_run(b, !strncmp(mode, "full", 4));
	kvfree(bench_result);
	bench_result = buf;
	buf = NULL;
	mutex_unlock(&bench_lock);
out_free:
	if (b) {
		vfree(b->mem);
		kvfree(b->ids);
	}
	kfree(b);
	kvfree(buf);
	return ret ? ret : len;
}

static const struct file_operations bench_run_fops = {
	.write = bench_run_write,
};

static int bench_result_show(struct seq_file *s, void *unused)
{
	mutex_lock(&bench_lock);
	if (bench_result)
		seq_puts(s, bench_result);
	mutex_unlock(&bench_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(bench_result);

static int __init dumpregion_bench_init(void)
{
	struct dentry *dir = debugfs_create_dir("dumpregion_bench", NULL);

	debugfs_create_file("run", 0200, dir, NULL, &bench_run_fops);
	debugfs_create_file("result", 0400, dir, NULL, &bench_result_fops);
	return 0;
}
late_initcall(dumpregion_bench_init);
