#!/usr/bin/env python3
"""cluster-load: an open-loop JSON-RPC load over HTTP and NDJSON, for scripts/cluster-test.

    cluster-load.py --http HOST:PORT --ndjson HOST:PORT --rate N --out FILE
                    [--stop-file PATH] [--max-seconds S] [--timeout S]

Open loop: call i of each transport is due at start + i/N, whether or not earlier calls have
answered, so a stalled server shows up as latency and failures, never as a slower load (the
latency of a call counts from when it was due). Every call opens its own connection, sends one
`sum` request with params [i, 1] and must get {"result": i+1} with its own id; the client never
retries except as DESIGN §9 asks of every stream client: an NDJSON connection that reaches EOF
before a single byte of the answer was closed at a message boundary, and the call is sent once
more on a new connection (counted as "retried"; a second EOF is a failure). HTTP calls are never
retried, so every call the cluster loses there is counted. It stops scheduling when --stop-file
appears (or after --max-seconds), waits for the calls still out (each bounded by --timeout) and
writes one JSON object per call to --out:

    {"transport": "http"|"ndjson", "i": N, "due": T, "start": T, "end": T,
     "class": "ok"|"refused"|"reset"|"closed"|"http_5xx"|"http_other"|"jsonrpc_error"|"timeout"|"other",
     "detail": "...", "retried": true|false}

Times are wall-clock seconds (time.time()), comparable with `date +%s.%N` in the caller.
Standard library only.
"""

import argparse
import asyncio
import json
import os
import signal
import sys
import time


class EOFBeforeAnswer(Exception):
    """An NDJSON connection ended before any byte of the answer: retried once (DESIGN §9)."""


def parse_address(text):
    host, _, port = text.rpartition(":")
    return host, int(port)


def classify_exception(error):
    """The failure class of an exception raised while talking to the balancer."""
    if isinstance(error, asyncio.TimeoutError):
        return "timeout"
    if isinstance(error, ConnectionRefusedError):
        return "refused"
    if isinstance(error, (ConnectionResetError, BrokenPipeError)):
        return "reset"
    if isinstance(error, (asyncio.IncompleteReadError, EOFBeforeAnswer)):
        return "closed"
    return "other"


def check_answer(body, i):
    """The class of a JSON-RPC answer: ok only for our id and the right sum."""
    try:
        answer = json.loads(body)
    except ValueError:
        return "other", "not JSON: %r" % body[:80]
    if not isinstance(answer, dict):
        return "other", "not an object: %r" % body[:80]
    if "error" in answer:
        return "jsonrpc_error", json.dumps(answer["error"])[:120]
    if answer.get("id") != i or answer.get("result") != i + 1:
        return "other", "wrong answer: %r" % body[:120]
    return "ok", ""


def request_body(i):
    return json.dumps({"jsonrpc": "2.0", "method": "sum", "params": [i, 1], "id": i}).encode()


async def call_ndjson(address, i):
    reader, writer = await asyncio.open_connection(*address)
    try:
        writer.write(request_body(i) + b"\n")
        await writer.drain()
        line = await reader.readline()
        if not line:
            raise EOFBeforeAnswer()
        if not line.endswith(b"\n"):
            # EOF before a whole line: the connection was closed without an answer.
            return "closed", "EOF after %d bytes" % len(line)
        return check_answer(line, i)
    finally:
        writer.close()


async def call_http(address, i):
    reader, writer = await asyncio.open_connection(*address)
    try:
        body = request_body(i)
        writer.write(
            b"POST / HTTP/1.1\r\nHost: rpcd\r\nContent-Type: application/json\r\n"
            b"Content-Length: %d\r\n\r\n%s" % (len(body), body)
        )
        await writer.drain()
        try:
            head = await reader.readuntil(b"\r\n\r\n")
        except asyncio.IncompleteReadError as error:
            return "closed", "EOF after %d bytes of the head" % len(error.partial)
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split(" ")[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.strip().lower() == "content-length":
                length = int(value.strip())
        payload = await reader.readexactly(length)
        if status >= 500:
            return "http_5xx", "HTTP %d %r" % (status, payload[:80])
        if status != 200:
            return "http_other", "HTTP %d %r" % (status, payload[:80])
        return check_answer(payload, i)
    finally:
        writer.close()


async def one_call(transport, address, i, due, timeout, records):
    start = time.time()
    call = call_http if transport == "http" else call_ndjson
    retried = False
    deadline = start + timeout
    while True:
        try:
            outcome, detail = await asyncio.wait_for(call(address, i), max(0.001, deadline - time.time()))
        except EOFBeforeAnswer as error:
            if not retried:
                retried = True
                continue
            outcome, detail = "closed", "EOF before any answer, twice"
        except Exception as error:  # every failure is a result here, classified
            outcome, detail = classify_exception(error), "%s: %s" % (type(error).__name__, error)
        break
    records.append(
        {"transport": transport, "i": i, "due": due, "start": start, "end": time.time(),
         "class": outcome, "detail": detail, "retried": retried}
    )


async def schedule(transport, address, rate, t0, stop, timeout, records, tasks):
    i = 0
    while not stop.is_set():
        due = t0 + i / rate
        delay = due - time.time()
        if delay > 0:
            try:
                await asyncio.wait_for(stop.wait(), delay)
                break
            except asyncio.TimeoutError:
                pass
        tasks.add(asyncio.ensure_future(one_call(transport, address, i, due, timeout, records)))
        i += 1


async def watch_stop(stop, stop_file, deadline):
    while not stop.is_set():
        if (stop_file and os.path.exists(stop_file)) or time.time() >= deadline:
            stop.set()
            return
        await asyncio.sleep(0.02)


async def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--http", required=True, type=parse_address)
    parser.add_argument("--ndjson", required=True, type=parse_address)
    parser.add_argument("--rate", type=float, default=100.0, help="calls per second per transport")
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds per call")
    parser.add_argument("--max-seconds", type=float, default=120.0)
    parser.add_argument("--stop-file")
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    records, tasks = [], set()
    t0 = time.time() + 0.05
    # The NDJSON calls are due half a period after the HTTP ones: an even stream of calls.
    await asyncio.gather(
        schedule("http", args.http, args.rate, t0, stop, args.timeout, records, tasks),
        schedule("ndjson", args.ndjson, args.rate, t0 + 0.5 / args.rate, stop, args.timeout, records, tasks),
        watch_stop(stop, args.stop_file, t0 + args.max_seconds),
    )
    if tasks:
        await asyncio.wait(tasks)
    with open(args.out + ".tmp", "w") as out:
        for record in sorted(records, key=lambda r: r["due"]):
            out.write(json.dumps(record) + "\n")
    os.rename(args.out + ".tmp", args.out)


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        sys.exit(130)
