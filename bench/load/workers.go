package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"time"
)

// runCtx is shared, read-only state of one measured run.
type runCtx struct {
	cfg        *config
	base       time.Time // all times are nanoseconds since base (monotonic)
	t0, t1     int64     // measured window [t0, t1): warm-up before t0, stop sending at t1
	hardEnd    int64     // every connection's deadline: in-flight requests must be answered by then
	prefix     []byte    // `{"jsonrpc":"2.0","method":"echo","params":[PAYLOAD],"id":`
	wantResult []byte    // PAYLOAD as JSON
	httpHead   []byte    // "POST / HTTP/1.1\r\nHost: ...\r\nContent-Type: application/json\r\nContent-Length: "
}

func (rc *runCtx) now() int64 { return int64(time.Since(rc.base)) }

func (rc *runCtx) inWindow(t int64) bool { return t >= rc.t0 && t < rc.t1 }

// connStats is one connection's tally; only its own goroutine touches it.
type connStats struct {
	h        hist  // latency: per request (ndjson, http) or per batch (batch)
	requests int64 // requests completed successfully inside the window
	batches  int64 // batches completed inside the window (batch mode)
	errors   int64 // anything that is not a correct, matching reply
	samples  []string
}

func (s *connStats) fail(format string, args ...interface{}) {
	s.errors++
	if len(s.samples) < 3 {
		s.samples = append(s.samples, fmt.Sprintf(format, args...))
	}
}

func (s *connStats) failN(n int64, format string, args ...interface{}) {
	s.fail(format, args...)
	s.errors += n - 1
}

// hasLine reports whether a complete line is already buffered (no blocking).
func hasLine(br *bufio.Reader) bool {
	n := br.Buffered()
	if n == 0 {
		return false
	}
	b, _ := br.Peek(n)
	return bytes.IndexByte(b, '\n') >= 0
}

// readLine returns the next line, using scratch for lines longer than the buffer.
func readLine(br *bufio.Reader, scratch *[]byte) ([]byte, error) {
	line, err := br.ReadSlice('\n')
	if err == nil || !errors.Is(err, bufio.ErrBufferFull) {
		return line, err
	}
	*scratch = append((*scratch)[:0], line...)
	for {
		line, err = br.ReadSlice('\n')
		*scratch = append(*scratch, line...)
		if err == nil || !errors.Is(err, bufio.ErrBufferFull) {
			return *scratch, err
		}
	}
}

const slotBits = 10 // ndjson ids are seq<<slotBits | slot; depth <= 1<<slotBits

// runNDJSON keeps cfg.depth requests in flight on one connection, replacing each
// answered request with a new one (closed loop). Requests freed by one read are
// sent together in one write. Ids carry the slot that holds their send time, so
// responses may arrive in any order.
func runNDJSON(rc *runCtx, conn net.Conn, st *connStats) {
	d := rc.cfg.depth
	br := bufio.NewReaderSize(conn, 64<<10)
	sent := make([]int64, d)
	ids := make([]uint64, d)
	busy := make([]bool, d)
	free := make([]int, 0, d)
	for i := d - 1; i >= 0; i-- {
		free = append(free, i)
	}
	wbuf := make([]byte, 0, d*(len(rc.prefix)+24))
	var scratch []byte
	var seq uint64
	inflight := 0

	send := func(n int) error {
		wbuf = wbuf[:0]
		start := len(free) - n
		for _, slot := range free[start:] {
			seq++
			id := seq<<slotBits | uint64(slot)
			ids[slot] = id
			busy[slot] = true
			wbuf = append(wbuf, rc.prefix...)
			wbuf = strconv.AppendUint(wbuf, id, 10)
			wbuf = append(wbuf, '}', '\n')
		}
		t := rc.now()
		for _, slot := range free[start:] {
			sent[slot] = t
		}
		free = free[:start]
		inflight += n
		_, err := conn.Write(wbuf)
		return err
	}

	if err := send(d); err != nil {
		st.fail("write: %v", err)
		return
	}
	sending := true
	pending := 0
	var r rpcResponse
	for inflight > 0 {
		line, err := readLine(br, &scratch)
		if err != nil {
			st.fail("read: %v", err)
			break
		}
		now := rc.now()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if _, err := parseObject(line, 0, &r); err != nil {
			st.fail("malformed response %q", truncate(line, 200))
			break
		}
		id, ok := parseUint(r.id)
		slot := int(id & (1<<slotBits - 1))
		if !ok || slot >= d || !busy[slot] || ids[slot] != id {
			st.fail("response with unexpected id: %s", truncate(line, 200))
			break
		}
		busy[slot] = false
		free = append(free, slot)
		inflight--
		if _, err := r.check(rc.wantResult); err != nil {
			st.fail("id %d: %v", id, err)
		} else if rc.inWindow(now) {
			st.h.record(now - sent[slot])
			st.requests++
		}
		if sending && now >= rc.t1 {
			sending = false
		}
		if sending {
			pending++
			if !hasLine(br) {
				if err := send(pending); err != nil {
					st.fail("write: %v", err)
					break
				}
				pending = 0
			}
		}
	}
	if inflight > 0 {
		st.failN(int64(inflight), "%d requests unanswered when the connection ended", inflight)
	}
}

// runBatch sends one batch of cfg.batch echo requests at a time and waits for the
// array reply; every element must answer a distinct request of that batch.
func runBatch(rc *runCtx, conn net.Conn, st *connStats) {
	n := rc.cfg.batch
	br := bufio.NewReaderSize(conn, 64<<10)
	wbuf := make([]byte, 0, n*(len(rc.prefix)+24)+4)
	seen := make([]bool, n)
	var scratch []byte
	var seq uint64
	var r rpcResponse
	for rc.now() < rc.t1 {
		first := seq + 1
		wbuf = append(wbuf[:0], '[')
		for i := 0; i < n; i++ {
			if i > 0 {
				wbuf = append(wbuf, ',')
			}
			seq++
			wbuf = append(wbuf, rc.prefix...)
			wbuf = strconv.AppendUint(wbuf, seq, 10)
			wbuf = append(wbuf, '}')
		}
		wbuf = append(wbuf, ']', '\n')
		start := rc.now()
		if _, err := conn.Write(wbuf); err != nil {
			st.fail("write: %v", err)
			return
		}
		var line []byte
		var err error
		for {
			if line, err = readLine(br, &scratch); err != nil || len(bytes.TrimSpace(line)) > 0 {
				break
			}
		}
		if err != nil {
			st.failN(int64(n), "read: %v (batch of %d unanswered)", err, n)
			return
		}
		now := rc.now()
		for i := range seen {
			seen[i] = false
		}
		good := 0
		i := skipWS(line, 0)
		if i >= len(line) || line[i] != '[' {
			st.failN(int64(n), "batch reply is not an array: %q", truncate(line, 200))
			return
		}
		i = skipWS(line, i+1)
		if i < len(line) && line[i] == ']' {
			i++
		} else {
			for {
				if i, err = parseObject(line, i, &r); err != nil {
					st.failN(int64(n), "malformed batch reply %q", truncate(line, 200))
					return
				}
				if id, err := r.check(rc.wantResult); err != nil {
					st.fail("batch element: %v", err)
				} else if id < first || id >= first+uint64(n) || seen[id-first] {
					st.fail("batch element with unexpected or repeated id %d", id)
				} else {
					seen[id-first] = true
					good++
				}
				i = skipWS(line, i)
				if i < len(line) && line[i] == ',' {
					i++
					continue
				}
				if i < len(line) && line[i] == ']' {
					i++
					break
				}
				st.failN(int64(n), "malformed batch reply %q", truncate(line, 200))
				return
			}
		}
		if good < n {
			st.failN(int64(n-good), "batch of %d: only %d correct replies", n, good)
		}
		if rc.inWindow(now) && good == n {
			st.h.record(now - start)
			st.batches++
			st.requests += int64(n)
		}
	}
}

// runHTTP sends sequential keep-alive POSTs on one connection with hand-written
// HTTP/1.1, so that the client spends as little CPU as possible.
func runHTTP(rc *runCtx, conn net.Conn, st *connStats) {
	br := bufio.NewReaderSize(conn, 64<<10)
	wbuf := make([]byte, 0, 512)
	body := make([]byte, 0, 256)
	var scratch []byte
	var seq uint64
	var r rpcResponse
	for rc.now() < rc.t1 {
		seq++
		body = append(body[:0], rc.prefix...)
		body = strconv.AppendUint(body, seq, 10)
		body = append(body, '}')
		wbuf = append(wbuf[:0], rc.httpHead...)
		wbuf = strconv.AppendInt(wbuf, int64(len(body)), 10)
		wbuf = append(wbuf, "\r\n\r\n"...)
		wbuf = append(wbuf, body...)
		start := rc.now()
		if _, err := conn.Write(wbuf); err != nil {
			st.fail("write: %v", err)
			return
		}
		resp, keepAlive, err := readHTTPResponse(br, &scratch)
		if err != nil {
			st.fail("request %d: %v", seq, err)
			return
		}
		now := rc.now()
		if _, err := parseObject(resp, 0, &r); err != nil {
			st.fail("malformed response body %q", truncate(resp, 200))
			return
		}
		if id, err := r.check(rc.wantResult); err != nil {
			st.fail("request %d: %v", seq, err)
		} else if id != seq && !rc.cfg.ignoreID {
			st.fail("response id %d, expected %d", id, seq)
		} else if rc.inWindow(now) {
			st.h.record(now - start)
			st.requests++
		}
		if !keepAlive {
			st.fail("server closed the keep-alive connection (Connection: close)")
			return
		}
	}
}

var (
	errStatus = errors.New("HTTP status is not 200")
	http11    = []byte("HTTP/1.1 ")
)

// readHTTPResponse reads one response and returns its body (valid until the next
// read) and whether the connection stays open. Only 200 is accepted.
func readHTTPResponse(br *bufio.Reader, scratch *[]byte) (body []byte, keepAlive bool, err error) {
	line, err := br.ReadSlice('\n')
	if err != nil {
		return nil, false, fmt.Errorf("reading status line: %w", err)
	}
	if !bytes.HasPrefix(line, http11) || len(line) < 12 || string(line[9:12]) != "200" {
		return nil, false, fmt.Errorf("%w: %q", errStatus, bytes.TrimSpace(line))
	}
	contentLength := -1
	chunked := false
	keepAlive = true
	for {
		line, err = br.ReadSlice('\n')
		if err != nil {
			return nil, false, fmt.Errorf("reading headers: %w", err)
		}
		line = bytes.TrimRight(line, "\r\n")
		if len(line) == 0 {
			break
		}
		colon := bytes.IndexByte(line, ':')
		if colon < 0 {
			return nil, false, fmt.Errorf("bad header line %q", line)
		}
		name, value := line[:colon], bytes.TrimSpace(line[colon+1:])
		switch {
		case bytes.EqualFold(name, []byte("content-length")):
			v, ok := parseUint(value)
			if !ok {
				return nil, false, fmt.Errorf("bad Content-Length %q", value)
			}
			contentLength = int(v)
		case bytes.EqualFold(name, []byte("transfer-encoding")):
			chunked = bytes.Contains(bytes.ToLower(value), []byte("chunked"))
		case bytes.EqualFold(name, []byte("connection")):
			if bytes.EqualFold(value, []byte("close")) {
				keepAlive = false
			}
		}
	}
	switch {
	case chunked:
		*scratch = (*scratch)[:0]
		for {
			line, err = br.ReadSlice('\n')
			if err != nil {
				return nil, false, fmt.Errorf("reading chunk size: %w", err)
			}
			line = bytes.TrimRight(line, "\r\n")
			if semi := bytes.IndexByte(line, ';'); semi >= 0 {
				line = line[:semi]
			}
			size, perr := strconv.ParseUint(string(bytes.TrimSpace(line)), 16, 32)
			if perr != nil {
				return nil, false, fmt.Errorf("bad chunk size %q", line)
			}
			if size == 0 {
				for { // trailers
					line, err = br.ReadSlice('\n')
					if err != nil {
						return nil, false, fmt.Errorf("reading trailers: %w", err)
					}
					if len(bytes.TrimRight(line, "\r\n")) == 0 {
						return *scratch, keepAlive, nil
					}
				}
			}
			old := len(*scratch)
			*scratch = append(*scratch, make([]byte, size+2)...)
			if _, err = io.ReadFull(br, (*scratch)[old:]); err != nil {
				return nil, false, fmt.Errorf("reading chunk: %w", err)
			}
			*scratch = (*scratch)[:len(*scratch)-2]
		}
	case contentLength >= 0:
		if contentLength <= br.Size() {
			b, err := br.Peek(contentLength)
			if err != nil {
				return nil, false, fmt.Errorf("reading body: %w", err)
			}
			_, _ = br.Discard(contentLength) // b stays valid until the next read
			return b, keepAlive, nil
		}
		if cap(*scratch) < contentLength {
			*scratch = make([]byte, contentLength)
		}
		*scratch = (*scratch)[:contentLength]
		if _, err := io.ReadFull(br, *scratch); err != nil {
			return nil, false, fmt.Errorf("reading body: %w", err)
		}
		return *scratch, keepAlive, nil
	default:
		return nil, false, errors.New("200 response without Content-Length or chunked body")
	}
}
