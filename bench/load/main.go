// Command load is the rpcd benchmark's load client (Go standard library only).
//
//	load -mode ndjson|http|batch -addr 127.0.0.1:PORT [flags]   run one scenario
//	load report [-a rpcd] [-b peer] RESULTS.jsonl               print the comparison table
//	load freeports N                                            print N free loopback ports
//	load wait [-tcp ADDR] [-http ADDR] [-pid PID] [-timeout D]  wait until a server answers echo
//	load waitquiet [-max D] [-threshold CORES]                  wait for an idle machine
//
// It only ever connects to loopback addresses.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"os"
	"strings"
	"sync"
	"time"
)

type config struct {
	tls      bool
	newConn  bool
	ignoreID bool
	mode     string
	addr     string
	conns    int
	depth    int
	batch    int
	warmup   time.Duration
	duration time.Duration
	drain    time.Duration
	payload  string
	scenario string
	target   string
	goal     float64
	out      string
	jsonOut  bool
	pid      int
	method   string
	// reference names what the scenario compares against: "peer" (the default), "none", or
	// "floor" (bench/spawnfloor); recorded for the report.
	reference   string
	backendComm string
}

// Result is one scenario against one server; one JSON line per result.
type Result struct {
	Scenario     string   `json:"scenario"`
	Target       string   `json:"target"`
	Mode         string   `json:"mode"`
	Addr         string   `json:"addr"`
	Conns        int      `json:"conns"`
	Depth        int      `json:"depth"`
	Batch        int      `json:"batch,omitempty"`
	WarmupS      float64  `json:"warmup_s"`
	DurationS    float64  `json:"duration_s"`
	Requests     int64    `json:"requests"`
	Batches      int64    `json:"batches,omitempty"`
	ReqPerS      float64  `json:"req_per_s"`
	BatchPerS    float64  `json:"batch_per_s,omitempty"`
	LatencyOf    string   `json:"latency_of"` // "request" or "batch"
	P50us        float64  `json:"p50_us"`
	P90us        float64  `json:"p90_us"`
	P99us        float64  `json:"p99_us"`
	P999us       float64  `json:"p999_us"`
	MaxUs        float64  `json:"max_us"`
	Errors       int64    `json:"errors"`
	ErrorSamples []string `json:"error_samples,omitempty"`
	GoalRatio    float64  `json:"goal_ratio,omitempty"`
	Method       string   `json:"method,omitempty"`
	Reference    string   `json:"reference,omitempty"`
	// CPU time over the measured window, in cores (1.0 = one CPU busy all along),
	// and server CPU time per completed request. Server figures need -pid.
	ServerCores       float64 `json:"server_cores,omitempty"`
	ServerCPUusPerReq float64 `json:"server_cpu_us_per_req,omitempty"`
	ClientCores       float64 `json:"client_cores"`
	// Backend figures (-backend-comm): the part of the server's CPU time that its descendant
	// processes named so (and their own descendants) used; the rest is the server's own.
	BackendCores       float64 `json:"backend_cores,omitempty"`
	BackendCPUusPerReq float64 `json:"backend_cpu_us_per_req,omitempty"`
	// OtherCores is the CPU the rest of the machine used during the window (all
	// busy CPU time minus server and client). Well above 0 means a noisy run.
	OtherCores float64 `json:"other_cores"`
	// StealCores is CPU time the hypervisor took from this machine's vCPUs.
	StealCores float64 `json:"steal_cores"`
	Time       string  `json:"time"`
}

func fatalf(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "load: "+format+"\n", args...)
	os.Exit(2)
}

func main() {
	if len(os.Args) > 1 {
		switch os.Args[1] {
		case "report":
			os.Exit(reportMain(os.Args[2:]))
		case "freeports":
			os.Exit(freeportsMain(os.Args[2:]))
		case "wait":
			os.Exit(waitMain(os.Args[2:]))
		case "waitquiet":
			os.Exit(waitQuietMain(os.Args[2:]))
		}
	}
	os.Exit(runMain(os.Args[1:]))
}

// checkLoopback refuses any address that is not a loopback IP (or "localhost").
func checkLoopback(addr string) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return err
	}
	if host == "localhost" {
		return nil
	}
	ip := net.ParseIP(host)
	if ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("%s: only loopback addresses are allowed", addr)
	}
	return nil
}

func runMain(args []string) int {
	var cfg config
	fs := flag.NewFlagSet("load", flag.ExitOnError)
	fs.StringVar(&cfg.mode, "mode", "ndjson", "ndjson | http | batch")
	fs.StringVar(&cfg.addr, "addr", "127.0.0.1:7700", "server address (loopback only)")
	fs.IntVar(&cfg.conns, "conns", 64, "connections")
	fs.IntVar(&cfg.depth, "depth", 16, "requests in flight per connection (ndjson)")
	fs.IntVar(&cfg.batch, "batch", 100, "requests per batch (batch mode)")
	fs.DurationVar(&cfg.warmup, "warmup", time.Second, "warm-up, not measured")
	fs.DurationVar(&cfg.duration, "duration", 5*time.Second, "measured duration")
	fs.DurationVar(&cfg.drain, "drain", 5*time.Second, "how long in-flight requests may take to finish after the window")
	fs.StringVar(&cfg.payload, "payload", "hello", "string echoed by every request")
	fs.StringVar(&cfg.scenario, "scenario", "", "scenario name (for the report)")
	fs.StringVar(&cfg.target, "target", "server", "server name (for the report)")
	fs.Float64Var(&cfg.goal, "goal", 0, "throughput ratio the first report target should reach (recorded for the report)")
	fs.StringVar(&cfg.out, "out", "", "append the result as one JSON line to this file")
	fs.BoolVar(&cfg.jsonOut, "json", false, "print the result as JSON instead of a text line")
	fs.IntVar(&cfg.pid, "pid", 0, "server pid: measure its CPU time (and its children's) over the window")
	fs.StringVar(&cfg.method, "method", "echo", "the method every request calls (it must echo its params[0])")
	fs.StringVar(&cfg.reference, "reference", "peer", "what the report compares this scenario with: peer, none or floor")
	fs.StringVar(&cfg.backendComm, "backend-comm", "", "with -pid: also measure the CPU of the server's descendants whose /proc/PID/comm is this")
	fs.BoolVar(&cfg.tls, "tls", false, "http mode: speak TLS (the server's certificate is not verified)")
	fs.BoolVar(&cfg.ignoreID, "ignore-id", false, "accept any response id (a server that answers a fixed body, e.g. nginx)")
	fs.BoolVar(&cfg.newConn, "new-conn", false, "http mode: a new connection (and TLS handshake) for every request")
	_ = fs.Parse(args)

	switch cfg.mode {
	case "ndjson":
		if cfg.depth < 1 || cfg.depth > 1<<slotBits {
			fatalf("-depth must be 1..%d", 1<<slotBits)
		}
	case "http":
		if cfg.depth != 1 {
			fatalf("http mode runs one request per connection at a time; -depth must be 1")
		}
	case "batch":
		if cfg.batch < 1 {
			fatalf("-batch must be >= 1")
		}
		cfg.depth = 1
	default:
		fatalf("unknown -mode %q", cfg.mode)
	}
	if cfg.conns < 1 || cfg.duration <= 0 || cfg.warmup < 0 || cfg.drain <= 0 {
		fatalf("-conns, -duration and -drain must be positive")
	}
	if err := checkLoopback(cfg.addr); err != nil {
		fatalf("%v", err)
	}
	if cfg.scenario == "" {
		cfg.scenario = cfg.mode
	}

	// Hard bound on the whole run, whatever the server does.
	const dialBudget = 5 * time.Second
	limit := dialBudget + cfg.warmup + cfg.duration + cfg.drain + 5*time.Second
	time.AfterFunc(limit, func() {
		fmt.Fprintf(os.Stderr, "load: ERROR: %s against %s exceeded its hard time limit (%s); aborting\n", cfg.scenario, cfg.target, limit)
		os.Exit(3)
	})

	payloadJSON, _ := json.Marshal(cfg.payload)
	methodJSON, _ := json.Marshal(cfg.method)
	rc := &runCtx{
		cfg:        &cfg,
		prefix:     []byte(`{"jsonrpc":"2.0","method":` + string(methodJSON) + `,"params":[` + string(payloadJSON) + `],"id":`),
		wantResult: payloadJSON,
		httpHead:   []byte("POST / HTTP/1.1\r\nHost: " + cfg.addr + "\r\nContent-Type: application/json\r\nContent-Length: "),
	}

	conns := make([]net.Conn, cfg.conns)
	d := net.Dialer{Timeout: dialBudget}
	for i := range conns {
		c, err := dial(&d, &cfg)
		if err != nil {
			for _, o := range conns[:i] {
				o.Close()
			}
			fmt.Fprintf(os.Stderr, "load: ERROR: %s against %s: connection %d: %v\n", cfg.scenario, cfg.target, i+1, err)
			return 1
		}
		if tc, ok := c.(*net.TCPConn); ok {
			_ = tc.SetNoDelay(true)
		}
		conns[i] = c
	}

	rc.base = time.Now()
	rc.t0 = int64(cfg.warmup)
	rc.t1 = rc.t0 + int64(cfg.duration)
	rc.hardEnd = rc.t1 + int64(cfg.drain)
	deadline := rc.base.Add(time.Duration(rc.hardEnd))

	sampler := startCPUSampler(rc, cfg.pid, cfg.backendComm)
	stats := make([]connStats, cfg.conns)
	var wg sync.WaitGroup
	for i, c := range conns {
		_ = c.SetDeadline(deadline)
		wg.Add(1)
		go func(c net.Conn, st *connStats) {
			defer wg.Done()
			defer c.Close()
			switch cfg.mode {
			case "ndjson":
				runNDJSON(rc, c, st)
			case "http":
				if cfg.newConn {
					runHTTPNewConn(rc, c, st, func() (net.Conn, error) { return dial(&d, &cfg) })
				} else {
					runHTTP(rc, c, st)
				}
			case "batch":
				runBatch(rc, c, st)
			}
		}(c, &stats[i])
	}
	wg.Wait()
	<-sampler.done

	var total connStats
	for i := range stats {
		s := &stats[i]
		total.h.merge(&s.h)
		total.requests += s.requests
		total.batches += s.batches
		total.errors += s.errors
		for _, m := range s.samples {
			if len(total.samples) < 5 {
				total.samples = append(total.samples, m)
			}
		}
	}
	secs := cfg.duration.Seconds()
	res := Result{
		Scenario: cfg.scenario, Target: cfg.target, Mode: cfg.mode, Addr: cfg.addr,
		Conns: cfg.conns, Depth: cfg.depth,
		WarmupS: cfg.warmup.Seconds(), DurationS: secs,
		Requests: total.requests, ReqPerS: float64(total.requests) / secs,
		LatencyOf: "request",
		P50us:     total.h.quantile(0.50) / 1e3,
		P90us:     total.h.quantile(0.90) / 1e3,
		P99us:     total.h.quantile(0.99) / 1e3,
		P999us:    total.h.quantile(0.999) / 1e3,
		MaxUs:     float64(total.h.max) / 1e3,
		Errors:    total.errors, ErrorSamples: total.samples,
		GoalRatio: cfg.goal,
		Method:    cfg.method, Reference: cfg.reference,
		Time: time.Now().UTC().Format(time.RFC3339),
	}
	res.ClientCores = (sampler.client1 - sampler.client0).Seconds() / secs
	if cfg.pid > 0 {
		if sampler.serverErr != nil {
			fmt.Fprintf(os.Stderr, "load: warning: server CPU time of pid %d: %v\n", cfg.pid, sampler.serverErr)
		} else {
			cpu := sampler.server1 - sampler.server0
			res.ServerCores = cpu.Seconds() / secs
			if total.requests > 0 {
				res.ServerCPUusPerReq = float64(cpu.Microseconds()) / float64(total.requests)
			}
			if cfg.backendComm != "" {
				bcpu := sampler.backend1 - sampler.backend0
				if sampler.backendSeen == 0 {
					res.Errors++
					res.ErrorSamples = append(res.ErrorSamples, fmt.Sprintf("no descendant of pid %d is named %q: is the backend running?", cfg.pid, cfg.backendComm))
				}
				res.BackendCores = bcpu.Seconds() / secs
				if total.requests > 0 {
					res.BackendCPUusPerReq = float64(bcpu.Microseconds()) / float64(total.requests)
				}
			}
		}
	}
	if sampler.busy1 > 0 {
		res.OtherCores = (sampler.busy1-sampler.busy0).Seconds()/secs - res.ClientCores - res.ServerCores
		res.StealCores = (sampler.steal1 - sampler.steal0).Seconds() / secs
	}
	if cfg.mode == "batch" {
		res.Batch = cfg.batch
		res.Batches = total.batches
		res.BatchPerS = float64(total.batches) / secs
		res.LatencyOf = "batch"
	}

	line, _ := json.Marshal(res)
	if cfg.out != "" {
		f, err := os.OpenFile(cfg.out, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
		if err != nil {
			fatalf("%v", err)
		}
		_, werr := f.Write(append(line, '\n'))
		if cerr := f.Close(); werr != nil || cerr != nil {
			fatalf("writing %s: %v %v", cfg.out, werr, cerr)
		}
	}
	if cfg.jsonOut {
		fmt.Println(string(line))
	} else {
		fmt.Println(textLine(&res))
	}
	if res.Errors > 0 || res.Requests == 0 {
		fmt.Fprintf(os.Stderr, "load: ERROR: %s against %s: %d errors, %d requests completed\n", res.Scenario, res.Target, res.Errors, res.Requests)
		for _, m := range res.ErrorSamples {
			fmt.Fprintf(os.Stderr, "load:   %s\n", m)
		}
		return 1
	}
	return 0
}

func textLine(r *Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "%-18s %-6s %5d conns x %-3d", r.Scenario, r.Target, r.Conns, r.Depth)
	if r.Batch > 0 {
		fmt.Fprintf(&b, " %9.0f req/s %8.0f batch/s", r.ReqPerS, r.BatchPerS)
	} else {
		fmt.Fprintf(&b, " %9.0f req/s %16s", r.ReqPerS, "")
	}
	fmt.Fprintf(&b, "  p50 %8.1f us  p99 %8.1f us (per %s)", r.P50us, r.P99us, r.LatencyOf)
	if r.ServerCores > 0 {
		fmt.Fprintf(&b, "  server %.2f cores %.1f us/req", r.ServerCores, r.ServerCPUusPerReq)
	}
	if r.BackendCores > 0 {
		fmt.Fprintf(&b, " (backend %.2f cores %.1f us/req)", r.BackendCores, r.BackendCPUusPerReq)
	}
	fmt.Fprintf(&b, "  client %.2f cores  other %.2f cores", r.ClientCores, r.OtherCores)
	if r.StealCores >= 0.05 {
		fmt.Fprintf(&b, "  steal %.2f cores", r.StealCores)
	}
	fmt.Fprintf(&b, "  errors %d", r.Errors)
	return b.String()
}
