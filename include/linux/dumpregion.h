/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Dump regions: tell crash-dump firmware which memory matters.
 *
 * Client interface.  Kernel code registers a named region of memory; every
 * dump provider (see <linux/dumpregion/provider.h>) publishes it in its
 * firmware's format so the region is saved when the machine crashes.
 *
 * A region is identified by a positive id returned at registration.  Ids are
 * not reused until the id space wraps, so a stale id is reported as -ENOENT
 * rather than acting on another region.  Only its owner may move or remove a
 * region: the module that registered it, or built-in code for a region that
 * built-in code registered (the macros at the end pass THIS_MODULE).  Any
 * other caller gets -EPERM, and so does everyone for the core's own KELF
 * index.
 *
 * When CONFIG_DUMPREGION is off, registration and the other calls succeed
 * and do nothing: code that describes its memory for dumps need not care
 * whether the kernel can dump it.
 */
#ifndef _LINUX_DUMPREGION_H
#define _LINUX_DUMPREGION_H

#include <linux/build_bug.h>
#include <linux/compiler_types.h>
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/types.h>

struct device;
struct module;

/* Longest region name, including the terminating NUL. */
#define DUMPREGION_NAME_MAX	32

#ifdef CONFIG_DUMPREGION

int __dumpregion_register(struct module *owner, const char *name,
			  const void *addr, size_t size);
int __dumpregion_register_phys(struct module *owner, const char *name,
			       phys_addr_t phys, size_t size);
int __dumpregion_register_movable(struct module *owner, const char *name,
				  const void *addr, size_t size);
int __dumpregion_register_percpu(struct module *owner, const char *name,
				 const void __percpu *ptr, size_t size,
				 int __percpu *ids);
int __devm_dumpregion_register(struct module *owner, struct device *dev,
			       const char *name, const void *addr, size_t size);
int __dumpregion_unregister(struct module *owner, int id);
void __dumpregion_unregister_percpu(struct module *owner, int __percpu *ids);
int __dumpregion_update(struct module *owner, int id, const void *addr,
			size_t size);
int __dumpregion_update_atomic(struct module *owner, int id, const void *addr,
			       size_t size);

#else /* !CONFIG_DUMPREGION */

static inline int __dumpregion_register(struct module *owner, const char *name,
					const void *addr, size_t size)
{
	return 0;
}

static inline int __dumpregion_register_phys(struct module *owner,
					     const char *name,
					     phys_addr_t phys, size_t size)
{
	return 0;
}

static inline int __dumpregion_register_movable(struct module *owner,
						const char *name,
						const void *addr, size_t size)
{
	return 0;
}

static inline int __dumpregion_register_percpu(struct module *owner,
					       const char *name,
					       const void __percpu *ptr,
					       size_t size, int __percpu *ids)
{
	return 0;
}

static inline int __devm_dumpregion_register(struct module *owner,
					     struct device *dev,
					     const char *name,
					     const void *addr, size_t size)
{
	return 0;
}

static inline int __dumpregion_unregister(struct module *owner, int id)
{
	return 0;
}

static inline void __dumpregion_unregister_percpu(struct module *owner,
						  int __percpu *ids)
{
}

static inline int __dumpregion_update(struct module *owner, int id,
				      const void *addr, size_t size)
{
	return 0;
}

static inline int __dumpregion_update_atomic(struct module *owner, int id,
					     const void *addr, size_t size)
{
	return 0;
}

#endif /* CONFIG_DUMPREGION */

/**
 * struct dumpregion_static - a built-in variable to register at boot
 * @name: region name
 * @addr: the variable (for a per-CPU variable, its per-CPU address)
 * @size: its size in bytes
 * @percpu: @addr is a per-CPU variable: one region per possible CPU
 *
 * Emitted by DUMPREGION_STATIC() and DUMPREGION_STATIC_PERCPU() into the
 * .dumpregion_static section; the core registers every entry once it is
 * up.
 */
struct dumpregion_static {
	const char *name;
	const void *addr;
	size_t size;
	bool percpu;
};

#if defined(CONFIG_DUMPREGION) && !defined(MODULE)
#define __DUMPREGION_STATIC(var, rname, pcpu)				\
	static const struct dumpregion_static __dumpregion_static_##var	\
	__used __section(".dumpregion_static") __aligned(8) = {	\
		.name = rname,						\
		.addr = (const void __force *)&(var),			\
		.size = sizeof(var),					\
		.percpu = pcpu,						\
	}

/**
 * DUMPREGION_STATIC() - register a built-in variable without a call
 * @var: the variable (any type whose size sizeof() knows)
 * @rname: region name, a string literal
 *
 * Placed at file scope next to the variable's definition, this registers
 * @var as a dump region when the core initialises (subsys_initcall_sync),
 * so code need not call dumpregion_register() from an init function of
 * its own.  Variables that live in the kernel image stay registered for
 * the whole uptime.  Only for code built into the kernel: modules call
 * dumpregion_register().
 */
#define DUMPREGION_STATIC(var, rname)	__DUMPREGION_STATIC(var, rname, false)

/**
 * DUMPREGION_STATIC_PERCPU() - register a built-in per-CPU variable
 * @var: the per-CPU variable
 * @rname: base region name, a string literal; CPU n's copy is "<rname>.<n>"
 *
 * As DUMPREGION_STATIC(), for a variable defined with DEFINE_PER_CPU().
 */
#define DUMPREGION_STATIC_PERCPU(var, rname)				\
	__DUMPREGION_STATIC(var, rname, true)
#elif defined(MODULE)
#define DUMPREGION_STATIC(var, rname)					\
	static_assert(!sizeof(var) && sizeof(rname),			\
		      "modules call dumpregion_register()")
#define DUMPREGION_STATIC_PERCPU(var, rname)	DUMPREGION_STATIC(var, rname)
#else
#define DUMPREGION_STATIC(var, rname)					\
	static_assert(sizeof(var) > 0 && sizeof(rname) > 1)
#define DUMPREGION_STATIC_PERCPU(var, rname)	DUMPREGION_STATIC(var, rname)
#endif

/*
 * The registering module owns its regions: they are removed when it
 * unloads, so no firmware table is left pointing at freed module memory,
 * and only it may move or remove them.
 */
#define dumpregion_register(name, addr, size) \
	__dumpregion_register(THIS_MODULE, name, addr, size)
#define dumpregion_register_phys(name, phys, size) \
	__dumpregion_register_phys(THIS_MODULE, name, phys, size)
#define dumpregion_register_movable(name, addr, size) \
	__dumpregion_register_movable(THIS_MODULE, name, addr, size)
#define dumpregion_register_percpu(name, ptr, size, ids) \
	__dumpregion_register_percpu(THIS_MODULE, name, ptr, size, ids)
#define devm_dumpregion_register(dev, name, addr, size) \
	__devm_dumpregion_register(THIS_MODULE, dev, name, addr, size)
#define dumpregion_unregister(id) \
	__dumpregion_unregister(THIS_MODULE, id)
#define dumpregion_unregister_percpu(ids) \
	__dumpregion_unregister_percpu(THIS_MODULE, ids)
#define dumpregion_update(id, addr, size) \
	__dumpregion_update(THIS_MODULE, id, addr, size)
#define dumpregion_update_atomic(id, addr, size) \
	__dumpregion_update_atomic(THIS_MODULE, id, addr, size)

#endif /* _LINUX_DUMPREGION_H */
