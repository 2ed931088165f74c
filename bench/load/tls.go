package main

import (
	"bufio"
	"crypto/tls"
	"net"
	"strconv"
)

// dial connects to cfg.addr, with TCP_NODELAY, and with -tls completes a TLS handshake
// (TLS 1.2 or 1.3, certificate not verified: the bench makes its own).
func dial(d *net.Dialer, cfg *config) (net.Conn, error) {
	c, err := d.Dial("tcp", cfg.addr)
	if err != nil {
		return nil, err
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetNoDelay(true)
	}
	if !cfg.tls {
		return c, nil
	}
	tc := tls.Client(c, &tls.Config{InsecureSkipVerify: true, MinVersion: tls.VersionTLS12})
	if err := tc.Handshake(); err != nil {
		c.Close()
		return nil, err
	}
	return tc, nil
}

// runHTTPNewConn is runHTTP with a new connection (and, with -tls, a full handshake) for every
// request: the latency recorded includes connecting. first is the connection main dialled.
func runHTTPNewConn(rc *runCtx, first net.Conn, st *connStats, redial func() (net.Conn, error)) {
	conn := first
	body := make([]byte, 0, 256)
	wbuf := make([]byte, 0, 512)
	var scratch []byte
	var seq uint64
	var r rpcResponse
	for rc.now() < rc.t1 {
		seq++
		start := rc.now()
		if conn == nil {
			c, err := redial()
			if err != nil {
				st.fail("connect: %v", err)
				return
			}
			conn = c
		}
		body = append(body[:0], rc.prefix...)
		body = strconv.AppendUint(body, seq, 10)
		body = append(body, '}')
		wbuf = append(wbuf[:0], rc.httpHead...)
		wbuf = strconv.AppendInt(wbuf, int64(len(body)), 10)
		wbuf = append(wbuf, "\r\n\r\n"...)
		wbuf = append(wbuf, body...)
		if _, err := conn.Write(wbuf); err != nil {
			conn.Close()
			st.fail("write: %v", err)
			return
		}
		resp, _, err := readHTTPResponse(bufio.NewReader(conn), &scratch)
		conn.Close()
		conn = nil
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
	}
	if conn != nil {
		conn.Close()
	}
}
