extension HTTPClient {
    /// `GET path` on a connection of its own (a load balancer's health check), closed afterwards.
    public static func get(_ endpoint: SocketEndpoint, path: String) throws -> HTTPResponse {
        let client = try HTTPClient(endpoint)
        defer { client.close() }
        return try client.request(method: "GET", path: path, headers: [], body: nil)
    }
}
