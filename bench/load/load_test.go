package main

import (
	"bufio"
	"math"
	"math/rand"
	"os"
	"os/exec"
	"sort"
	"strings"
	"testing"
	"time"
)

func TestHistQuantiles(t *testing.T) {
	var h hist
	r := rand.New(rand.NewSource(1))
	vals := make([]int64, 100000)
	for i := range vals {
		vals[i] = int64(math.Exp(r.Float64()*16)) + r.Int63n(50)
		h.record(vals[i])
	}
	sort.Slice(vals, func(i, j int) bool { return vals[i] < vals[j] })
	for _, q := range []float64{0.5, 0.9, 0.99, 0.999} {
		want := float64(vals[int(q*float64(len(vals)))-1])
		got := h.quantile(q)
		if math.Abs(got-want) > want/100+1 {
			t.Errorf("q%.3f: got %.0f want %.0f", q, got, want)
		}
	}
	if h.quantile(1) != float64(vals[len(vals)-1]) {
		t.Errorf("max: got %.0f want %d", h.quantile(1), vals[len(vals)-1])
	}
	for v := int64(0); v < 1<<20; v += 7 {
		lo := bucketOf(v)
		if m := bucketMid(lo); math.Abs(m-float64(v)) > float64(v)/100+1 {
			t.Fatalf("bucket of %d has mid %.1f", v, m)
		}
	}
}

func TestParseObject(t *testing.T) {
	var r rpcResponse
	for _, s := range []string{
		`{"jsonrpc":"2.0","result":"hello","id":42}`,
		`{ "id" : 42 , "jsonrpc" : "2.0", "extra": {"a":[1,"]}",{}]}, "result": "hello" }`,
	} {
		if _, err := parseObject([]byte(s), 0, &r); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		id, err := r.check([]byte(`"hello"`))
		if err != nil || id != 42 {
			t.Fatalf("%s: id %d err %v", s, id, err)
		}
	}
	for _, s := range []string{
		`{"jsonrpc":"2.0","error":{"code":-32601,"message":"x"},"id":1}`,
		`{"jsonrpc":"2.0","result":"other","id":1}`,
		`{"jsonrpc":"1.0","result":"hello","id":1}`,
		`{"jsonrpc":"2.0","result":"hello","id":"1"}`,
		`{"jsonrpc":"2.0","id":1}`,
	} {
		if _, err := parseObject([]byte(s), 0, &r); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
		if _, err := r.check([]byte(`"hello"`)); err == nil {
			t.Errorf("%s: accepted", s)
		}
	}
	for _, s := range []string{`{"a":}`, `{"a" 1}`, `{"a":1`, `[`, `{"a":"x}`} {
		if _, err := parseObject([]byte(s), 0, &r); err == nil {
			t.Errorf("%s: no error", s)
		}
	}
}

func TestReadHTTPResponse(t *testing.T) {
	in := "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\ncontent-length: 5\r\n\r\nabcde" +
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n" +
		"HTTP/1.1 500 Internal Server Error\r\nContent-Length: 0\r\n\r\n"
	br := bufio.NewReader(strings.NewReader(in))
	var scratch []byte
	b, ka, err := readHTTPResponse(br, &scratch)
	if err != nil || string(b) != "abcde" || !ka {
		t.Fatalf("1: %q %v %v", b, ka, err)
	}
	b, ka, err = readHTTPResponse(br, &scratch)
	if err != nil || string(b) != "abcde" || ka {
		t.Fatalf("2: %q %v %v", b, ka, err)
	}
	if _, _, err = readHTTPResponse(br, &scratch); err == nil {
		t.Fatal("3: 500 accepted")
	}
}

func TestCheckLoopback(t *testing.T) {
	for _, a := range []string{"127.0.0.1:1", "[::1]:1", "localhost:1", "127.1.2.3:80"} {
		if err := checkLoopback(a); err != nil {
			t.Errorf("%s: %v", a, err)
		}
	}
	for _, a := range []string{"10.0.0.1:1", "example.com:80", "0.0.0.0:1", "8.8.8.8:53"} {
		if err := checkLoopback(a); err == nil {
			t.Errorf("%s accepted", a)
		}
	}
}

func TestProcCPUFindsNamedDescendants(t *testing.T) {
	// A grandchild named "sleep" under a shell: found through the children lists.
	cmd := exec.Command("/bin/sh", "-c", "sleep 5; true")
	if err := cmd.Start(); err != nil {
		t.Fatalf("cannot start /bin/sh: %v", err)
	}
	defer func() { _ = cmd.Process.Kill(); _ = cmd.Wait() }()
	var seen int
	for i := 0; i < 100 && seen == 0; i++ {
		time.Sleep(10 * time.Millisecond)
		var err error
		if _, _, seen, err = procCPU(os.Getpid(), "sleep"); err != nil {
			t.Fatal(err)
		}
	}
	if seen != 1 {
		t.Fatalf("seen %d processes named sleep below pid %d, want 1", seen, os.Getpid())
	}
	if _, _, n, _ := procCPU(os.Getpid(), "no-such-name"); n != 0 {
		t.Fatalf("seen %d processes named no-such-name", n)
	}
}
