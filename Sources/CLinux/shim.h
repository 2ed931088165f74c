// Linux interfaces Glibc's Swift module does not expose: signalfd, prctl, SO_PEERCRED's struct,
// and the wait-status macros.
#ifndef RPCD_CLINUX_SHIM_H
#define RPCD_CLINUX_SHIM_H

#include <fcntl.h>
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

#endif
