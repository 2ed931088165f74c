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
// by its live child processes (so a server with worker processes is covered).
func procCPU(pid int) (time.Duration, error) {
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0, err
	}
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	fields := bytes.Fields(stat[i+1:]) // fields[0] is field 3 (state)
	if len(fields) < 13 {
		return 0, fmt.Errorf("unexpected /proc/%d/stat", pid)
	}
	utime, _ := strconv.ParseUint(string(fields[11]), 10, 64) // field 14
	stime, _ := strconv.ParseUint(string(fields[12]), 10, 64) // field 15
	total := time.Duration(utime+stime) * time.Second / clkTck
	tasks, _ := filepath.Glob(fmt.Sprintf("/proc/%d/task/*/children", pid))
	for _, t := range tasks {
		b, err := os.ReadFile(t)
		if err != nil {
			continue
		}
		for _, f := range bytes.Fields(b) {
			if child, err := strconv.Atoi(string(f)); err == nil {
				if d, err := procCPU(child); err == nil {
					total += d
				}
			}
		}
	}
	return total, nil
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
	server0, server1 time.Duration
	client0, client1 time.Duration
	serverErr        error
	busy0, busy1     time.Duration // whole machine, from /proc/stat
	steal0, steal1   time.Duration // time the hypervisor gave our vCPUs to someone else
	done             chan struct{}
}

func startCPUSampler(rc *runCtx, pid int) *cpuSampler {
	s := &cpuSampler{pid: pid, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		time.Sleep(time.Until(rc.base.Add(time.Duration(rc.t0))))
		s.client0 = selfCPU()
		s.busy0, s.steal0 = machineBusy()
		if pid > 0 {
			s.server0, s.serverErr = procCPU(pid)
		}
		time.Sleep(time.Until(rc.base.Add(time.Duration(rc.t1))))
		s.client1 = selfCPU()
		s.busy1, s.steal1 = machineBusy()
		if pid > 0 && s.serverErr == nil {
			s.server1, s.serverErr = procCPU(pid)
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
