#!/usr/bin/python3
"""An rpcd backend (DESIGN §10.2, etc/rpcd/backends.d/README): rpcd writes one JSON-RPC request
per line to stdin and reads one response per line from stdout; stderr goes to rpcd's log."""
import json, sys

TYPES = {"string": str, "number": (int, float)}
METHODS = {  # name: (summary, [(param, JSON type)], result's JSON type, function)
    "py.upper": ("Upper-cases a string.", [("text", "string")], "string", lambda text: text.upper()),
    "py.add": ("Adds two numbers.", [("a", "number"), ("b", "number")], "number", lambda a, b: a + b),
}
DISCOVER = {"openrpc": "1.2.6", "info": {"title": "py", "version": "1.0.0"}, "methods": [
    {"name": name, "summary": summary, "paramStructure": "either",
     "params": [{"name": p, "required": True, "schema": {"type": t}} for p, t in params],
     "result": {"name": "result", "schema": {"type": result}}}
    for name, (summary, params, result, _) in METHODS.items()]}

def call(name, params):
    if name == "rpc.discover":
        return DISCOVER
    summary, spec, result, function = METHODS[name]
    if isinstance(params, dict):
        params = [params.get(p) for p, _ in spec]
    if not isinstance(params, list) or len(params) != len(spec):
        raise TypeError("params must be [%s] or an object with them" % ", ".join(p for p, _ in spec))
    for (p, t), value in zip(spec, params):
        if not isinstance(value, TYPES[t]) or isinstance(value, bool):
            raise TypeError("%s must be a %s, not %s" % (p, t, json.dumps(value)))
    return function(*params)

for line in sys.stdin:  # one request object per line (rpcd splits batches)
    request = json.loads(line)
    if "id" not in request:  # a notification, e.g. $/cancelRequest: nothing to answer
        continue
    name, reply = request.get("method"), {"jsonrpc": "2.0", "id": request["id"]}
    try:
        if name != "rpc.discover" and name not in METHODS:
            reply["error"] = {"code": -32601, "message": "method not found: %s" % name}
        else:
            reply["result"] = call(name, request.get("params", []))
        text = json.dumps(reply, allow_nan=False)
    except (TypeError, ValueError) as error:  # bad params, or a result JSON cannot hold (inf)
        reply.pop("result", None)
        reply["error"] = {"code": -32602 if isinstance(error, TypeError) else -32000, "message": str(error)}
        text = json.dumps(reply)
    sys.stdout.write(text + "\n")
    sys.stdout.flush()  # answer now: rpcd waits for this line
