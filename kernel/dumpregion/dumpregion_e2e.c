// SPDX-License-Identifier: GPL-2.0-only
/*
 * Regions with known contents for the end-to-end tests under QEMU.
 *
 * A kernel-image array, e2e_img, is registered at boot by
 * DUMPREGION_STATIC() and filled with a pattern.  Writing "setup" to debugfs
 * dumpregion_e2e/ctl registers a linear, a vmalloc, a per-CPU and a
 * long-named region filled with patterns, plus one region that is
 * unregistered again at once.  Writing "churn" registers and unregisters
 * regions of changing sizes for ten seconds, for a host that stops the
 * machine at random moments and checks the index each time.  Writing
 * "panic" panics the kernel from
 * e2e_crash(), a function a debugger must find on the crashing stack.  dumpregion_e2e/expected then
 * lists what a dump must hold, computed here independently of the core:
 *
 *   expect <run name> <physical address> <size> <crc32>
 *   gone <name> <physical address>
 *
 * where the run name is the region name, suffixed "#<k>" for run k of a
 * region in several physical runs, and crc32 is zlib's CRC-32 of the run.
 */

#include <linux/crc32.h>
#include <linux/debugfs.h>
#include <linux/dumpregion.h>
#include <linux/init.h>
#include <linux/jiffies.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/percpu.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/vmalloc.h>
#include <asm/sections.h>

#define E2E_LIN_SIZE	3000
#define E2E_VM_PAGES	5
#define E2E_PCPU_SIZE	96

static DEFINE_MUTEX(e2e_lock);
static void *e2e_lin, *e2e_vm, *e2e_vmap, *e2e_long, *e2e_gone;
static struct page *e2e_pages;
static void __percpu *e2e_pcpu;
static int __percpu *e2e_pcpu_ids;
static int e2e_ids[4];
static bool e2e_ready;

/* In the kernel image: a debugger finds it by symbol in vmlinux. */
static u8 e2e_img[600] __aligned(8);
DUMPREGION_STATIC(e2e_img, "e2e_img");

static void e2e_fill(void *p, size_t len, u8 seed)
{
	u8 *b = p;
	size_t i;

	/* Not periodic in a page: swapped or shifted pages show. */
	for (i = 0; i < len; i++)
		b[i] = seed + i * 13 + i / 251;
}

static phys_addr_t e2e_pa(const void *p)
{
	if (is_vmalloc_or_module_addr(p))
		return page_to_phys(vmalloc_to_page(p)) + offset_in_page(p);
	if ((unsigned long)p >= (unsigned long)_stext &&
	    (unsigned long)p < (unsigned long)_end)
		return __pa_symbol(p);
	return virt_to_phys(p);
}

/* Print the physically contiguous runs of [p, p + len), page by page. */
static void e2e_show_runs(struct seq_file *s, const char *name, const u8 *p,
			  size_t len)
{
	const u8 *run = p, *end = p + len, *q = p;
	phys_addr_t run_pa = e2e_pa(p);
	unsigned int nruns = 0, k = 0;

	/* Count the runs first: a single run keeps the plain name. */
	while (q < end) {
		const u8 *next = min(end, (const u8 *)PAGE_ALIGN((unsigned long)q + 1));

		if (q == p || e2e_pa(q) != e2e_pa(q - 1) + 1)
			nruns++;
		q = next;
	}
	for (q = p; q <= end; ) {
		const u8 *next = min(end, (const u8 *)PAGE_ALIGN((unsigned long)q + 1));

		if (q == end || (q != p && e2e_pa(q) != e2e_pa(q - 1) + 1)) {
			if (nruns == 1)
				seq_printf(s, "expect %s", name);
			else
				seq_printf(s, "expect %s#%u", name, k++);
			seq_printf(s, " 0x%llx %zu %08x\n", (u64)run_pa,
				   (size_t)(q - run),
				   crc32_le(~0, run, q - run) ^ ~0);
			if (q == end)
				break;
			run = q;
			run_pa = e2e_pa(q);
		}
		q = next;
	}
}

static int expected_show(struct seq_file *s, void *unused)
{
	char name[DUMPREGION_NAME_MAX];
	unsigned int cpu;

	guard(mutex)(&e2e_lock);
	e2e_show_runs(s, "e2e_img", e2e_img, sizeof(e2e_img));
	if (!e2e_ready)
		return 0;
	e2e_show_runs(s, "e2e_lin", e2e_lin, E2E_LIN_SIZE);
	/* For the harness's gdb check: debugfs of the core shows no addresses. */
	seq_printf(s, "va e2e_lin 0x%lx\n", (unsigned long)e2e_lin);
	e2e_show_runs(s, "e2e_vm", e2e_vm + 100, E2E_VM_PAGES * PAGE_SIZE - 200);
	e2e_show_runs(s, "e2e_vmap", e2e_vmap, 3 * PAGE_SIZE);
	e2e_show_runs(s, "e2e_a_longer_name", e2e_long, 64);
	for_each_possible_cpu(cpu) {
		snprintf(name, sizeof(name), "e2e_pcpu.%u", cpu);
		e2e_show_runs(s, name, per_cpu_ptr(e2e_pcpu, cpu),
			      E2E_PCPU_SIZE);
	}
	seq_printf(s, "gone e2e_gone 0x%llx\n", (u64)virt_to_phys(e2e_gone));
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(expected);

/* Undo whatever e2e_setup() got done: regions first, then their memory. */
static void e2e_teardown(void)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(e2e_ids); i++) {
		if (e2e_ids[i] > 0)
			dumpregion_unregister(e2e_ids[i]);
		e2e_ids[i] = 0;
	}
	if (e2e_pcpu_ids)
		dumpregion_unregister_percpu(e2e_pcpu_ids);
	free_percpu(e2e_pcpu_ids);
	free_percpu(e2e_pcpu);
	kfree(e2e_gone);
	kfree(e2e_long);
	vfree(e2e_vm);
	kfree(e2e_lin);
	if (e2e_vmap)
		vunmap(e2e_vmap);
	if (e2e_pages)
		__free_pages(e2e_pages, 2);
	e2e_pcpu_ids = NULL;
	e2e_pcpu = NULL;
	e2e_gone = NULL;
	e2e_long = NULL;
	e2e_vm = NULL;
	e2e_lin = NULL;
	e2e_vmap = NULL;
	e2e_pages = NULL;
}

static int e2e_setup(void)
{
	static const char * const names[] = {
		"e2e_lin", "e2e_vm", "e2e_a_longer_name", "e2e_vmap",
	};
	const void *addrs[ARRAY_SIZE(names)];
	size_t sizes[ARRAY_SIZE(names)];
	struct page *map[3];
	unsigned int cpu, i;
	int id, ret;

	/* Three adjacent pages mapped in reverse: three physical runs. */
	e2e_pages = alloc_pages(GFP_KERNEL, 2);
	if (e2e_pages) {
		map[0] = e2e_pages + 2;
		map[1] = e2e_pages + 1;
		map[2] = e2e_pages;
		e2e_vmap = vmap(map, 3, VM_MAP, PAGE_KERNEL);
	}
	e2e_lin = kmalloc(E2E_LIN_SIZE, GFP_KERNEL);
	e2e_vm = vmalloc(E2E_VM_PAGES * PAGE_SIZE);
	e2e_long = kmalloc(64, GFP_KERNEL);
	e2e_gone = kmalloc(128, GFP_KERNEL);
	e2e_pcpu = __alloc_percpu(E2E_PCPU_SIZE, 8);
	e2e_pcpu_ids = alloc_percpu(int);
	if (!e2e_vmap || !e2e_lin || !e2e_vm || !e2e_long || !e2e_gone ||
	    !e2e_pcpu || !e2e_pcpu_ids) {
		ret = -ENOMEM;
		goto err_teardown;
	}

	e2e_fill(e2e_lin, E2E_LIN_SIZE, 0x11);
	e2e_fill(e2e_vm, E2E_VM_PAGES * PAGE_SIZE, 0x22);
	e2e_fill(e2e_vmap, 3 * PAGE_SIZE, 0x66);
	e2e_fill(e2e_long, 64, 0x33);
	e2e_fill(e2e_gone, 128, 0x44);
	for_each_possible_cpu(cpu)
		e2e_fill(per_cpu_ptr(e2e_pcpu, cpu), E2E_PCPU_SIZE, 0x50 + cpu);

	addrs[0] = e2e_lin;
	sizes[0] = E2E_LIN_SIZE;
	addrs[1] = e2e_vm + 100;
	sizes[1] = E2E_VM_PAGES * PAGE_SIZE - 200;
	addrs[2] = e2e_long;
	sizes[2] = 64;
	addrs[3] = e2e_vmap;
	sizes[3] = 3 * PAGE_SIZE;
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		ret = dumpregion_register(names[i], addrs[i], sizes[i]);
		if (ret < 0)
			goto err_teardown;
		e2e_ids[i] = ret;
	}
	ret = dumpregion_register_percpu("e2e_pcpu", e2e_pcpu, E2E_PCPU_SIZE,
					 e2e_pcpu_ids);
	if (ret)
		goto err_teardown;
	id = dumpregion_register("e2e_gone", e2e_gone, 128);
	if (id < 0) {
		ret = id;
		goto err_teardown;
	}
	ret = dumpregion_unregister(id);
	if (ret)
		goto err_teardown;
	e2e_ready = true;
	return 0;

err_teardown:
	e2e_teardown();
	return ret;
}

#define E2E_CHURN_SLOTS	64

/*
 * Registration churn: slot k of e2e_churn holds region "churn.<k>" or
 * nothing; each step replaces one with a region of another size, so that
 * the KELF index is rebuilt (and moves) at every step.  Ten seconds.
 */
static u8 e2e_churn[E2E_CHURN_SLOTS][64];

static int e2e_churn_run(void)
{
	int ids[E2E_CHURN_SLOTS] = {};
	unsigned long end = jiffies + 10 * HZ;
	char name[16];
	unsigned int i, k, n = 0;
	int ret = 0;

	for (i = 0; time_before(jiffies, end); i++) {
		k = (i * 37) % E2E_CHURN_SLOTS;
		if (ids[k]) {
			ret = dumpregion_unregister(ids[k]);
			ids[k] = 0;
			if (ret)
				break;
		}
		snprintf(name, sizeof(name), "churn.%u", k);
		ret = dumpregion_register(name, e2e_churn[k], 1 + (i * 7) % 64);
		if (ret < 0)
			break;
		ids[k] = ret;
		ret = 0;
		n++;
		cond_resched();
	}
	for (k = 0; k < E2E_CHURN_SLOTS; k++)
		if (ids[k])
			dumpregion_unregister(ids[k]);
	pr_info("dumpregion_e2e: churn: %u registrations, %d\n", n, ret);
	return ret;
}

/* Not inlined: the e2e test looks for it in the panicking CPU's trace. */
static noinline void e2e_crash(void)
{
	panic("dumpregion_e2e: crash requested by %s[%d]", current->comm,
	      task_pid_nr(current));
}

/* Not inlined either: runs in interrupt context (an IPI) on another CPU. */
static noinline void e2e_crash_irq(void *unused)
{
	panic("dumpregion_e2e: crash in interrupt context on CPU %d",
	      raw_smp_processor_id());
}

static ssize_t ctl_write(struct file *file, const char __user *ubuf,
			 size_t len, loff_t *ppos)
{
	char buf[16] = {};
	unsigned int cpu;
	int ret;

	if (len >= sizeof(buf) || copy_from_user(buf, ubuf, len))
		return -EINVAL;
	if (sysfs_streq(buf, "panic"))
		e2e_crash();
	/*
	 * "panic-irq N": CPU N panics in its IPI handler, on its IRQ stack,
	 * while this task waits for it on this CPU.
	 */
	if (sscanf(buf, "panic-irq %u", &cpu) == 1) {
		if (cpu >= nr_cpu_ids || !cpu_online(cpu) ||
		    cpu == raw_smp_processor_id())
			return -EINVAL;
		ret = smp_call_function_single(cpu, e2e_crash_irq, NULL, 1);
		return ret ? ret : len;
	}
	if (sysfs_streq(buf, "churn")) {
		ret = e2e_churn_run();
		return ret ? ret : len;
	}
	if (!sysfs_streq(buf, "setup"))
		return -EINVAL;
	guard(mutex)(&e2e_lock);
	if (e2e_ready)
		return -EBUSY;
	ret = e2e_setup();
	if (ret)
		pr_err("dumpregion_e2e: setup failed: %d\n", ret);
	return ret ? ret : len;
}

static const struct file_operations ctl_fops = {
	.write = ctl_write,
	.llseek = noop_llseek,
};

static int __init dumpregion_e2e_init(void)
{
	struct dentry *dir = debugfs_create_dir("dumpregion_e2e", NULL);

	e2e_fill(e2e_img, sizeof(e2e_img), 0x77);
	debugfs_create_file("ctl", 0200, dir, NULL, &ctl_fops);
	debugfs_create_file("expected", 0400, dir, NULL, &expected_fops);
	return 0;
}
late_initcall(dumpregion_e2e_init);
