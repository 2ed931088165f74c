#!/usr/bin/env python3
"""haproxy-stat: read HAProxy's stats socket ("show stat"), for scripts/cluster-test.

    haproxy-stat.py SOCKET wait SERVER UP|DOWN TIMEOUT   # prints the time.time() it was seen
    haproxy-stat.py SOCKET states SERVER                 # "be_rpcd_http=UP be_rpcd_ndjson=UP"
    haproxy-stat.py SOCKET snapshot                      # JSON: per backend and server, the counters

`wait` polls every 10 ms until SERVER is in that state in every backend that has it: "UP"
also matches "UP 1/3" (a failed check, still in rotation), "DOWN" also "DOWN 1/2" (a good
check, still out). Exit 1 with the last states when TIMEOUT seconds pass. Standard library only.
"""

import csv
import io
import json
import socket
import sys
import time

# The "show stat" columns the test reads (HAProxy management guide, section 9.1).
FIELDS = ("status", "scur", "stot", "wretr", "wredis", "chkfail", "chkdown", "lastchg", "econ", "eresp")


def show_stat(path):
    """Every row of "show stat" as a dict, with the header's names (without its "# ")."""
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as connection:
        connection.settimeout(2)
        connection.connect(path)
        connection.sendall(b"show stat\n")
        chunks = []
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            chunks.append(chunk)
    text = b"".join(chunks).decode()
    if text.startswith("# "):
        text = text[2:]
    return list(csv.DictReader(io.StringIO(text)))


def server_rows(rows, server):
    return [row for row in rows if row["svname"] == server]


def states(rows, server):
    return " ".join("%s=%s" % (row["pxname"], row["status"]) for row in server_rows(rows, server))


def wait(path, server, state, timeout):
    deadline = time.time() + timeout
    last = ""
    while True:
        now = time.time()
        try:
            rows = server_rows(show_stat(path), server)
        except OSError as error:
            rows, last = [], "stats socket: %s" % error
        if rows:
            last = " ".join("%s=%s" % (row["pxname"], row["status"]) for row in rows)
            if all(row["status"].split(" ")[0] == state for row in rows):
                print("%.6f" % now)
                return 0
        if now >= deadline:
            print("%s not %s after %gs: %s" % (server, state, timeout, last), file=sys.stderr)
            return 1
        time.sleep(0.01)


def snapshot(path):
    result = {}
    for row in show_stat(path):
        if row["svname"] == "FRONTEND":
            continue
        result.setdefault(row["pxname"], {})[row["svname"]] = {
            name: row.get(name, "") for name in FIELDS
        }
    return result


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    path, command = argv[1], argv[2]
    if command == "wait" and len(argv) == 6:
        return wait(path, argv[3], argv[4], float(argv[5]))
    if command == "states" and len(argv) == 4:
        print(states(show_stat(path), argv[3]))
        return 0
    if command == "snapshot" and len(argv) == 3:
        print(json.dumps(snapshot(path)))
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
