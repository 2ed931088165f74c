// Command echo-backend is the benchmark's rpcd backend (DESIGN §10.2), in Go's standard library:
// JSON-RPC 2.0 requests, one per line, on stdin; one response per line on stdout.
//
//	echo-backend [-method bk.echo]
//
// One goroutine reads lines (bufio.Reader, 1 MiB buffer), decodes each request with
// encoding/json and answers it into a bufio.Writer, which is flushed whenever no complete
// request line is left in the read buffer: a burst of pipelined calls costs one write, a lone
// call is answered at once. It answers the method (result = params[0], or params.message,
// like the peer's echo) and rpc.discover (an OpenRPC document listing the method); a
// notification ($/cancelRequest) gets no answer. Nothing but responses goes to stdout.
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
)

type request struct {
	JSONRPC string          `json:"jsonrpc"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	ID      json.RawMessage `json:"id"`
}

func main() {
	method := flag.String("method", "bk.echo", "the echo method's name (must not clash with an rpcd built-in)")
	flag.Parse()
	discover, _ := json.Marshal(map[string]interface{}{
		"openrpc": "1.2.6",
		"info":    map[string]string{"title": "echo-backend", "version": "1.0.0"},
		"methods": []interface{}{map[string]interface{}{
			"name":           *method,
			"summary":        "Returns its argument.",
			"paramStructure": "either",
			"params":         []interface{}{map[string]interface{}{"name": "message", "required": true, "schema": map[string]string{"type": "string"}}},
			"result":         map[string]interface{}{"name": "message", "schema": map[string]string{"type": "string"}},
		}},
	})

	in := bufio.NewReaderSize(os.Stdin, 1<<20)
	out := bufio.NewWriterSize(os.Stdout, 1<<20)
	var scratch []byte
	for {
		line, err := readLine(in, &scratch)
		if len(bytes.TrimSpace(line)) > 0 {
			answer(out, line, *method, discover)
		}
		if err != nil {
			out.Flush()
			if !errors.Is(err, io.EOF) {
				fmt.Fprintf(os.Stderr, "echo-backend: reading stdin: %v\n", err)
				os.Exit(1)
			}
			return // rpcd closed stdin: stop
		}
		if !hasLine(in) {
			if err := out.Flush(); err != nil {
				fmt.Fprintf(os.Stderr, "echo-backend: writing stdout: %v\n", err)
				os.Exit(1)
			}
		}
	}
}

// answer writes the response to one request line (nothing for a notification).
func answer(out *bufio.Writer, line []byte, method string, discover []byte) {
	var req request
	if err := json.Unmarshal(line, &req); err != nil || req.JSONRPC != "2.0" {
		// rpcd sends only valid requests; an answer with an id rpcd did not give would be a
		// protocol violation, so say it on stderr (rpcd's log) and go on.
		fmt.Fprintf(os.Stderr, "echo-backend: not a JSON-RPC 2.0 request: %.200q\n", line)
		return
	}
	if req.ID == nil {
		return
	}
	switch req.Method {
	case "rpc.discover":
		result(out, req.ID, discover)
	case method:
		var positional []json.RawMessage
		var named struct {
			Message json.RawMessage `json:"message"`
		}
		switch {
		case json.Unmarshal(req.Params, &positional) == nil && len(positional) == 1:
			result(out, req.ID, positional[0])
		case json.Unmarshal(req.Params, &named) == nil && named.Message != nil:
			result(out, req.ID, named.Message)
		default:
			failure(out, req.ID, -32602, "params must be [message] or {\"message\": ...}")
		}
	default:
		failure(out, req.ID, -32601, "method not found")
	}
}

func result(out *bufio.Writer, id, value json.RawMessage) {
	out.WriteString(`{"jsonrpc":"2.0","result":`)
	out.Write(value)
	out.WriteString(`,"id":`)
	out.Write(id)
	out.WriteString("}\n")
}

func failure(out *bufio.Writer, id json.RawMessage, code int, message string) {
	text, _ := json.Marshal(message)
	fmt.Fprintf(out, `{"jsonrpc":"2.0","error":{"code":%d,"message":%s},"id":%s}`+"\n", code, text, id)
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

// readLine returns the next line, using scratch for a line longer than the buffer.
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
