package main

import (
	"bytes"
	"errors"
)

// A minimal JSON scanner, enough to validate JSON-RPC responses cheaply: the load
// client shares two cores with the server under test, so it must not spend
// encoding/json's time on every response. It finds the top-level members of an
// object (whatever their order or whitespace) and skips values structurally.

var errJSON = errors.New("malformed JSON")

func isWS(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipWS(b []byte, i int) int {
	for i < len(b) && isWS(b[i]) {
		i++
	}
	return i
}

func skipString(b []byte, i int) (int, error) {
	// b[i] == '"'
	i++
	for i < len(b) {
		switch b[i] {
		case '\\':
			i += 2
		case '"':
			return i + 1, nil
		default:
			i++
		}
	}
	return 0, errJSON
}

func skipValue(b []byte, i int) (int, error) {
	i = skipWS(b, i)
	if i >= len(b) {
		return 0, errJSON
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		close := byte('}')
		if b[i] == '[' {
			close = ']'
		}
		obj := b[i] == '{'
		i = skipWS(b, i+1)
		if i < len(b) && b[i] == close {
			return i + 1, nil
		}
		for {
			var err error
			if obj {
				i = skipWS(b, i)
				if i >= len(b) || b[i] != '"' {
					return 0, errJSON
				}
				if i, err = skipString(b, i); err != nil {
					return 0, err
				}
				i = skipWS(b, i)
				if i >= len(b) || b[i] != ':' {
					return 0, errJSON
				}
				i++
			}
			if i, err = skipValue(b, i); err != nil {
				return 0, err
			}
			i = skipWS(b, i)
			if i >= len(b) {
				return 0, errJSON
			}
			if b[i] == close {
				return i + 1, nil
			}
			if b[i] != ',' {
				return 0, errJSON
			}
			i++
		}
	default:
		j := i
		for j < len(b) {
			c := b[j]
			if c == ',' || c == '}' || c == ']' || isWS(c) {
				break
			}
			j++
		}
		if j == i {
			return 0, errJSON
		}
		return j, nil
	}
}

// rpcResponse holds the raw bytes of a response object's members (nil if absent).
type rpcResponse struct {
	jsonrpc, id, result, errorv []byte
}

// parseObject reads one JSON-RPC response object starting at b[i] and returns the
// index just past it.
func parseObject(b []byte, i int, r *rpcResponse) (int, error) {
	*r = rpcResponse{}
	i = skipWS(b, i)
	if i >= len(b) || b[i] != '{' {
		return 0, errJSON
	}
	i = skipWS(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1, nil
	}
	for {
		i = skipWS(b, i)
		if i >= len(b) || b[i] != '"' {
			return 0, errJSON
		}
		ks := i + 1
		end, err := skipString(b, i)
		if err != nil {
			return 0, err
		}
		key := b[ks : end-1]
		i = skipWS(b, end)
		if i >= len(b) || b[i] != ':' {
			return 0, errJSON
		}
		vs := skipWS(b, i+1)
		ve, err := skipValue(b, vs)
		if err != nil {
			return 0, err
		}
		val := b[vs:ve]
		switch string(key) { // no allocation: compiler optimises string(bytes) in switch
		case "jsonrpc":
			r.jsonrpc = val
		case "id":
			r.id = val
		case "result":
			r.result = val
		case "error":
			r.errorv = val
		}
		i = skipWS(b, ve)
		if i >= len(b) {
			return 0, errJSON
		}
		if b[i] == '}' {
			return i + 1, nil
		}
		if b[i] != ',' {
			return 0, errJSON
		}
		i++
	}
}

var quoted20 = []byte(`"2.0"`)

// check validates a successful echo response and returns its numeric id.
func (r *rpcResponse) check(wantResult []byte) (uint64, error) {
	if r.errorv != nil {
		return 0, errors.New("error response: " + truncate(r.errorv, 200))
	}
	if !bytes.Equal(r.jsonrpc, quoted20) {
		return 0, errors.New(`missing or wrong "jsonrpc"`)
	}
	if r.result == nil {
		return 0, errors.New(`no "result"`)
	}
	if !bytes.Equal(r.result, wantResult) {
		return 0, errors.New("unexpected result " + truncate(r.result, 200))
	}
	id, ok := parseUint(r.id)
	if !ok {
		return 0, errors.New("bad id " + truncate(r.id, 50))
	}
	return id, nil
}

func parseUint(b []byte) (uint64, bool) {
	if len(b) == 0 || len(b) > 19 {
		return 0, false
	}
	var v uint64
	for _, c := range b {
		if c < '0' || c > '9' {
			return 0, false
		}
		v = v*10 + uint64(c-'0')
	}
	return v, true
}

func truncate(b []byte, n int) string {
	if len(b) > n {
		return string(b[:n]) + "..."
	}
	return string(b)
}
