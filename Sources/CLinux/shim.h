// Linux interfaces Glibc's Swift module does not expose: signalfd, prctl, SO_PEERCRED's struct,
// and the wait-status macros.
#ifndef RPCD_CLINUX_SHIM_H
#define RPCD_CLINUX_SHIM_H

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>

// prctl(2) is variadic, which Swift cannot call: one fixed-signature wrapper per option used.

// PR_SET_PDEATHSIG: the kernel sends `signal_number` when the parent *thread* that spawned us exits.
static inline int rpcd_set_parent_death_signal(int signal_number) {
    return prctl(PR_SET_PDEATHSIG, (unsigned long)signal_number, 0UL, 0UL, 0UL);
}

// PR_GET_PDEATHSIG stores the current parent-death signal (0 for none) in *signal_number.
static inline int rpcd_set_process_name(const char *name) {
    return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
}

static inline int rpcd_get_parent_death_signal(int *signal_number) {
    return prctl(PR_GET_PDEATHSIG, (unsigned long)signal_number, 0UL, 0UL, 0UL);
}

// struct ucred is only declared under _GNU_SOURCE, which Glibc's Swift module is built without
// (and defining it here would give this module a different view of shared system headers).
// This is its layout from socket(7): pid, uid, gid.
struct rpcd_peer_credentials {
    pid_t pid;
    uid_t uid;
    gid_t gid;
};

// getsockopt(SO_PEERCRED) into the struct above; returns -1 and sets errno like getsockopt.
static inline int rpcd_get_peer_credentials(int descriptor, struct rpcd_peer_credentials *credentials) {
    socklen_t length = (socklen_t)sizeof(*credentials);
    return getsockopt(descriptor, SOL_SOCKET, SO_PEERCRED, credentials, &length);
}

// The wait-status macros are function-like, so Swift cannot import them.
static inline int rpcd_wifexited(int status) { return WIFEXITED(status); }
static inline int rpcd_wexitstatus(int status) { return WEXITSTATUS(status); }
static inline int rpcd_wifsignaled(int status) { return WIFSIGNALED(status); }
static inline int rpcd_wtermsig(int status) { return WTERMSIG(status); }
static inline int rpcd_wcoredump(int status) { return WCOREDUMP(status); }

// glibc 2.34+ has this but declares it only under _GNU_SOURCE. NIO opens its sockets without
// close-on-exec, so a spawned worker must close everything it was not explicitly given.
extern int posix_spawn_file_actions_addclosefrom_np(posix_spawn_file_actions_t *, int);

static inline int rpcd_spawn_close_from(posix_spawn_file_actions_t *actions, int from) {
    return posix_spawn_file_actions_addclosefrom_np(actions, from);
}

// pipe2 is declared only under _GNU_SOURCE too; the daemon's readiness pipe must be close-on-exec
// from the start (workers are spawned while it is open).
extern int pipe2(int pipefd[2], int flags);

static inline int rpcd_pipe_cloexec(int pipefd[2]) {
    return pipe2(pipefd, O_CLOEXEC);
}

// ---- Exec methods: one child per call in its own process group (DESIGN §10.1).

#include <errno.h>
#include <poll.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern int vfork(void);

// pipe2 with any flags (O_CLOEXEC | O_NONBLOCK for exec methods' pipes).
static inline int rpcd_pipe_flags(int pipefd[2], int flags) {
    return pipe2(pipefd, flags);
}

// A pidfd (Linux 5.3+) becomes readable when the process exits, so a poll loop sees the exit
// beside the pipes without SIGCHLD; -1 with errno on failure.
static inline int rpcd_pidfd_open(pid_t pid) {
    return (int)syscall(SYS_pidfd_open, pid, 0);
}

// Spawns `path` (no shell, argv = {path}) with exactly `envp`, stdin/stdout/stderr from the three
// fds, cwd `directory`, in a new process group of its own, with SIGKILL as its parent-death
// signal, an empty signal mask and default dispositions, every other fd closed. Returns the pid,
// or -1 with errno set to the child's failure (chdir, execve...).
//
// posix_spawn cannot set PR_SET_PDEATHSIG, so this is a vfork: the child shares our memory until
// execve, so it only makes async-signal-safe calls and reports a failure through `*child_errno`.
// All signals are blocked around the vfork, so no handler of ours can run in the child.
static inline pid_t rpcd_spawn_in_group(
    const char *path, char *const argv[], char *const envp[], const char *directory,
    int stdin_fd, int stdout_fd, int stderr_fd
) {
    sigset_t all, saved;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &saved);
    volatile int child_errno = 0;
    pid_t parent = getpid();
    pid_t pid = vfork();
    if (pid == 0) {
        struct sigaction dfl;
        dfl.sa_handler = SIG_DFL;
        dfl.sa_flags = 0;
        sigemptyset(&dfl.sa_mask);
        for (int number = 1; number < 65; number++) {
            if (number != SIGKILL && number != SIGSTOP) {
                (void)sigaction(number, &dfl, 0);
            }
        }
        if (setpgid(0, 0) != 0) goto fail;
        if (prctl(PR_SET_PDEATHSIG, (unsigned long)SIGKILL, 0UL, 0UL, 0UL) != 0) goto fail;
        // The parent may have died before prctl: then nobody would ever collect us.
        if (getppid() != parent) _exit(127);
        if (dup2(stdin_fd, 0) < 0 || dup2(stdout_fd, 1) < 0 || dup2(stderr_fd, 2) < 0) goto fail;
        if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) goto fail;
        if (directory != 0 && chdir(directory) != 0) goto fail;
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, 0);
        execve(path, argv, envp);
    fail:
        child_errno = errno;
        _exit(127);
    }
    int spawn_errno = errno;
    pthread_sigmask(SIG_SETMASK, &saved, 0);
    if (pid < 0) {
        errno = spawn_errno;
        return -1;
    }
    if (child_errno != 0) {
        // The child failed before or at execve; collect it so it leaves no zombie.
        int status;
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {}
        errno = child_errno;
        return -1;
    }
    return pid;
}

// The facts of a file the exec scanner checks: type, permission bits, owner. `follow` = stat, else
// lstat. Returns 0, or -1 with errno.
struct rpcd_file_facts {
    unsigned int mode;
    unsigned int uid;
};

static inline int rpcd_file_facts(const char *path, int follow, struct rpcd_file_facts *facts) {
    struct stat info;
    int result = follow ? stat(path, &info) : lstat(path, &info);
    if (result != 0) return -1;
    facts->mode = (unsigned int)info.st_mode;
    facts->uid = (unsigned int)info.st_uid;
    return 0;
}

#endif
