/* SPDX-License-Identifier: MIT */
/*
 * measure.c: runs commands, interleaved, and prints the median CPU
 * (user+sys), wall time and peak RSS of each, from wait4()'s rusage.
 *
 *   measure [-n RUNS] [-w WARMUP] [-s] [-p PID,...] NAME CMD [ARG...] [:: NAME CMD [ARG...]]...
 *
 * Each round runs every command once, starting from a different one each
 * round so no command always runs first. Children get /dev/null as stdin,
 * stdout and stderr. wait4() counts the child and every descendant it waited
 * for (a shell script's curl and jq); ru_maxrss is the largest single
 * process. This parent is small and forks from itself, so little of its own
 * RSS reaches the children's ru_maxrss (a child forked from Python keeps
 * Python's). One line per command on stdout:
 *
 *   NAME runs=R fail=F cpu_ms=MED wall_ms=MED rss_kib=MED cpu_min=..
 *        wall_min=.. rss_max=.. cpu_max=.. wall_max=.. peer_ms=MED
 *        peer_max=.. peer_core=..
 *
 * -p names peer processes (the fake servers): their CPU time (utime+stime
 * from /proc/PID/stat, so clock-tick resolution) is read before and after
 * each run; peer_ms is what they used during a run of NAME, peer_core the
 * share of a core they used over all runs of NAME (their CPU over the wall
 * time: summed, so the clock tick's coarseness averages out). -s also prints every
 * sample on stderr. Exit 0 when every run exited 0.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct cmd {
	const char *name;
	char **argv;
	double *cpu, *wall, *rss, *peer;
	int fails, n;
};

static int peers[16], n_peers;

/* The peers' CPU time so far, in ms (0 for a peer that is gone). */
static double peers_cpu_ms(void)
{
	static long tck;
	double total = 0;
	char path[64], buf[1024], *p;
	unsigned long ut, st;
	int i, j;
	FILE *f;

	if (tck == 0)
		tck = sysconf(_SC_CLK_TCK);
	for (i = 0; i < n_peers; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", peers[i]);
		f = fopen(path, "r");
		if (f == NULL)
			continue;
		if (fgets(buf, sizeof(buf), f) != NULL &&
		    (p = strrchr(buf, ')')) != NULL) {
			/* fields after "(comm)": 3 state ... 14 utime 15 stime */
			for (j = 0; j < 12 && p != NULL; j++)
				p = strchr(p + 1, ' ');
			if (p != NULL && sscanf(p, " %lu %lu", &ut, &st) == 2)
				total += (double)(ut + st) * 1000.0 / (double)tck;
		}
		fclose(f);
	}
	return total;
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof(*v), cmp_double);
	if (n == 0)
		return 0;
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Runs one command; returns its exit status or -1 if it could not run. */
static int run_one(struct cmd *c, int record, int samples)
{
	struct rusage ru;
	double t0, t1, cpu, peer0 = peers_cpu_ms(), peer;
	int status, fd;
	pid_t pid;

	t0 = now_ms();
	pid = fork();
	if (pid < 0) {
		perror("measure: fork");
		return -1;
	}
	if (pid == 0) {
		fd = open("/dev/null", O_RDWR);
		if (fd >= 0) {
			dup2(fd, 0);
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(c->argv[0], c->argv);
		_exit(127);
	}
	while (wait4(pid, &status, 0, &ru) < 0) {
		if (errno != EINTR) {
			perror("measure: wait4");
			return -1;
		}
	}
	t1 = now_ms();
	peer = peers_cpu_ms() - peer0;
	cpu = ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
	      ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
	status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	if (samples)
		fprintf(stderr, "%s%s status=%d cpu_ms=%.3f wall_ms=%.3f rss_kib=%ld\n",
			c->name, record ? "" : " (warmup)", status, cpu, t1 - t0,
			ru.ru_maxrss);
	if (!record)
		return status;
	if (status != 0)
		c->fails++;
	c->cpu[c->n] = cpu;
	c->wall[c->n] = t1 - t0;
	c->rss[c->n] = (double)ru.ru_maxrss;
	c->peer[c->n] = peer;
	c->n++;
	return status;
}

static void usage(void)
{
	fprintf(stderr, "usage: measure [-n RUNS] [-w WARMUP] [-s] [-p PID,...] NAME CMD [ARG...]"
			" [:: NAME CMD [ARG...]]...\n");
	exit(64);
}

int main(int argc, char **argv)
{
	struct cmd cmds[32];
	int runs = 20, warmup = 1, samples = 0, ncmd = 0, i, r, opt, bad = 0;

	while ((opt = getopt(argc, argv, "+n:w:sp:")) != -1) {
		if (opt == 'p') {
			char *tok = strtok(optarg, ",");

			for (; tok != NULL && n_peers < 16; tok = strtok(NULL, ","))
				peers[n_peers++] = atoi(tok);
		} else if (opt == 'n')
			runs = atoi(optarg);
		else if (opt == 'w')
			warmup = atoi(optarg);
		else if (opt == 's')
			samples = 1;
		else
			usage();
	}
	if (runs < 1 || warmup < 0)
		usage();
	for (i = optind; i < argc;) {
		struct cmd *c;
		int j;

		if (ncmd == 32 || i + 1 >= argc || strcmp(argv[i + 1], "::") == 0)
			usage();
		c = &cmds[ncmd++];
		memset(c, 0, sizeof(*c));
		c->name = argv[i];
		c->argv = &argv[i + 1];
		for (j = i + 1; j < argc && strcmp(argv[j], "::") != 0; j++)
			;
		argv[j < argc ? j : argc] = NULL; /* ends this command's argv */
		i = j + 1;
		c->cpu = calloc((size_t)runs, sizeof(double));
		c->wall = calloc((size_t)runs, sizeof(double));
		c->rss = calloc((size_t)runs, sizeof(double));
		c->peer = calloc((size_t)runs, sizeof(double));
		if (!c->cpu || !c->wall || !c->rss || !c->peer) {
			fprintf(stderr, "measure: out of memory\n");
			return 71;
		}
	}
	if (ncmd == 0)
		usage();
	for (r = 0; r < warmup + runs; r++)
		for (i = 0; i < ncmd; i++)
			if (run_one(&cmds[(i + r) % ncmd], r >= warmup, samples) < 0)
				return 71;
	for (i = 0; i < ncmd; i++) {
		struct cmd *c = &cmds[i];
		double cpu_min, cpu_max, wall_min, wall_max, rss_max, peer_max;
		double peer_sum, wall_sum, core;

		qsort(c->rss, (size_t)c->n, sizeof(double), cmp_double);
		rss_max = c->rss[c->n - 1];
		qsort(c->cpu, (size_t)c->n, sizeof(double), cmp_double);
		cpu_min = c->cpu[0];
		cpu_max = c->cpu[c->n - 1];
		qsort(c->wall, (size_t)c->n, sizeof(double), cmp_double);
		wall_min = c->wall[0];
		wall_max = c->wall[c->n - 1];
		qsort(c->peer, (size_t)c->n, sizeof(double), cmp_double);
		peer_max = c->peer[c->n - 1];
		for (r = 0, peer_sum = 0, wall_sum = 0; r < c->n; r++) {
			peer_sum += c->peer[r];
			wall_sum += c->wall[r];
		}
		core = wall_sum > 0 ? peer_sum / wall_sum : 0;
		printf("%s runs=%d fail=%d cpu_ms=%.3f wall_ms=%.3f rss_kib=%.0f"
		       " cpu_min=%.3f wall_min=%.3f rss_max=%.0f cpu_max=%.3f"
		       " wall_max=%.3f peer_ms=%.1f peer_max=%.1f peer_core=%.3f\n",
		       c->name, c->n, c->fails, median(c->cpu, c->n),
		       median(c->wall, c->n), median(c->rss, c->n), cpu_min,
		       wall_min, rss_max, cpu_max, wall_max,
		       median(c->peer, c->n), peer_max, core);
		bad |= c->fails != 0;
	}
	return bad;
}
