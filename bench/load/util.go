package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"math"
	"net"
	"os"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// freeportsMain prints N distinct free TCP ports on 127.0.0.1.
func freeportsMain(args []string) int {
	n := 1
	if len(args) > 0 {
		v, err := strconv.Atoi(args[0])
		if err != nil || v < 1 || v > 100 {
			fatalf("freeports: bad count %q", args[0])
		}
		n = v
	}
	var lns []net.Listener
	var ports []string
	for i := 0; i < n; i++ {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fatalf("freeports: %v", err)
		}
		lns = append(lns, ln)
		ports = append(ports, strconv.Itoa(ln.Addr().(*net.TCPAddr).Port))
	}
	for _, ln := range lns {
		ln.Close()
	}
	fmt.Println(strings.Join(ports, " "))
	return 0
}

// waitQuietMain waits until the machine has been nearly idle (less than
// -threshold cores busy, steal included) for one -sample period, or until -max
// has passed. Exit 0 either way; a warning is printed when it gives up.
func waitQuietMain(args []string) int {
	fs := flag.NewFlagSet("waitquiet", flag.ExitOnError)
	max := fs.Duration("max", 60*time.Second, "give up waiting after this long")
	threshold := fs.Float64("threshold", 0.1, "busy cores below which the machine counts as quiet")
	sample := fs.Duration("sample", time.Second, "length of each measurement")
	_ = fs.Parse(args)
	start := time.Now()
	waited := false
	for {
		b0, s0 := machineBusy()
		t0 := time.Now()
		time.Sleep(*sample)
		b1, s1 := machineBusy()
		cores := ((b1 - b0) + (s1 - s0)).Seconds() / time.Since(t0).Seconds()
		if cores < *threshold {
			if waited {
				fmt.Fprintf(os.Stderr, "load waitquiet: machine quiet after %s\n", time.Since(start).Round(time.Second))
			}
			return 0
		}
		if time.Since(start) >= *max {
			fmt.Fprintf(os.Stderr, "load waitquiet: machine still busy (%.2f cores) after %s; going ahead\n", cores, max)
			return 0
		}
		if !waited {
			fmt.Fprintf(os.Stderr, "load waitquiet: %.2f cores busy, waiting up to %s for a quiet machine\n", cores, max)
			waited = true
		}
	}
}

// waitMain polls until every given endpoint answers an echo call correctly, the
// server process dies, or the timeout passes.
func waitMain(args []string) int {
	fs := flag.NewFlagSet("wait", flag.ExitOnError)
	tcpAddr := fs.String("tcp", "", "NDJSON TCP address")
	httpAddr := fs.String("http", "", "HTTP address")
	pid := fs.Int("pid", 0, "server pid: give up as soon as it has exited")
	timeout := fs.Duration("timeout", 30*time.Second, "give up after this long")
	name := fs.String("name", "server", "server name for messages")
	method := fs.String("method", "echo", "the method to call (it must echo its params[0])")
	_ = fs.Parse(args)
	for _, a := range []string{*tcpAddr, *httpAddr} {
		if a != "" {
			if err := checkLoopback(a); err != nil {
				fatalf("%v", err)
			}
		}
	}
	end := time.Now().Add(*timeout)
	var lastErr error
	for {
		lastErr = nil
		if *tcpAddr != "" {
			lastErr = probe(*tcpAddr, false, *method)
		}
		if lastErr == nil && *httpAddr != "" {
			lastErr = probe(*httpAddr, true, *method)
		}
		if lastErr == nil {
			return 0
		}
		if *pid > 0 && !alive(*pid) {
			fmt.Fprintf(os.Stderr, "load wait: %s (pid %d) exited before serving (last probe: %v)\n", *name, *pid, lastErr)
			return 1
		}
		if time.Now().After(end) {
			fmt.Fprintf(os.Stderr, "load wait: %s not serving after %s: %v\n", *name, *timeout, lastErr)
			return 1
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// alive reports whether pid exists and is not a zombie.
func alive(pid int) bool {
	if err := syscall.Kill(pid, 0); err != nil && !errors.Is(err, syscall.EPERM) {
		return false
	}
	stat, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return false
	}
	if i := bytes.LastIndexByte(stat, ')'); i >= 0 && i+2 < len(stat) {
		return stat[i+2] != 'Z' && stat[i+2] != 'X'
	}
	return true
}

// probe makes one echo call over NDJSON or HTTP and checks the reply.
func probe(addr string, useHTTP bool, method string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(2 * time.Second))
	methodJSON, _ := json.Marshal(method)
	body := `{"jsonrpc":"2.0","method":` + string(methodJSON) + `,"params":["ready"],"id":7}`
	br := bufio.NewReader(c)
	var resp []byte
	if useHTTP {
		req := "POST / HTTP/1.1\r\nHost: " + addr + "\r\nContent-Type: application/json\r\nContent-Length: " +
			strconv.Itoa(len(body)) + "\r\n\r\n" + body
		if _, err := c.Write([]byte(req)); err != nil {
			return err
		}
		var scratch []byte
		if resp, _, err = readHTTPResponse(br, &scratch); err != nil {
			return err
		}
	} else {
		if _, err := c.Write([]byte(body + "\n")); err != nil {
			return err
		}
		if resp, err = br.ReadBytes('\n'); err != nil {
			return err
		}
	}
	var r rpcResponse
	if _, err := parseObject(resp, 0, &r); err != nil {
		return fmt.Errorf("malformed reply %q", truncate(resp, 200))
	}
	id, err := r.check([]byte(`"ready"`))
	if err != nil {
		return err
	}
	if id != 7 {
		return fmt.Errorf("reply id %d, expected 7", id)
	}
	return nil
}

// reportMain prints the comparison table of target A (rpcd) against B (peer).
func reportMain(args []string) int {
	fs := flag.NewFlagSet("report", flag.ExitOnError)
	a := fs.String("a", "rpcd", "target under test")
	b := fs.String("b", "peer", "reference target")
	_ = fs.Parse(args)
	if fs.NArg() == 0 {
		fatalf("report: give one or more results files")
	}
	var order []string
	all := map[string]map[string][]*Result{}
	for _, path := range fs.Args() {
		f, err := os.Open(path)
		if err != nil {
			fatalf("report: %v", err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if len(bytes.TrimSpace(sc.Bytes())) == 0 {
				continue
			}
			var r Result
			if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
				fatalf("report: %s: %v", path, err)
			}
			if all[r.Scenario] == nil {
				all[r.Scenario] = map[string][]*Result{}
				order = append(order, r.Scenario)
			}
			all[r.Scenario][r.Target] = append(all[r.Scenario][r.Target], &r)
		}
		f.Close()
	}
	// With repeated runs, each (scenario, server) is represented by its median run
	// by throughput (the lower median for an even count); errors in any run count.
	// (Picking the "quietest" run by other_cores was tried and rejected: /proc/stat
	// is tick-sampled and too imprecise for that, especially in ping-pong loads.)
	res := map[string]map[string]*Result{}
	type errTally struct {
		errors, badRuns int64
		samples         []string
	}
	runErrors := map[*Result]*errTally{}
	repeats := 0
	for s, byTarget := range all {
		res[s] = map[string]*Result{}
		for t, runs := range byTarget {
			sort.SliceStable(runs, func(i, j int) bool { return runs[i].ReqPerS < runs[j].ReqPerS })
			med := runs[(len(runs)-1)/2]
			res[s][t] = med
			tally := &errTally{}
			for _, r := range runs {
				tally.errors += r.Errors
				if r.Errors > 0 || r.Requests == 0 {
					tally.badRuns++
					tally.samples = append(tally.samples, r.ErrorSamples...)
				}
			}
			runErrors[med] = tally
			if len(runs) > repeats {
				repeats = len(runs)
			}
		}
	}
	if repeats > 1 {
		fmt.Printf("(each figure is from the median-throughput run of %d per scenario and server)\n", repeats)
	}

	us := func(v float64) string {
		if v >= 1000 {
			return fmt.Sprintf("%.0f", v)
		}
		return fmt.Sprintf("%.1f", v)
	}
	side := func(r *Result) string {
		if r == nil {
			return fmt.Sprintf("%10s %8s %8s", "-", "-", "-")
		}
		return fmt.Sprintf("%10.0f %8s %8s", r.ReqPerS, us(r.P50us), us(r.P99us))
	}
	sw := 20
	for _, s := range order {
		if len(s) > sw {
			sw = len(s)
		}
	}
	hdr := fmt.Sprintf("%-*s | %10s %8s %8s | %10s %8s %8s | %-15s | %s", sw, "scenario",
		*a+" req/s", "p50 us", "p99 us", *b+" req/s", "p50 us", "p99 us", "req/s ratio", "p99 "+*a+"/"+*b)
	fmt.Println(hdr)
	fmt.Println(strings.Repeat("-", len(hdr)))
	status := 0
	var notes, verdicts []string
	for _, s := range order {
		ra, rb := res[s][*a], res[s][*b]
		reference := referenceOf(ra)
		switch reference {
		case "floor":
			rb = res[s]["floor"]
		case "none":
			rb = nil
		}
		ratio, p99 := "-", "-"
		if ra != nil && rb != nil && rb.ReqPerS > 0 {
			ratio = fmt.Sprintf("%.2fx", ra.ReqPerS/rb.ReqPerS)
			if reference == "floor" {
				ratio += " of floor"
			}
			goal := ra.GoalRatio
			if goal > 0 {
				ratio += fmt.Sprintf(" (>=%.1fx)", goal)
				ok := "met"
				if ra.ReqPerS/rb.ReqPerS < goal {
					ok = "MISSED"
				}
				verdicts = append(verdicts, fmt.Sprintf("%-*s throughput %s/%s %.2fx, goal >= %.1fx: %s", sw, s, *a, *b, ra.ReqPerS/rb.ReqPerS, goal, ok))
			}
		}
		if ra != nil && rb != nil && rb.P99us > 0 && reference == "peer" {
			p99 = fmt.Sprintf("%.2fx", ra.P99us/rb.P99us)
			ok := "met"
			if ra.P99us > rb.P99us {
				ok = "MISSED"
			}
			verdicts = append(verdicts, fmt.Sprintf("%-*s p99 %s %s us vs %s %s us, goal no worse: %s", sw, s, *a, us(ra.P99us), *b, us(rb.P99us), ok))
		}
		fmt.Printf("%-*s | %s | %s | %-15s | %s\n", sw, s, side(ra), side(rb), ratio, p99)
		if repeats > 1 {
			spread := func(t string) string {
				runs := all[s][t]
				if len(runs) == 0 {
					return t + " -"
				}
				lo, hi := runs[0].ReqPerS, runs[0].ReqPerS
				for _, r := range runs {
					lo, hi = math.Min(lo, r.ReqPerS), math.Max(hi, r.ReqPerS)
				}
				return fmt.Sprintf("%s %.0f..%.0f", t, lo, hi)
			}
			notes = append(notes, fmt.Sprintf("%s: req/s range over all runs: %s, %s", s, spread(*a), spread(*b)))
		}
		if ra != nil && ra.Batch > 0 {
			notes = append(notes, fmt.Sprintf("%s: batches of %d, req/s counts requests, latency is per batch; batches/s: %s %.0f, %s %.0f",
				s, ra.Batch, *a, ra.BatchPerS, *b, batchRate(rb)))
		}
		for _, r := range []*Result{ra, rb} {
			if r == nil {
				continue
			}
			if e := runErrors[r]; e.badRuns > 0 {
				status = 1
				notes = append(notes, fmt.Sprintf("ERROR %s against %s: %d failed runs, %d errors: %s", s, r.Target, e.badRuns, e.errors, strings.Join(e.samples, "; ")))
			}
		}
		if ra == nil || (rb == nil && reference != "none") {
			status = 1
			ref := *b
			if reference == "floor" {
				ref = "floor"
			}
			notes = append(notes, fmt.Sprintf("ERROR %s: missing result for %s or %s", s, *a, ref))
		}
	}
	// CPU view: how much CPU each server burnt per request. This does not depend on
	// how the two cores were shared with the client, so it shows efficiency even
	// where the throughput ratio is compressed by the client's own CPU use.
	fmt.Println()
	chdr := fmt.Sprintf("%-*s | %-22s | %-22s | %-13s | %s", sw, "server CPU (window)",
		*a+" cores  us/req", *b+" cores  us/req", *b+"/"+*a+" us/req", "client cores, other cores ("+*a+" "+*b+")")
	fmt.Println(chdr)
	fmt.Println(strings.Repeat("-", len(chdr)))
	cpuSide := func(r *Result) string {
		if r == nil || r.ServerCores == 0 {
			return fmt.Sprintf("%-22s", "-")
		}
		return fmt.Sprintf("%5.2f %15.2f", r.ServerCores, r.ServerCPUusPerReq)
	}
	for _, s := range order {
		ra, rb := res[s][*a], res[s][*b]
		eff := "-"
		if ra != nil && rb != nil && ra.ServerCPUusPerReq > 0 {
			eff = fmt.Sprintf("%.2fx", rb.ServerCPUusPerReq/ra.ServerCPUusPerReq)
		}
		cl, ot := "", ""
		for _, r := range []*Result{ra, rb} {
			if r != nil {
				cl += fmt.Sprintf(" %.2f", r.ClientCores)
				ot += fmt.Sprintf(" %.2f", r.OtherCores)
				if r.OtherCores > 0.15 {
					notes = append(notes, fmt.Sprintf("WARNING %s against %s: other processes used %.2f cores during the window; the machine was not quiet, rerun", s, r.Target, r.OtherCores))
				}
				if r.StealCores > 0.1 {
					notes = append(notes, fmt.Sprintf("WARNING %s against %s: the hypervisor stole %.2f cores during the window; rerun", s, r.Target, r.StealCores))
				}
			}
		}
		fmt.Printf("%-*s | %s | %s | %-13s | %-12s %s\n", sw, s, cpuSide(ra), cpuSide(rb), eff, strings.TrimSpace(cl), strings.TrimSpace(ot))
	}

	verdicts = append(verdicts, anyLanguageReport(order, res, *a, sw)...)

	if len(notes) > 0 {
		fmt.Println()
		for _, n := range notes {
			fmt.Println(n)
		}
	}
	if len(verdicts) > 0 {
		fmt.Println()
		fmt.Println("goals:")
		for _, v := range verdicts {
			fmt.Println("  " + v)
		}
	}
	return status
}

func batchRate(r *Result) float64 {
	if r == nil {
		return 0
	}
	return r.BatchPerS
}

// referenceOf is what a result of the target under test is compared with: "peer"
// (also for results written before -reference existed), "none" or "floor".
func referenceOf(r *Result) string {
	if r == nil || r.Reference == "" {
		return "peer"
	}
	return r.Reference
}

// anyLanguageReport prints the figures of the methods-in-any-language scenarios and returns
// their goal verdicts (bench/README.md, issue 10's "Performance"):
//   - backend-X against the built-in X: rpcd's own CPU per call (server CPU minus the backend
//     processes') at most 2x the built-in's, and for 1x1 scenarios p50 at most 40 us above it;
//   - exec-*: calls/s and p50, against the spawn floor (bench/spawnfloor.c); a 1x1 p50 of at
//     most 1.5 ms, and at least 1,000 calls/s with 16 connections.
func anyLanguageReport(order []string, res map[string]map[string]*Result, a string, sw int) []string {
	var verdicts, lines []string
	for _, s := range order {
		r := res[s][a]
		if r == nil {
			continue
		}
		switch {
		case strings.HasPrefix(s, "backend-"):
			base := res[strings.TrimPrefix(s, "backend-")][a]
			own := r.ServerCPUusPerReq - r.BackendCPUusPerReq
			line := fmt.Sprintf("%-*s | %9.0f %8.1f | %8.2f %8.2f %8.2f |", sw, s, r.ReqPerS, r.P50us, r.ServerCPUusPerReq, r.BackendCPUusPerReq, own)
			if base == nil || base.ServerCPUusPerReq == 0 || r.ServerCPUusPerReq == 0 {
				lines = append(lines, line+" (no built-in result "+strings.TrimPrefix(s, "backend-")+" with CPU figures to compare)")
				continue
			}
			ratio := own / base.ServerCPUusPerReq
			delta := r.P50us - base.P50us
			lines = append(lines, line+fmt.Sprintf(" %-18s %8.2f %8.1f | %5.2fx  %+8.1f", strings.TrimPrefix(s, "backend-"), base.ServerCPUusPerReq, base.P50us, ratio, delta))
			verdicts = append(verdicts, fmt.Sprintf("%-*s rpcd's own CPU per backend call %.2f us = %.2fx its %.2f us per built-in call, goal <= 2.0x: %s",
				sw, s, own, ratio, base.ServerCPUusPerReq, metOrMissed(ratio <= 2.0)))
			if r.Conns == 1 && r.Depth == 1 {
				verdicts = append(verdicts, fmt.Sprintf("%-*s p50 %.1f us = built-in %+.1f us, goal <= +40 us: %s", sw, s, r.P50us, delta, metOrMissed(delta <= 40)))
			}
		case strings.HasPrefix(s, "exec-"):
			floor := res[s]["floor"]
			line := fmt.Sprintf("%-*s | %9.0f %8.1f |", sw, s, r.ReqPerS, r.P50us)
			if floor != nil && floor.ReqPerS > 0 {
				line += fmt.Sprintf(" floor (%d loop(s)) %9.0f calls/s %8.1f us p50 | rpcd/floor %.2fx", floor.Conns, floor.ReqPerS, floor.P50us, r.ReqPerS/floor.ReqPerS)
			}
			lines = append(lines, line)
			if r.Conns == 1 && r.Depth == 1 {
				verdicts = append(verdicts, fmt.Sprintf("%-*s exec method p50 %.0f us, goal <= 1500 us: %s", sw, s, r.P50us, metOrMissed(r.P50us <= 1500)))
			} else if r.Conns >= 16 {
				verdicts = append(verdicts, fmt.Sprintf("%-*s exec method %.0f calls/s with %d connections, goal >= 1000: %s", sw, s, r.ReqPerS, r.Conns, metOrMissed(r.ReqPerS >= 1000)))
			}
		}
	}
	if len(lines) > 0 {
		fmt.Println()
		fmt.Println("methods in any language (rpcd's own CPU = server CPU - the backend processes' CPU)")
		hdr := fmt.Sprintf("%-*s | %9s %8s | %8s %8s %8s | %-18s %8s %8s | %6s %9s", sw, "scenario", "req/s", "p50 us",
			"srv us", "bk us", "own us", "built-in", "us/req", "p50 us", "own/bi", "p50 delta")
		fmt.Println(hdr)
		fmt.Println(strings.Repeat("-", len(hdr)))
		for _, l := range lines {
			fmt.Println(l)
		}
	}
	return verdicts
}

func metOrMissed(ok bool) string {
	if ok {
		return "met"
	}
	return "MISSED"
}
