// Command peer is the comparison server for the rpcd benchmark: a JSON-RPC 2.0
// server written the way a typical Go developer would write one with nothing but
// the standard library. One goroutine per TCP connection reading newline-delimited
// JSON with a bufio.Scanner, json.Unmarshal per line, json.Encoder writing each
// response straight to the connection; and a net/http handler that decodes the
// POST body and writes the JSON response. It serves `echo` (and `rpc.ping`).
//
// It is deliberately neither crippled nor hand-tuned: no write coalescing, no
// custom JSON scanner, no sync.Pool tricks, GOMAXPROCS left at its default.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"syscall"
	"time"
)

const maxMessageBytes = 5 << 20 // same default limit as rpcd (RPCD_MAX_REQUEST_BYTES=5MiB)

const (
	codeParseError     = -32700
	codeInvalidRequest = -32600
	codeMethodNotFound = -32601
	codeInvalidParams  = -32602
)

type request struct {
	JSONRPC string          `json:"jsonrpc"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	ID      json.RawMessage `json:"id"` // nil when absent: a notification
}

type rpcError struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

type response struct {
	JSONRPC string          `json:"jsonrpc"`
	Result  json.RawMessage `json:"result,omitempty"`
	Error   *rpcError       `json:"error,omitempty"`
	ID      json.RawMessage `json:"id"`
}

var nullID = json.RawMessage("null")

func errorResponse(id json.RawMessage, code int, msg string) *response {
	if id == nil {
		id = nullID
	}
	return &response{JSONRPC: "2.0", Error: &rpcError{Code: code, Message: msg}, ID: id}
}

// echo takes exactly one positional param or exactly {"message": x} and returns x.
func echo(params json.RawMessage) (json.RawMessage, *rpcError) {
	p := bytes.TrimSpace(params)
	if len(p) > 0 && p[0] == '[' {
		var args []json.RawMessage
		if err := json.Unmarshal(p, &args); err == nil && len(args) == 1 {
			return args[0], nil
		}
	} else if len(p) > 0 && p[0] == '{' {
		var named map[string]json.RawMessage
		if err := json.Unmarshal(p, &named); err == nil && len(named) == 1 {
			if msg, ok := named["message"]; ok {
				return msg, nil
			}
		}
	}
	return nil, &rpcError{Code: codeInvalidParams, Message: "Invalid params"}
}

// handleRequest runs one request object. It returns nil for a notification.
func handleRequest(raw json.RawMessage) *response {
	var req request
	if err := json.Unmarshal(raw, &req); err != nil {
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) {
			return errorResponse(nil, codeParseError, "Parse error")
		}
		return errorResponse(validID(req.ID), codeInvalidRequest, "Invalid Request")
	}
	if req.JSONRPC != "2.0" || req.Method == "" || !validParams(req.Params) || !isValidID(req.ID) {
		return errorResponse(validID(req.ID), codeInvalidRequest, "Invalid Request")
	}
	var result json.RawMessage
	var rerr *rpcError
	switch req.Method {
	case "echo":
		result, rerr = echo(req.Params)
	case "rpc.ping":
		result = json.RawMessage(`"pong"`)
	default:
		rerr = &rpcError{Code: codeMethodNotFound, Message: "Method not found"}
	}
	if req.ID == nil {
		return nil // notification: no reply, even on error
	}
	if rerr != nil {
		return &response{JSONRPC: "2.0", Error: rerr, ID: req.ID}
	}
	return &response{JSONRPC: "2.0", Result: result, ID: req.ID}
}

func isValidID(id json.RawMessage) bool {
	if id == nil {
		return true
	}
	switch id[0] {
	case '"', 'n', '-', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9':
		return true
	}
	return false
}

func validID(id json.RawMessage) json.RawMessage {
	if id != nil && isValidID(id) {
		return id
	}
	return nil
}

func validParams(p json.RawMessage) bool {
	return p == nil || p[0] == '[' || p[0] == '{' || bytes.Equal(p, nullID)
}

// handleMessage runs one JSON text (a request or a batch) and returns the value to
// send back, or nil when nothing is to be sent.
func handleMessage(msg []byte) interface{} {
	msg = bytes.TrimSpace(msg)
	if len(msg) == 0 || msg[0] != '[' {
		if r := handleRequest(msg); r != nil {
			return r
		}
		return nil
	}
	var batch []json.RawMessage
	if err := json.Unmarshal(msg, &batch); err != nil {
		var syntaxErr *json.SyntaxError
		if errors.As(err, &syntaxErr) {
			return errorResponse(nil, codeParseError, "Parse error")
		}
		return errorResponse(nil, codeInvalidRequest, "Invalid Request")
	}
	if len(batch) == 0 {
		return errorResponse(nil, codeInvalidRequest, "Invalid Request")
	}
	replies := make([]*response, 0, len(batch))
	for _, raw := range batch {
		if r := handleRequest(raw); r != nil {
			replies = append(replies, r)
		}
	}
	if len(replies) == 0 {
		return nil
	}
	return replies
}

func serveConn(conn net.Conn) {
	defer conn.Close()
	scanner := bufio.NewScanner(conn)
	scanner.Buffer(make([]byte, 64*1024), maxMessageBytes+2)
	enc := json.NewEncoder(conn)
	for scanner.Scan() {
		line := scanner.Bytes()
		if len(bytes.TrimSpace(line)) == 0 {
			continue
		}
		if reply := handleMessage(line); reply != nil {
			if err := enc.Encode(reply); err != nil {
				return
			}
		}
	}
	if errors.Is(scanner.Err(), bufio.ErrTooLong) {
		_ = enc.Encode(errorResponse(nil, -32005, "Request too large"))
	}
}

// serveConnCoalesced is the -coalesce variant, what a Go developer tuning for
// pipelined clients might write: responses go through a bufio.Writer that is
// flushed only when no complete request is left in the read buffer, so a burst of
// pipelined requests is answered with one write. Not used by bench/run unless
// asked for (PEER_ARGS=-coalesce).
func serveConnCoalesced(conn net.Conn) {
	defer conn.Close()
	br := bufio.NewReaderSize(conn, 64*1024)
	bw := bufio.NewWriterSize(conn, 64*1024)
	enc := json.NewEncoder(bw)
	for {
		line, err := br.ReadBytes('\n')
		if len(line) > maxMessageBytes+2 {
			_ = enc.Encode(errorResponse(nil, -32005, "Request too large"))
			_ = bw.Flush()
			return
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if reply := handleMessage(line); reply != nil {
				if enc.Encode(reply) != nil {
					return
				}
			}
		}
		if err != nil {
			_ = bw.Flush()
			return
		}
		if !completeLineBuffered(br) && bw.Flush() != nil {
			return
		}
	}
}

func completeLineBuffered(br *bufio.Reader) bool {
	b, _ := br.Peek(br.Buffered())
	return bytes.IndexByte(b, '\n') >= 0
}

func serveTCP(ln net.Listener, coalesce bool) {
	for {
		conn, err := ln.Accept()
		if err != nil {
			if errors.Is(err, net.ErrClosed) {
				return
			}
			log.Printf("accept: %v", err)
			time.Sleep(10 * time.Millisecond)
			continue
		}
		if coalesce {
			go serveConnCoalesced(conn)
		} else {
			go serveConn(conn)
		}
	}
}

func httpHandler(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost {
		w.Header().Set("Allow", "POST")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxMessageBytes))
	if err != nil {
		http.Error(w, "request too large", http.StatusRequestEntityTooLarge)
		return
	}
	reply := handleMessage(body)
	if reply == nil {
		w.WriteHeader(http.StatusNoContent)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(reply)
}

func main() {
	tcpAddr := flag.String("tcp", "127.0.0.1:7710", "NDJSON TCP listen address (empty to disable)")
	httpAddr := flag.String("http", "127.0.0.1:7711", "HTTP listen address (empty to disable)")
	httpsAddr := flag.String("https", "", "HTTPS listen address (needs -tls-cert and -tls-key; empty to disable)")
	tlsCert := flag.String("tls-cert", "", "PEM certificate for -https")
	tlsKey := flag.String("tls-key", "", "PEM private key for -https")
	coalesce := flag.Bool("coalesce", false, "NDJSON: buffer responses and write once per burst of pipelined requests (tuned variant; default is the plain one-write-per-response server)")
	flag.Parse()
	log.SetPrefix("peer: ")

	if *tcpAddr != "" {
		ln, err := net.Listen("tcp", *tcpAddr)
		if err != nil {
			log.Fatal(err)
		}
		defer ln.Close()
		go serveTCP(ln, *coalesce)
	}
	if *httpAddr != "" {
		ln, err := net.Listen("tcp", *httpAddr)
		if err != nil {
			log.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(httpHandler), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Fatal(err)
			}
		}()
	}

	if *httpsAddr != "" {
		ln, err := net.Listen("tcp", *httpsAddr)
		if err != nil {
			log.Fatal(err)
		}
		srv := &http.Server{Handler: http.HandlerFunc(httpHandler), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			// net/http's ListenAndServeTLS, on a listener bound before the readiness check.
			if err := srv.ServeTLS(ln, *tlsCert, *tlsKey); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Fatal(err)
			}
		}()
	}

	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
}
