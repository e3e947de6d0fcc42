// SPDX-License-Identifier: GPL-2.0-only
/*
 * Built-in clients of the dump region core: the variables annotated with
 * DUMPREGION_STATIC() anywhere in the kernel, the kernel's identity, and
 * each CPU's task.  The printk ring buffer is registered by printk itself
 * (kernel/printk/dumpregion.c).
 *
 * The task each CPU runs and its kernel stack are one pair of movable
 * regions per possible CPU, "task.<cpu>" and "stack.<cpu>", registered at
 * boot on the CPU's idle task and moved at panic, from the panic path with
 * dumpregion_update_atomic() (no allocation), to the task the CPU was
 * running: the panicking CPU's current task, and for the others the task
 * their stop handler found (dumpregion_save_cpu_regs()).
 *
 * The crash_notes pointer and its per-CPU note buffers ("crashnote.<cpu>")
 * are registered too: the panic path writes each CPU's NT_PRSTATUS there,
 * where drgn 0.0.27 and later look up an on-CPU task's registers (the
 * kdump convention).
 */

#define pr_fmt(fmt) "dumpregion: " fmt

#include <linux/dumpregion.h>
#include <linux/cpumask.h>
#include <linux/init.h>
#include <linux/sched/clock.h>
#include <linux/jiffies.h>
#include <linux/kexec.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/panic.h>
#include <linux/overflow.h>
#include <linux/percpu.h>
#include <linux/pid.h>
#include <linux/pid_namespace.h>
#include <linux/printk.h>
#include <linux/sched.h>
#include <linux/sched/task.h>
#include <linux/sched/task_stack.h>
#include <linux/slab.h>
#include <linux/smp.h>
#include <linux/string.h>
#include <linux/utsname.h>
#include <linux/xarray.h>

#include <kunit/visibility.h>

#include "internal.h"

#ifdef CONFIG_DUMPREGION_INFO
/*
 * Which kernel this is and the state a debugger reads first: release and
 * banner, CPU masks, each CPU's per-CPU offset (drgn's per_cpu()), time,
 * and which CPU panicked.  (The taint mask is static in kernel/panic.c and
 * annotated there.)
 */
DUMPREGION_STATIC(init_uts_ns, "uts_ns");
DUMPREGION_STATIC(__cpu_possible_mask, "cpu_possible");
DUMPREGION_STATIC(__cpu_online_mask, "cpu_online");
DUMPREGION_STATIC(__cpu_present_mask, "cpu_present");
DUMPREGION_STATIC(__cpu_active_mask, "cpu_active");
DUMPREGION_STATIC(jiffies_64, "jiffies_64");
DUMPREGION_STATIC(panic_cpu, "panic_cpu");
#ifdef CONFIG_SMP
DUMPREGION_STATIC(__per_cpu_offset, "percpu_off");
#endif
#if NR_CPUS > 1 && !defined(CONFIG_FORCE_NR_CPUS)
DUMPREGION_STATIC(nr_cpu_ids, "nr_cpu_ids");
#endif
#endif

static int __init dr_register_one(const char *name, const void *addr,
				  size_t size)
{
	int id = dumpregion_register(name, addr, size);

	if (id < 0)
		pr_warn("cannot register %s (%zu bytes): %d\n", name, size,
			id);
	return id < 0 ? id : 0;
}

#ifdef CONFIG_DUMPREGION_TASKS
/*
 * A debugger finds a task from its pid the way the kernel does:
 * init_pid_ns.idr, the xarray nodes down to the pid's slot, the struct
 * pid, then the task (drgn's Program.thread() and crashed_thread(), which
 * looks up the pid of the crashing CPU's NT_PRSTATUS).  So each CPU's task
 * comes with the nodes on its pid's path ("pidnode.<cpu>.<level>") and its
 * struct pid ("pid.<cpu>"), moved at panic with it.  Four levels of
 * XA_CHUNK_SHIFT bits cover PID_MAX_LIMIT; unused levels repeat the last
 * node.
 */
DUMPREGION_STATIC(init_pid_ns, "pid_ns");

#define DR_PID_LEVELS	DIV_ROUND_UP(const_ilog2(PID_MAX_LIMIT) + 1, XA_CHUNK_SHIFT)

static int *dr_task_ids, *dr_stack_ids, *dr_pid_ids;
/* What the pid regions point at when no task's path is known. */
static struct xa_node *dr_pid_boot_node;

/*
 * The nodes from the root of init_pid_ns's idr to @nr's slot, at most @max;
 * returns how many.  Reads without locks: called at boot, or at panic with
 * the other CPUs stopped, when a node being replaced is still valid memory.
 */
static unsigned int dr_pid_path(unsigned int nr, struct xa_node **nodes,
				unsigned int max)
{
	const struct idr *idr = &init_pid_ns.idr;
	unsigned long index = nr - idr->idr_base;
	void *entry = rcu_dereference_raw(idr->idr_rt.xa_head);
	unsigned int n = 0;
	struct xa_node *node;

	while (xa_is_node(entry) && n < max) {
		node = xa_to_node(entry);
		if (n == 0 && (index >> node->shift) > XA_CHUNK_MASK)
			break;
		nodes[n++] = node;
		entry = rcu_dereference_raw(node->slots[(index >> node->shift) &
							XA_CHUNK_MASK]);
	}
	return n;
}

/*
 * Point CPU @cpu's pid regions at @t's path; with @atomic from the panic
 * path, else (boot, tests) with the sleeping update.
 */
static void dr_pid_move(unsigned int cpu, struct task_struct *t, bool atomic)
{
	struct xa_node *nodes[DR_PID_LEVELS];
	int *ids = &dr_pid_ids[cpu * (DR_PID_LEVELS + 1)];
	struct pid *pid = task_pid(t) ?: &init_struct_pid;
	unsigned int i, n;
	const void *addr;
	size_t size;

	n = pid_nr(pid) ? dr_pid_path(pid_nr(pid), nodes, DR_PID_LEVELS) : 0;
	/* Not in the idr (an idle task, pid 0): as registered at boot. */
	if (!n) {
		nodes[0] = dr_pid_boot_node;
		n = 1;
	}
	for (i = 0; i <= DR_PID_LEVELS; i++) {
		if (ids[i] <= 0)
			continue;
		if (i == DR_PID_LEVELS) {
			/* What a lookup in init_pid_ns reads, at any level */
			addr = pid;
			size = struct_size(pid, numbers, 1);
		} else {
			addr = nodes[min(i, n - 1)];
			size = sizeof(struct xa_node);
		}
		if (atomic)
			dumpregion_update_atomic(ids[i], addr, size);
		else
			dumpregion_update(ids[i], addr, size);
	}
}

static void __init dr_register_pid_path(unsigned int cpu)
{
	size_t pid_size = struct_size(&init_struct_pid, numbers, 1);
	int *ids = &dr_pid_ids[cpu * (DR_PID_LEVELS + 1)];
	char name[DUMPREGION_NAME_MAX];
	struct xa_node *top[1];
	unsigned int i;
	int id;

	/* Any valid node to start with: pid 1's top node. */
	if (!dr_pid_path(1, top, 1))
		return;
	dr_pid_boot_node = top[0];
	for (i = 0; i <= DR_PID_LEVELS; i++) {
		if (i == DR_PID_LEVELS) {
			snprintf(name, sizeof(name), "pid.%u", cpu);
			id = dumpregion_register_movable(name, &init_struct_pid,
							 pid_size);
		} else {
			snprintf(name, sizeof(name), "pidnode.%u.%u", cpu, i);
			id = dumpregion_register_movable(name, top[0],
							 sizeof(struct xa_node));
		}
		if (id < 0)
			pr_warn("cannot register %s: %d\n", name, id);
		else
			ids[i] = id;
	}
}

static int __init dr_register_tasks(void)
{
	char name[DUMPREGION_NAME_MAX];
	struct task_struct *t;
	unsigned int cpu;
	int id;

	dr_task_ids = kcalloc(nr_cpu_ids, sizeof(*dr_task_ids), GFP_KERNEL);
	dr_stack_ids = kcalloc(nr_cpu_ids, sizeof(*dr_stack_ids), GFP_KERNEL);
	dr_pid_ids = kcalloc(nr_cpu_ids * (DR_PID_LEVELS + 1),
			     sizeof(*dr_pid_ids), GFP_KERNEL);
	if (!dr_task_ids || !dr_stack_ids || !dr_pid_ids) {
		kfree(dr_task_ids);
		kfree(dr_stack_ids);
		kfree(dr_pid_ids);
		dr_task_ids = NULL;
		dr_stack_ids = NULL;
		dr_pid_ids = NULL;
		return -ENOMEM;
	}
	for_each_possible_cpu(cpu) {
		t = idle_task(cpu) ?: &init_task;
		snprintf(name, sizeof(name), "task.%u", cpu);
		id = dumpregion_register_movable(name, t, sizeof(*t));
		if (id < 0)
			pr_warn("cannot register %s: %d\n", name, id);
		else
			dr_task_ids[cpu] = id;
		snprintf(name, sizeof(name), "stack.%u", cpu);
		id = dumpregion_register_movable(name, task_stack_page(t),
						 THREAD_SIZE);
		if (id < 0)
			pr_warn("cannot register %s: %d\n", name, id);
		else
			dr_stack_ids[cpu] = id;
		dr_register_pid_path(cpu);
	}
	dr_crashutil_register();
	return 0;
}

/**
 * dr_clients_panic() - point the per-CPU task regions at the crash
 *
 * Called by the core's panic path before the KELF index is made final,
 * with the other CPUs stopped.  No locks, no allocation.
 */
void dr_clients_panic(void)
{
	unsigned int cpu, self = raw_smp_processor_id();
	struct task_struct *t;

	if (!dr_task_ids)
		return;
	for_each_possible_cpu(cpu) {
		t = cpu == self ? current : dr_cpu_task(cpu);
		if (!t)
			continue;
		if (dr_task_ids[cpu] > 0)
			dumpregion_update_atomic(dr_task_ids[cpu], t, sizeof(*t));
		if (dr_stack_ids[cpu] > 0 && task_stack_page(t))
			dumpregion_update_atomic(dr_stack_ids[cpu],
						 task_stack_page(t), THREAD_SIZE);
		dr_pid_move(cpu, t, true);
		dr_crashutil_move(cpu, t, true);
	}
}

#if DR_TEST_SEAMS
/*
 * For the tests, after dr_clients_panic() outside a real panic: point each
 * CPU's regions back at its idle task, as registered at boot.
 */
void dr_clients_panic_undo(void)
{
	struct task_struct *t;
	unsigned int cpu;

	if (!dr_task_ids)
		return;
	for_each_possible_cpu(cpu) {
		t = idle_task(cpu) ?: &init_task;
		if (dr_task_ids[cpu] > 0)
			dumpregion_update(dr_task_ids[cpu], t, sizeof(*t));
		if (dr_stack_ids[cpu] > 0)
			dumpregion_update(dr_stack_ids[cpu], task_stack_page(t),
					  THREAD_SIZE);
		dr_pid_move(cpu, t, false);
		dr_crashutil_move(cpu, t, false);
	}
}
EXPORT_SYMBOL_IF_KUNIT(dr_clients_panic_undo);
#endif
#else
static int __init dr_register_tasks(void)
{
	return 0;
}

void dr_clients_panic(void)
{
}

#if DR_TEST_SEAMS
void dr_clients_panic_undo(void)
{
}
EXPORT_SYMBOL_IF_KUNIT(dr_clients_panic_undo);
#endif
#endif

#ifdef CONFIG_DUMPREGION_INFO
static int __init dr_register_banner(void)
{
	return dr_register_one("banner", linux_banner, strlen(linux_banner) + 1);
}
#else
static int __init dr_register_banner(void)
{
	return 0;
}
#endif

static int __init dr_register_static(const struct dumpregion_static *s)
{
	int __percpu *ids;
	int ret;

	if (!s->percpu)
		return dr_register_one(s->name, s->addr, s->size);
	/* Kept for the whole uptime, like the variable. */
	ids = alloc_percpu(int);
	if (!ids)
		return -ENOMEM;
	ret = dumpregion_register_percpu(s->name,
					 (const void __percpu __force *)s->addr,
					 s->size, ids);
	if (ret) {
		pr_warn("cannot register per-CPU %s (%zu bytes): %d\n", s->name,
			s->size, ret);
		free_percpu(ids);
	}
	return ret;
}

/*
 * The crash_notes pointer and every CPU's note buffer (notes.c), where
 * current debuggers read each CPU's registers.  Registered after kdump's
 * buffers are allocated (subsys_initcall), for the whole uptime.
 */
static int __init dr_register_crash_notes(void)
{
	int __percpu *ids;
	int id, ret;

	if (!crash_notes)
		return 0;
	id = dumpregion_register("crash_notes", &crash_notes,
				 sizeof(crash_notes));
	if (id < 0) {
		ret = id;
		goto err_warn;
	}
	ids = alloc_percpu(int);
	if (!ids) {
		ret = -ENOMEM;
		goto err_unregister;
	}
	ret = dumpregion_register_percpu("crashnote", crash_notes,
					 sizeof(note_buf_t), ids);
	if (ret)
		goto err_free;
	return 0;

err_free:
	free_percpu(ids);
err_unregister:
	dumpregion_unregister(id);
err_warn:
	pr_warn("cannot register crash_notes: %d\n", ret);
	return ret;
}

/* What registering the DUMPREGION_STATIC() entries cost at boot. */
unsigned int dr_static_boot_count;
u64 dr_static_boot_ns;

static int __init dr_clients_init(void)
{
	const struct dumpregion_static *s;
	/* The clocksource may still be jiffies: sched_clock is finer. */
	u64 t0 = local_clock();

	for (s = __start_dumpregion_static; s < __stop_dumpregion_static; s++) {
		dr_register_static(s);
		dr_static_boot_count++;
	}
	dr_static_boot_ns = local_clock() - t0;
	dr_register_banner();
	dr_register_crash_notes();
	dr_register_tasks();
	return 0;
}
subsys_initcall_sync(dr_clients_init);
