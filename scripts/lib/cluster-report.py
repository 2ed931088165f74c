#!/usr/bin/env python3
"""cluster-report: one phase of scripts/cluster-test, from cluster-load's calls and two
haproxy-stat snapshots (before and after the phase); checks the phase's bound.

    cluster-report.py CALLS.jsonl STAT_BEFORE.json STAT_AFTER.json
        [--max-failed N]                      # at most N failed calls (0 for reload and drain)
        [--fault T0 T1 TDOWN]                 # a host failed between T0 and T1 and HAProxy
                                              # marked it DOWN at TDOWN: every failed call was
                                              # in flight between T0 and T1, none started after TDOWN
        [--no-sessions SERVER STAT_A STAT_B]  # HAProxy sent SERVER no connection between A and B

Prints what it measured (sent, ok, failed by class, latency from when each call was due, HAProxy's
retries and redispatches) and one line per check; exit 1 when a check fails. Standard library only.
"""

import argparse
import json
import sys

CLASSES = ("refused", "reset", "closed", "http_5xx", "http_other", "jsonrpc_error", "timeout", "other")
BACKENDS = ("be_rpcd_http", "be_rpcd_ndjson")


def percentile(sorted_values, fraction):
    if not sorted_values:
        return 0.0
    index = min(len(sorted_values) - 1, int(round(fraction * (len(sorted_values) - 1))))
    return sorted_values[index]


def load_json(path):
    with open(path) as source:
        return json.load(source)


def counter(stat, backend, server, name):
    value = stat.get(backend, {}).get(server, {}).get(name, "")
    return int(value) if value not in ("", None) else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("calls")
    parser.add_argument("stat_before")
    parser.add_argument("stat_after")
    parser.add_argument("--max-failed", type=int)
    parser.add_argument("--fault", nargs=3, type=float, metavar=("T0", "T1", "TDOWN"))
    parser.add_argument("--no-sessions", nargs=3, metavar=("SERVER", "STAT_A", "STAT_B"))
    args = parser.parse_args()

    with open(args.calls) as source:
        calls = [json.loads(line) for line in source if line.strip()]
    before, after = load_json(args.stat_before), load_json(args.stat_after)
    failed = [call for call in calls if call["class"] != "ok"]
    by_class = {name: sum(1 for call in failed if call["class"] == name) for name in CLASSES}
    per_transport = {
        transport: sum(1 for call in calls if call["transport"] == transport) for transport in ("http", "ndjson")
    }
    latencies = sorted((call["end"] - call["due"]) * 1000 for call in calls if call["class"] == "ok")
    span = (max(c["due"] for c in calls) - min(c["due"] for c in calls)) if calls else 0

    print("sent %d (http %d, ndjson %d) in %.1f s, ok %d, failed %d"
          % (len(calls), per_transport["http"], per_transport["ndjson"], span, len(calls) - len(failed), len(failed)))
    print("NDJSON calls retried once after EOF before any answer (DESIGN §9): %d"
          % sum(1 for call in calls if call.get("retried")))
    print("failed by class: " + ", ".join("%s %d" % (name, by_class[name]) for name in CLASSES))
    print("latency (ok calls, from when due): p50 %.1f ms, p99 %.1f ms, max %.1f ms"
          % (percentile(latencies, 0.50), percentile(latencies, 0.99), latencies[-1] if latencies else 0.0))
    retries = {b: counter(after, b, "BACKEND", "wretr") - counter(before, b, "BACKEND", "wretr") for b in BACKENDS}
    redispatches = {b: counter(after, b, "BACKEND", "wredis") - counter(before, b, "BACKEND", "wredis") for b in BACKENDS}
    print("haproxy: retries %d, redispatches %d (%s)"
          % (sum(retries.values()), sum(redispatches.values()),
             ", ".join("%s %d/%d" % (b, retries[b], redispatches[b]) for b in BACKENDS)))
    for call in failed[:10]:
        print("failed: %s #%d due %.3f, %.1f ms: %s %s"
              % (call["transport"], call["i"], call["due"], (call["end"] - call["due"]) * 1000,
                 call["class"], call["detail"]))
    if len(failed) > 10:
        print("failed: ... %d more" % (len(failed) - 10))

    problems = []
    if not calls:
        problems.append("no call was sent")
    if args.max_failed is not None:
        verdict = "ok" if len(failed) <= args.max_failed else "MISSED"
        print("bound: failed %d <= %d: %s" % (len(failed), args.max_failed, verdict))
        if verdict != "ok":
            problems.append("%d failed calls, at most %d allowed" % (len(failed), args.max_failed))
    if args.fault:
        t0, t1, tdown = args.fault
        in_flight = [c for c in calls if c["start"] <= t1 and c["end"] >= t0]
        outside = [c for c in failed if not (c["start"] <= t1 and c["end"] >= t0)]
        after_down = [c for c in failed if c["start"] > tdown]
        print("bound: failed %d <= %d calls in flight while the host failed (%.0f ms window): %s"
              % (len(failed), len(in_flight), (t1 - t0) * 1000, "ok" if not outside else "MISSED"))
        print("bound: failed calls started after HAProxy marked the host DOWN: %d: %s"
              % (len(after_down), "ok" if not after_down else "MISSED"))
        if outside:
            problems.append("%d failed calls were not in flight while the host failed" % len(outside))
        if after_down:
            problems.append("%d failed calls started after the host was marked DOWN" % len(after_down))
    if args.no_sessions:
        server, path_a, path_b = args.no_sessions
        a, b = load_json(path_a), load_json(path_b)
        new = {backend: counter(b, backend, server, "stot") - counter(a, backend, server, "stot") for backend in BACKENDS}
        print("bound: connections HAProxy sent %s while DOWN: %s: %s"
              % (server, ", ".join("%s %d" % item for item in new.items()),
                 "ok" if not any(new.values()) else "MISSED"))
        if any(new.values()):
            problems.append("HAProxy sent %s connections while it was DOWN" % server)
    for problem in problems:
        print("MISSED: " + problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
