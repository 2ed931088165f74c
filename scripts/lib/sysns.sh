# shellcheck shell=bash
# sysns.sh: boot a real systemd as PID 1 in throw-away namespaces and drive it, for tests of
# rpcd's systemd units. Source it from bash; needs root, util-linux (unshare, nsenter) and
# systemd installed (not running: this host's PID 1 may be anything).
#
#   source scripts/lib/sysns.sh
#   sysns_boot                     # sets SYSNS_DIR, SYSNS_PID1; registers nothing itself
#   trap sysns_teardown EXIT       # always: kills PID 1, removes mounts, cgroup, temp dir
#   sysns_exec systemctl start foo.socket
#   sysns_put /usr/bin/foo 0755 < ./foo
#
# What the namespace looks like (and why):
# - New PID, mount, network, UTS, IPC and cgroup namespaces (unshare). systemd runs with
#   container=rpcd-test, so it behaves as in a container: no hardware, kernel command line,
#   hostname or kmsg business.
# - Mount propagation private. Fresh tmpfs on /tmp, /run and /dev (device nodes made by hand,
#   a new devpts instance); fresh sysfs (read-only); /proc/sys and /proc/sysrq-trigger
#   read-only, so nothing in there can change host-global kernel settings (systemd as PID 1
#   raises limits such as fs.nr_open there).
# - overlayfs over /etc, /usr and /var: the host directories are the lower layers, so the test
#   can install binaries, units or a .deb without touching the host. The /etc and /usr upper
#   layers live in SYSNS_DIR (on disk, kept with SYSNS_KEEP=1 for a post-mortem); /var's upper
#   layer must be a tmpfs, because SYSNS_DIR is itself under /var (the kernel refuses an
#   upper layer inside its own lower layer: "overlapping layers"). Debian 12 is merged-usr
#   (/lib -> usr/lib), so /lib/systemd/system is in the /usr overlay. Everything else of the
#   host's root file system (/root, /home, /opt, /srv, ...) is read-only inside.
# - cgroups: this host may have only a hybrid hierarchy (cgroup v1 controllers plus a bare
#   cgroup2 at /sys/fs/cgroup/unified). We make a cgroup in the host's cgroup2 hierarchy, move
#   the namespace's first process into it, unshare the cgroup namespace there and mount
#   cgroup2 on /sys/fs/cgroup inside: systemd sees a writable, pure unified hierarchy rooted
#   at our cgroup. Controllers bound to v1 (memory, pids, cpu) are not available to it; that
#   only disables resource limits, not process tracking, killing or watchdogs. (Tested on a
#   hybrid host without systemd. On a host run by systemd, call it from a delegated scope,
#   e.g. `systemd-run --scope -p Delegate=yes scripts/systemd-e2e ...`.)
# - The default target is sysns.target (DefaultDependencies=no) wanting only journald.
#   sysinit.target is replaced by an empty unit and everything in its .wants directories is
#   masked: services and sockets with default dependencies require sysinit.target, and the
#   real one would run systemd-tmpfiles (wiping /tmp), sysctl, binfmt, modules-load etc.
#   Generators are disabled (SYSTEMD_GENERATOR_PATH points at an empty directory).
# - Nothing persists: DynamicUser= state (/var/lib/private, /run/systemd/dynamic-uid), the
#   journal (volatile, /run/log/journal) and PrivateTmp= directories all land in the tmpfs or
#   overlay layers and vanish with the namespace.
# - Teardown is SIGKILL to the namespace's PID 1 (by pid, only while it is still our unshare's
#   child), which the kernel turns into SIGKILL for every process inside; then the cgroups and
#   SYSNS_DIR are removed. If the calling shell dies without running its trap, unshare gets
#   SIGKILL (setpriv --pdeathsig) and takes the namespace with it.

SYSNS_DIR=${SYSNS_DIR:-}
SYSNS_PID1=${SYSNS_PID1:-}
SYSNS_UNSHARE_PID=${SYSNS_UNSHARE_PID:-}
SYSNS_CGROUP=${SYSNS_CGROUP:-}
SYSNS_TARGET=sysns.target
SYSNS_PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

sysns_log() { printf '# sysns: %s\n' "$*" >&2; }

# sysns_cgroup2_root: the host's cgroup2 mount point (pure v2 or the hybrid "unified" one).
sysns_cgroup2_root() {
    if [ "$(stat -fc %T /sys/fs/cgroup 2>/dev/null)" = cgroup2fs ]; then
        echo /sys/fs/cgroup
    elif [ "$(stat -fc %T /sys/fs/cgroup/unified 2>/dev/null)" = cgroup2fs ]; then
        echo /sys/fs/cgroup/unified
    else
        return 1
    fi
}

# The script PID 1 runs inside the new namespaces before it execs systemd. Arguments: SYSNS_DIR.
# shellcheck disable=SC2016
_sysns_inner_script() {
    cat <<'INNER'
set -euo pipefail
D=$1
mount --make-rprivate /
# Logs on a mount of their own: / becomes read-only below, which a file open for writing on
# it would prevent (EBUSY). Opened now: after the /var overlay, "$D/..." resolves inside it.
mkdir -p "$D/logs"
mount --bind "$D/logs" "$D/logs"
exec >>"$D/logs/boot.log" 2>&1
exec 3>>"$D/logs/systemd.log"

# Kernel interfaces: read-only where they are host-global.
mount --bind /proc/sys /proc/sys
mount -o remount,bind,ro,nosuid,nodev,noexec /proc/sys
if [ -e /proc/sysrq-trigger ]; then
    mount --bind /proc/sysrq-trigger /proc/sysrq-trigger
    mount -o remount,bind,ro /proc/sysrq-trigger
fi
mount -t sysfs -o ro,nosuid,nodev,noexec sysfs /sys
mount -t cgroup2 -o rw,nosuid,nodev,noexec cgroup2 /sys/fs/cgroup

# Upper layers (see the header of sysns.sh) and overlays. /var last: once it is mounted,
# paths under D resolve through it.
mkdir -p "$D/layers/var"
mount -t tmpfs -o mode=0700 sysns-var "$D/layers/var"
for dir in etc usr var; do
    mkdir -p "$D/layers/$dir/upper" "$D/layers/$dir/work"
done
for dir in etc usr var; do
    mount -t overlay "sysns-$dir" \
        -o "lowerdir=/$dir,upperdir=$D/layers/$dir/upper,workdir=$D/layers/$dir/work" "/$dir"
done

# Everything not overlaid (/root, /home, /opt, /srv, /work, ...) is the host's: read-only
# here. (The overlays keep their own reference to the upper layers' mount, still writable.)
mount -o remount,bind,ro /

mount -t tmpfs -o mode=1777,nosuid,nodev sysns-tmp /tmp
mount -t tmpfs -o mode=0755,nosuid,nodev sysns-run /run

# A private /dev: a few nodes, new devpts, shm, mqueue. /dev/console is a null device: systemd
# wants one in a container; its messages go to the journal instead.
devdir=$(mktemp -d /tmp/sysns-dev.XXXXXX)
mount -t tmpfs -o mode=0755,nosuid sysns-dev "$devdir"
mknod -m 0666 "$devdir/null" c 1 3
mknod -m 0666 "$devdir/zero" c 1 5
mknod -m 0666 "$devdir/full" c 1 7
mknod -m 0666 "$devdir/random" c 1 8
mknod -m 0666 "$devdir/urandom" c 1 9
mknod -m 0666 "$devdir/tty" c 5 0
mknod -m 0600 "$devdir/console" c 1 3
mkdir -m 0755 "$devdir/pts" "$devdir/mqueue"
mkdir -m 1777 "$devdir/shm"
ln -s pts/ptmx "$devdir/ptmx"
ln -s /proc/self/fd "$devdir/fd"
ln -s /proc/self/fd/0 "$devdir/stdin"
ln -s /proc/self/fd/1 "$devdir/stdout"
ln -s /proc/self/fd/2 "$devdir/stderr"
mount --move "$devdir" /dev
rmdir "$devdir"
mount -t devpts -o newinstance,ptmxmode=0666,mode=0620,gid=5,nosuid,noexec devpts /dev/pts
mount -t tmpfs -o mode=1777,nosuid,nodev sysns-shm /dev/shm
mount -t mqueue -o nosuid,nodev,noexec mqueue /dev/mqueue

# Units: the boot target, an empty sysinit.target, masks for what sysinit.target wants.
U=/etc/systemd/system
mkdir -p "$U"
cat >"$U/sysns.target" <<'EOF'
[Unit]
Description=sysns test target (no sysinit.target)
DefaultDependencies=no
Wants=systemd-journald.socket systemd-journald.service
After=systemd-journald.socket systemd-journald.service
AllowIsolate=yes
EOF
cat >"$U/sysinit.target" <<'EOF'
[Unit]
Description=System Initialization (empty in the sysns test namespace)
DefaultDependencies=no
EOF
for wants in /etc/systemd/system/sysinit.target.wants /usr/lib/systemd/system/sysinit.target.wants \
             /usr/local/lib/systemd/system/sysinit.target.wants; do
    [ -d "$wants" ] || continue
    for unit in "$wants"/*; do
        [ -e "$unit" ] || [ -L "$unit" ] || continue
        name=${unit##*/}
        case $name in systemd-journald.service) continue ;; esac
        ln -sfn /dev/null "$U/$name"
    done
done
rm -rf /etc/systemd/system/sysinit.target.wants
# Never the real tmpfiles cleanup or kernel settings, whatever pulls them in.
for name in systemd-tmpfiles-setup.service systemd-tmpfiles-setup-dev.service \
            systemd-tmpfiles-clean.service systemd-tmpfiles-clean.timer systemd-sysctl.service \
            systemd-binfmt.service systemd-modules-load.service systemd-udevd.service \
            systemd-udev-trigger.service systemd-remount-fs.service systemd-random-seed.service \
            systemd-timesyncd.service systemd-networkd.service systemd-resolved.service \
            local-fs.target swap.target cryptsetup.target; do
    ln -sfn /dev/null "$U/$name"
done
mkdir -p /etc/systemd/journald.conf.d
printf '[Journal]\nStorage=volatile\nRateLimitBurst=0\n' >/etc/systemd/journald.conf.d/sysns.conf
mkdir -p /run/sysns/no-generators

# The loopback interface of the new network namespace (systemd would also do it).
ip link set lo up 2>/dev/null || true

echo "sysns: exec systemd"
export container=rpcd-test
export SYSTEMD_GENERATOR_PATH=/run/sysns/no-generators
export SYSTEMD_ENVIRONMENT_GENERATOR_PATH=/run/sysns/no-generators
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
cd /
exec /lib/systemd/systemd --system --unit=sysns.target --log-level=info \
    </dev/null >&3 2>&3 3>&-
INNER
}

# sysns_boot [TIMEOUT]: create SYSNS_DIR (unless set), boot systemd, wait until it answers.
sysns_boot() {
    local timeout=${1:-20} cg2 inner i
    [ "$(id -u)" = 0 ] || { sysns_log "needs root"; return 1; }
    if [ -z "$SYSNS_DIR" ]; then
        SYSNS_DIR=$(mktemp -d /var/tmp/sysns.XXXXXX)
    fi
    mkdir -p "$SYSNS_DIR"
    cg2=$(sysns_cgroup2_root) || { sysns_log "no cgroup2 hierarchy on this host"; return 1; }
    SYSNS_CGROUP="$cg2/${SYSNS_DIR##*/}"
    mkdir "$SYSNS_CGROUP"
    inner="$SYSNS_DIR/inner.sh"
    _sysns_inner_script >"$inner"

    # The launcher moves itself into the cgroup, then becomes unshare, whose forked child
    # (PID 1 inside) runs the inner script and execs systemd. --kill-child: if unshare dies,
    # the namespace's PID 1 gets SIGKILL and with it everything inside; setpriv --pdeathsig:
    # unshare dies with the calling shell, even one killed by SIGKILL (no trap runs then).
    bash -c 'echo $$ >"$1/cgroup.procs" && exec setpriv --pdeathsig KILL unshare --pid --fork --kill-child=SIGKILL \
        --mount --propagation private --mount-proc --net --uts --ipc --cgroup \
        env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin bash "$2" "$3"' \
        sysns-launch "$SYSNS_CGROUP" "$inner" "$SYSNS_DIR" \
        </dev/null >>"$SYSNS_DIR/launch.log" 2>&1 &
    SYSNS_UNSHARE_PID=$!

    # PID 1's host pid: unshare's only child.
    SYSNS_PID1=
    for ((i = 0; i < 100; i++)); do
        SYSNS_PID1=$(awk '{print $1}' "/proc/$SYSNS_UNSHARE_PID/task/$SYSNS_UNSHARE_PID/children" 2>/dev/null)
        [ -n "$SYSNS_PID1" ] && break
        kill -0 "$SYSNS_UNSHARE_PID" 2>/dev/null || break
        sleep 0.05
    done
    if [ -z "$SYSNS_PID1" ]; then
        sysns_log "namespace did not start; launch.log:"; cat "$SYSNS_DIR/launch.log" >&2
        return 1
    fi

    # Up = the manager answers on its private bus socket. is-system-running --wait would never
    # say "running" here (no sysinit.target, no multi-user.target).
    for ((i = 0; i < timeout * 10; i++)); do
        if sysns_exec_quiet systemctl is-active --quiet "$SYSNS_TARGET"; then
            return 0
        fi
        if ! kill -0 "$SYSNS_PID1" 2>/dev/null; then
            sysns_log "systemd exited during boot"; sysns_dump_logs; return 1
        fi
        sleep 0.1
    done
    sysns_log "systemd did not reach $SYSNS_TARGET within ${timeout}s"
    sysns_dump_logs
    return 1
}

sysns_dump_logs() {
    local f
    for f in logs/boot.log logs/systemd.log launch.log; do
        [ -s "$SYSNS_DIR/$f" ] || continue
        sysns_log "---- $f (last 40 lines)"
        tail -n 40 "$SYSNS_DIR/$f" | sed 's/^/#   /' >&2
    done
}

# sysns_exec CMD...: run CMD inside (as root, in the namespace's PID, mount, network, UTS, IPC
# and cgroup namespaces; it stays in the host's cgroup, i.e. outside systemd's tree), with a
# clean environment, killed after SYSNS_TIMEOUT seconds (default 60).
sysns_exec() {
    [ -n "$SYSNS_PID1" ] || { sysns_log "not booted"; return 1; }
    timeout -k 2 "${SYSNS_TIMEOUT:-60}" \
        nsenter --target "$SYSNS_PID1" --pid --mount --net --uts --ipc --cgroup -- \
        env -i PATH="$SYSNS_PATH" HOME=/root LANG=C.UTF-8 TERM=dumb SYSTEMD_PAGER= \
        SYSTEMD_COLORS=0 "$@"
}
sysns_exec_quiet() { sysns_exec "$@" >/dev/null 2>&1; }

# sysns_put PATH [MODE] < content: write a file inside. PATH must be under /etc, /usr (/lib,
# /bin, /sbin), /var, /run or /tmp: the rest of the file system is the host's, read-only.
sysns_put() {
    local path=$1 mode=${2:-0644}
    # shellcheck disable=SC2016 # expanded by the inner sh
    sysns_exec sh -c 'mkdir -p "$(dirname "$1")" && cat >"$1" && chmod "$2" "$1"' sysns-put "$path" "$mode"
}

# sysns_wait TIMEOUT CMD...: poll CMD (run on the host side; wrap in sysns_exec yourself)
# every 0.1 s until it succeeds; non-zero after TIMEOUT seconds.
sysns_wait() {
    local timeout=$1 i
    shift
    for ((i = 0; i < ${timeout%.*} * 10 + 1; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

# sysns_teardown: stop everything this library started, by pid, and remove what it made.
# Safe to call more than once and after a partial boot.
sysns_teardown() {
    local i pid
    # PID 1 only while it is still unshare's child (so never a recycled pid); SIGKILL to a
    # PID namespace's init from outside kills every process inside.
    if [ -n "$SYSNS_PID1" ] && [ -n "$SYSNS_UNSHARE_PID" ] &&
        [ "$(awk '/^PPid:/ {print $2}' "/proc/$SYSNS_PID1/status" 2>/dev/null)" = "$SYSNS_UNSHARE_PID" ]; then
        kill -KILL "$SYSNS_PID1" 2>/dev/null || true
    fi
    if [ -n "$SYSNS_UNSHARE_PID" ]; then
        for ((i = 0; i < 50; i++)); do
            kill -0 "$SYSNS_UNSHARE_PID" 2>/dev/null || break
            sleep 0.1
        done
        kill -KILL "$SYSNS_UNSHARE_PID" 2>/dev/null || true
        wait "$SYSNS_UNSHARE_PID" 2>/dev/null || true
    fi
    # Leftover cgroups (systemd's slices and scopes), deepest first, once empty.
    if [ -n "$SYSNS_CGROUP" ] && [ -d "$SYSNS_CGROUP" ]; then
        for ((i = 0; i < 50; i++)); do
            find "$SYSNS_CGROUP" -depth -type d -exec rmdir {} \; 2>/dev/null || true
            [ -d "$SYSNS_CGROUP" ] || break
            # Anything still in there was started by us (it is inside our cgroup).
            while read -r pid; do kill -KILL "$pid" 2>/dev/null || true; done \
                < <(find "$SYSNS_CGROUP" -name cgroup.procs -exec cat {} + 2>/dev/null)
            sleep 0.1
        done
        [ -d "$SYSNS_CGROUP" ] && sysns_log "could not remove cgroup $SYSNS_CGROUP"
    fi
    if [ -n "$SYSNS_DIR" ] && [ -d "$SYSNS_DIR" ]; then
        if [ "${SYSNS_KEEP:-0}" = 1 ]; then
            sysns_log "kept $SYSNS_DIR"
        else
            # Mounts lived only in the namespace's mount namespace, gone with its last process;
            # a mount still showing here would mean something else went wrong: do not rm into it.
            if grep -q " ${SYSNS_DIR}[/ ]" /proc/self/mountinfo; then
                sysns_log "mounts still under $SYSNS_DIR; not removing it"
            else
                rm -rf --one-file-system "$SYSNS_DIR"
            fi
        fi
    fi
    SYSNS_PID1=
    SYSNS_UNSHARE_PID=
}
