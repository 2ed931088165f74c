/// Request and response lines the tests send and expect, spelled exactly as rpcd writes them
/// (no spaces, members in the order `jsonrpc`, `result`/`error`, `id`).
public enum JSONRPCMessages {
    /// A request line; `params` is raw JSON or nil for none.
    public static func request(_ method: String, params: String? = nil, id: String = "1") -> String {
        if let params {
            return "{\"jsonrpc\":\"2.0\",\"method\":\"\(method)\",\"params\":\(params),\"id\":\(id)}"
        }
        return "{\"jsonrpc\":\"2.0\",\"method\":\"\(method)\",\"id\":\(id)}"
    }

    /// A notification line (no id).
    public static func notification(_ method: String, params: String? = nil) -> String {
        if let params {
            return "{\"jsonrpc\":\"2.0\",\"method\":\"\(method)\",\"params\":\(params)}"
        }
        return "{\"jsonrpc\":\"2.0\",\"method\":\"\(method)\"}"
    }

    /// The exact success response for raw JSON `result`.
    public static func result(_ result: String, id: String = "1") -> String {
        "{\"jsonrpc\":\"2.0\",\"result\":\(result),\"id\":\(id)}"
    }

    /// `rpc.ping` with an id.
    public static func ping(id: Int = 1) -> String {
        self.request("rpc.ping", id: "\(id)")
    }

    /// The answer to ``ping(id:)``.
    public static func pong(id: Int = 1) -> String {
        self.result("\"pong\"", id: "\(id)")
    }

    /// `test.sleep` for `ms` milliseconds.
    public static func sleep(ms: Int, id: Int = 1) -> String {
        self.request("test.sleep", params: "{\"ms\":\(ms)}", id: "\(id)")
    }

    /// The answer to ``sleep(ms:id:)``.
    public static func slept(ms: Int, id: Int = 1) -> String {
        self.result("\(ms)", id: "\(id)")
    }
}
