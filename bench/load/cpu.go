package main

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"syscall"
	"time"
)

// clkTck is USER_HZ, the unit of utime/stime in /proc/PID/stat; 100 on every
// Linux architecture Go supports.
const clkTck = 100

// procCPU returns the CPU time (user+system) used so far by pid and, recursively,
// by its live child processes (so a server with worker processes is covered). Of that
// total, matched is what processes whose /proc/PID/comm is comm (and everything below
// them) used, and seen how many such processes there were; comm "" matches nothing.
// Children that have exited are not counted (their time goes to the parent's cutime
// only once reaped, and then for every child alike).
func procCPU(pid int, comm string) (total, matched time.Duration, seen int, err error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, 0, 0, err
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, 0, 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	fields := bytes.Fields(stat[i+1:]) // fields[0] is field 3 (state)
	if len(fields) < 13 {
		return 0, 0, 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseUint(string(fields[11]), 10, 64) // field 14
	stime, _ := strconv.ParseUint(string(fields[12]), 10, 64) // field 15
	total = time.Duration(utime+stime) * time.Second / clkTck
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range bytes.Fields(b) {
			if child, err := strconv.Atoi(string(f)); err == nil {
				if d, m, n, err := procCPU(child, comm); err == nil {
					total += d
					matched += m
					seen += n
				}
			}
		}
	}
	if comm != "" {
		// comm is the name between the parentheses of field 2 (at most 15 bytes).
		if open := bytes.IndexByte(stat, '('); open >= 0 && open < i && string(stat[open+1:i]) == comm {
			return total, total, seen + 1, nil
		}
	}
	return total, matched, seen, nil
}

func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// cpuSampler samples server and client CPU time at the start and end of the
// measured window.
type cpuSampler struct {
	pid              int
	comm             string
	server0, server1 time.Duration
	// backend0/1: the part of server0/1 used by processes named comm; backendSeen: how
	// many there were at the end of the window.
	backend0, backend1 time.Duration
	backendSeen        int
	client0, client1   time.Duration
	serverErr          error
	busy0, busy1       time.Duration // whole machine, from /proc/stat
	steal0, steal1     time.Duration // time the hypervisor gave our vCPUs to someone else
	done               chan struct{}
}

func startCPUSampler(rc *runCtx, pid int, comm string) *cpuSampler {
	s := &cpuSampler{pid: pid, comm: comm, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		time.Sleep(time.Until(rc.base.Add(time.Duration(rc.t0))))
		s.client0 = selfCPU()
		s.busy0, s.steal0 = machineBusy()
		if pid > 0 {
			s.server0, s.backend0, _, s.serverErr = procCPU(pid, comm)
		}
		time.Sleep(time.Until(rc.base.Add(time.Duration(rc.t1))))
		s.client1 = selfCPU()
		s.busy1, s.steal1 = machineBusy()
		if pid > 0 && s.serverErr == nil {
			s.server1, s.backend1, s.backendSeen, s.serverErr = procCPU(pid, comm)
		}
	}()
	return s
}

// machineBusy returns the CPU time all CPUs have spent busy (not idle, iowait or
// steal) and stolen by the hypervisor, from the "cpu" line of /proc/stat.
func machineBusy() (busy, steal time.Duration) {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return 0, 0
	}
	line := b
	if i := bytes.IndexByte(b, '\n'); i >= 0 {
		line = b[:i]
	}
	f := bytes.Fields(line)
	if len(f) < 9 || string(f[0]) != "cpu" {
		return 0, 0
	}
	var busyTicks, stealTicks uint64
	// user nice system idle iowait irq softirq steal guest guest_nice (guest is in user)
	for i, v := range f[1:] {
		n, _ := strconv.ParseUint(string(v), 10, 64)
		switch i {
		case 0, 1, 2, 5, 6:
			busyTicks += n
		case 7:
			stealTicks += n
		}
	}
	tick := func(n uint64) time.Duration { return time.Duration(n) * time.Second / clkTck }
	return tick(busyTicks), tick(stealTicks)
}
