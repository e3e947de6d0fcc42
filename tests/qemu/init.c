// SPDX-License-Identifier: GPL-2.0-only
/*
 * /init of the end-to-end test guest: mount what the tests read, run the
 * step named by "e2e.step=" on the kernel command line (regions, pstore,
 * bench, bench-panic), print what the host checks between markers on the
 * console, then crash the kernel
 * ("e2e.crash": sysrq c; "e2e.crash=module": a child process named
 * e2e-crasher asks the test module to panic) or power off.
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/reboot.h>
#include <sys/wait.h>
#include <unistd.h>

static void cat(const char *tag, const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd;

	printf("E2E-BEGIN %s\n", tag);
	fflush(stdout);
	fd = open(path, O_RDONLY);
	if (fd < 0) {
		printf("E2E-ERROR cannot open %s\n", path);
	} else {
		while ((n = read(fd, buf, sizeof(buf))) > 0)
			fwrite(buf, 1, n, stdout);
		close(fd);
	}
	printf("E2E-END %s\n", tag);
	fflush(stdout);
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	int ok;

	if (fd < 0)
		return -1;
	ok = write(fd, s, strlen(s)) == (ssize_t)strlen(s);
	close(fd);
	return ok ? 0 : -1;
}

/* After a warm reboot: what ramoops recovered, one section per file. */
static void show_pstore(void)
{
	char path[512], tag[300];
	struct dirent *e;
	DIR *d;

	if (mount("pstore", "/sys/fs/pstore", "pstore", 0, NULL))
		printf("E2E-ERROR cannot mount pstore\n");
	d = opendir("/sys/fs/pstore");
	if (!d)
		return;
	while ((e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/sys/fs/pstore/%s", e->d_name);
		snprintf(tag, sizeof(tag), "pstore:%s", e->d_name);
		cat(tag, path);
	}
	closedir(d);
}

int main(void)
{
	char cmdline[1024] = "", line[128];
	int fd;

	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	fd = open("/proc/cmdline", O_RDONLY);
	if (fd >= 0) {
		if (read(fd, cmdline, sizeof(cmdline) - 1) < 0)
			cmdline[0] = 0;
		close(fd);
	}

	if (strstr(cmdline, "e2e.step=regions")) {
		if (write_file("/sys/kernel/debug/dumpregion_e2e/ctl", "setup"))
			printf("E2E-ERROR setup failed\n");
		cat("expected", "/sys/kernel/debug/dumpregion_e2e/expected");
		cat("regions", "/sys/kernel/debug/dumpregion/regions");
		cat("total", "/sys/kernel/debug/dumpregion/total");
	}
	/* The host stops the machine at random moments meanwhile. */
	if (strstr(cmdline, "e2e.step=churn")) {
		printf("E2E-CHURN start\n");
		fflush(stdout);
		if (write_file("/sys/kernel/debug/dumpregion_e2e/ctl", "churn"))
			printf("E2E-ERROR churn failed\n");
		printf("E2E-CHURN end\n");
	}
	if (strstr(cmdline, "e2e.step=pstore"))
		show_pstore();
	/* make bench: the in-kernel benchmark, "full" or "panic" only. */
	if (strstr(cmdline, "e2e.step=bench")) {
		if (write_file("/sys/kernel/debug/dumpregion_bench/run",
			       strstr(cmdline, "e2e.step=bench-panic") ? "panic" : "full"))
			printf("E2E-ERROR the benchmark failed\n");
		cat("bench", "/sys/kernel/debug/dumpregion_bench/result");
	}
	if (strstr(cmdline, "e2e.pmsg")) {
		snprintf(line, sizeof(line), "E2E pmsg line from pid %d\n", getpid());
		if (write_file("/dev/pmsg0", line))
			printf("E2E-ERROR cannot write /dev/pmsg0\n");
	}
	cat("providers", "/sys/kernel/debug/dumpregion/providers");
	printf("E2E-DONE\n");
	fflush(stdout);
	sync();
	/* With panic=-1 and -no-reboot, QEMU stops at the panic. */
	if (strstr(cmdline, "e2e.crash=irq")) {
		/*
		 * A task busy on CPU 1 (e2e-spin1), interrupted there by an
		 * IPI whose handler panics, sent by e2e-crasher on CPU 0,
		 * which waits for it: every CPU runs a task with a pid.
		 */
		pid_t spin = fork();
		cpu_set_t set;

		if (spin == 0) {
			prctl(PR_SET_NAME, "e2e-spin1");
			CPU_ZERO(&set);
			CPU_SET(1, &set);
			sched_setaffinity(0, sizeof(set), &set);
			for (;;)
				;
		}
		printf("E2E-SPINNER pid=%d\n", spin);
		fflush(stdout);
		if (spin > 0 && fork() == 0) {
			prctl(PR_SET_NAME, "e2e-crasher");
			CPU_ZERO(&set);
			CPU_SET(0, &set);
			sched_setaffinity(0, sizeof(set), &set);
			printf("E2E-CRASHER pid=%d\n", getpid());
			fflush(stdout);
			sleep(1);
			write_file("/sys/kernel/debug/dumpregion_e2e/ctl", "panic-irq 1");
			_exit(1);
		}
		wait(NULL);
		if (spin > 0)
			kill(spin, SIGKILL);
	} else if (strstr(cmdline, "e2e.crash=module")) {
		pid_t pid = fork();

		if (pid == 0) {
			prctl(PR_SET_NAME, "e2e-crasher");
			printf("E2E-CRASHER pid=%d\n", getpid());
			fflush(stdout);
			write_file("/sys/kernel/debug/dumpregion_e2e/ctl", "panic");
			_exit(1);
		}
		if (pid > 0)
			waitpid(pid, NULL, 0);
	} else if (strstr(cmdline, "e2e.crash") &&
		   write_file("/proc/sys/kernel/sysrq", "1") == 0) {
		write_file("/proc/sysrq-trigger", "c");
	} else if (strstr(cmdline, "e2e.poweroff")) {
		/* A clean shutdown: providers withdraw their tables. */
		reboot(RB_POWER_OFF);
	}
	/*
	 * Otherwise a reset without shutdown, as a watchdog or firmware would
	 * do it: the tables stay for the collector.
	 */
	if (write_file("/proc/sys/kernel/sysrq", "1") == 0)
		write_file("/proc/sysrq-trigger", "b");
	reboot(RB_POWER_OFF);
	return 0;
}
