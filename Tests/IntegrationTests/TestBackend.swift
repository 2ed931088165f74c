import Foundation
import TestSupport
import Testing

/// A backend for the tests (DESIGN §10.2): a Python script speaking JSON-RPC on stdin/stdout
/// whose methods misbehave on request. Its methods are `PREFIX.NAME` (`TB_PREFIX`, default `tb`),
/// listed by its own `rpc.discover` (with the names in `TB_EXTRA` too); what it sees that a client cannot (cancellations,
/// notifications, silent calls) it appends to the file `TB_LOG`.
enum TestBackend {
    static let methods = ["echo", "pid", "garbage", "unknown_id", "huge", "silent", "flood", "fork", "error", "note"]

    static let script = #"""
        import json, os, signal, sys, time
        prefix = os.environ.get("TB_PREFIX", "tb")
        log = os.environ.get("TB_LOG")
        def note(text):
            if log:
                with open(log, "a") as f:
                    f.write(text + "\n")
        def send(message):
            sys.stdout.write(json.dumps(message) + "\n")
            sys.stdout.flush()
        def reply(id, result):
            send({"jsonrpc": "2.0", "id": id, "result": result})
        names = [NAMES]
        extra = [name for name in os.environ.get("TB_EXTRA", "").split(",") if name]
        for line in sys.stdin:
            message = json.loads(line)
            method, id, params = message.get("method"), message.get("id"), message.get("params")
            if method == "$/cancelRequest":
                note("cancel %s" % params["id"])
            elif method == "rpc.discover":
                reply(id, {"openrpc": "1.2.6", "info": {"title": prefix, "version": "1"}, "methods": [
                    {"name": prefix + "." + name, "params": [], "result": {"name": "result", "schema": {}}}
                    for name in names] + [
                    {"name": name, "params": [], "result": {"name": "result", "schema": {}}} for name in extra]})
            else:
                name = method.split(".", 1)[1]
                if name == "echo":
                    reply(id, params)
                elif name == "pid":
                    reply(id, os.getpid())
                elif name == "garbage":
                    sys.stdout.write("this is not json\n")
                    sys.stdout.flush()
                elif name == "unknown_id":
                    reply(id + 1000, 1)
                elif name == "huge":
                    sys.stdout.write('{"jsonrpc":"2.0","id":%d,"result":"' % id + "x" * (50 << 20) + '"}\n')
                    sys.stdout.flush()
                elif name == "silent":
                    note("silent %s" % id)
                elif name == "flood":
                    for i in range(100000):
                        sys.stderr.write("flood line %d\n" % i)
                    sys.stderr.flush()
                    reply(id, "flooded")
                elif name == "fork":
                    child = os.fork()
                    if child == 0:
                        signal.signal(signal.SIGTERM, signal.SIG_IGN)
                        time.sleep(3600)
                        os._exit(0)
                    reply(id, child)
                elif name == "error":
                    send({"jsonrpc": "2.0", "id": id, "error": {"code": 7, "message": "backend says no", "data": [1]}})
                elif name == "note":
                    note("note %s %s" % (id, json.dumps(params)))
        """#.replacingOccurrences(of: "[NAMES]", with: "[" + methods.map { "\"\($0)\"" }.joined(separator: ", ") + "]")

    /// Writes the script into `directory` and returns its path.
    static func write(in directory: TemporaryDirectory) throws -> String {
        try directory.write("test_backend.py", self.script)
    }

    /// The environment declaring backend `name` (methods `NAME.*`) running the script, with `keys`
    /// (`INSTANCES`, `TIMEOUT`, ...) added; `RPCD_BACKENDS_DIR` is off unless `keys` sets it.
    static func environment(
        _ name: String,
        script: String,
        log: String? = nil,
        keys: [String: String] = [:]
    ) -> [String: String] {
        let prefix = "RPCD_BACKEND_\(name.uppercased())_"
        var environment = ["RPCD_BACKENDS_DIR": "", prefix + "COMMAND": "/usr/bin/python3 \(script)"]
        environment[prefix + "ENV_TB_PREFIX"] = name
        if let log { environment[prefix + "ENV_TB_LOG"] = log }
        for (key, value) in keys { environment[prefix + key] = value }
        return environment
    }

    /// The lines the backends appended to `log` so far.
    static func logLines(_ log: String) -> [String] {
        ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    static func object(_ line: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
    }

    /// The `error` member of a response: code, message and data.
    static func error(_ line: String) throws -> (code: Int, message: String, data: [String: Any]?) {
        let error = try #require(try object(line)["error"] as? [String: Any], "no error in \(line)")
        return (try #require(error["code"] as? Int), error["message"] as? String ?? "", error["data"] as? [String: Any])
    }

    /// The pid the backend serving `client` reports (`NAME.pid`).
    static func pid(_ client: LineClient, backend: String = "tb", id: Int = 900) throws -> Int32 {
        let line = try client.call(#"{"jsonrpc":"2.0","method":"\#(backend).pid","id":\#(id)}"#)
        return Int32(try #require(try object(line)["result"] as? Int, "no pid in \(line)"))
    }
}
