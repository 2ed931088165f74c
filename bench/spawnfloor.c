/* spawnfloor: the floor under an exec method's cost. It does what rpcd must do per call, and
 * nothing else: posix_spawn PROGRAM with pipes on stdin and stdout, write PARAMS, close stdin,
 * read stdout to EOF, waitpid; in a tight loop, in JOBS processes at once, for SECONDS. It
 * prints one JSON line in the shape of bench/load's results (target "floor"), which bench/run
 * appends to the results so that the report can put rpcd's exec calls/s next to it.
 *
 *   spawnfloor SCENARIO JOBS SECONDS PROGRAM PARAMS
 *
 * Build: cc -O2 -o spawnfloor spawnfloor.c */
#define _GNU_SOURCE
#include <fcntl.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

extern char **environ;

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int cmp(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

#define MAX_SAMPLES (1 << 20)

/* One loop; returns the number of calls, fills samples (seconds per call). */
static long loop(const char *program, const char *params, double seconds, double *samples) {
    char *argv[] = {(char *)program, NULL};
    char out[65536];
    long calls = 0;
    double end = now() + seconds;
    while (now() < end) {
        int in[2], res[2];
        if (pipe2(in, O_CLOEXEC) || pipe2(res, O_CLOEXEC)) { perror("spawnfloor: pipe2"); exit(1); }
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, in[0], 0);
        posix_spawn_file_actions_adddup2(&fa, res[1], 1);
        double t0 = now();
        pid_t pid;
        int rc = posix_spawn(&pid, program, &fa, NULL, argv, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(in[0]);
        close(res[1]);
        if (rc != 0) { fprintf(stderr, "spawnfloor: posix_spawn %s: %s\n", program, strerror(rc)); exit(1); }
        if (write(in[1], params, strlen(params)) < 0) { perror("spawnfloor: write"); exit(1); }
        close(in[1]);
        while (read(res[0], out, sizeof out) > 0) {}
        close(res[0]);
        int status;
        if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
            fprintf(stderr, "spawnfloor: %s failed (status %d)\n", program, status);
            exit(1);
        }
        if (calls < MAX_SAMPLES) samples[calls] = now() - t0;
        calls++;
    }
    return calls;
}

int main(int argc, char **argv) {
    if (argc != 6) {
        fprintf(stderr, "usage: spawnfloor SCENARIO JOBS SECONDS PROGRAM PARAMS\n");
        return 2;
    }
    const char *scenario = argv[1], *program = argv[4], *params = argv[5];
    int jobs = atoi(argv[2]);
    double seconds = atof(argv[3]);
    if (jobs < 1 || jobs > 64 || seconds <= 0) { fprintf(stderr, "spawnfloor: bad JOBS or SECONDS\n"); return 2; }
    /* Shared with the children: per job, its call count and its samples. */
    size_t per_job = sizeof(long) + MAX_SAMPLES * sizeof(double);
    char *shared = mmap(NULL, per_job * (size_t)jobs, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (shared == MAP_FAILED) { perror("spawnfloor: mmap"); return 1; }
    for (int j = 0; j < jobs; j++) {
        pid_t pid = fork();
        if (pid < 0) { perror("spawnfloor: fork"); return 1; }
        if (pid == 0) {
            char *mine = shared + per_job * (size_t)j;
            *(long *)mine = loop(program, params, seconds, (double *)(mine + sizeof(long)));
            _exit(0);
        }
    }
    int failed = 0, status;
    while (wait(&status) > 0)
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) failed = 1;
    if (failed) return 1;
    long total = 0, kept = 0;
    for (int j = 0; j < jobs; j++) total += *(long *)(shared + per_job * (size_t)j);
    double *all = malloc(sizeof(double) * (size_t)(total < (long)MAX_SAMPLES * jobs ? total : (long)MAX_SAMPLES * jobs) + 1);
    for (int j = 0; j < jobs; j++) {
        char *mine = shared + per_job * (size_t)j;
        long n = *(long *)mine < MAX_SAMPLES ? *(long *)mine : MAX_SAMPLES;
        memcpy(all + kept, mine + sizeof(long), sizeof(double) * (size_t)n);
        kept += n;
    }
    if (total == 0) { fprintf(stderr, "spawnfloor: no call completed\n"); return 1; }
    qsort(all, (size_t)kept, sizeof(double), cmp);
    printf("{\"scenario\":\"%s\",\"target\":\"floor\",\"mode\":\"spawn\",\"conns\":%d,\"depth\":1,"
           "\"duration_s\":%g,\"requests\":%ld,\"req_per_s\":%.1f,\"latency_of\":\"request\","
           "\"p50_us\":%.1f,\"p99_us\":%.1f,\"max_us\":%.1f,\"errors\":0,\"client_cores\":0,\"other_cores\":0,\"steal_cores\":0}\n",
           scenario, jobs, seconds, total, (double)total / seconds, all[kept / 2] * 1e6,
           all[(long)((double)kept * 0.99)] * 1e6, all[kept - 1] * 1e6);
    return 0;
}
