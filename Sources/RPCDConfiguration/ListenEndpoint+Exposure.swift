extension ListenEndpoint {
    /// Whether other machines can reach this endpoint: a TCP endpoint on any address but loopback
    /// (`localhost`, `127.0.0.0/8`, `::1`). The wildcards `0.0.0.0` and `::` listen on every
    /// address, so they count as reachable; unix sockets never are.
    package var isReachableFromOtherHosts: Bool {
        guard case .tcp(let host, _) = self.kind else {
            return false
        }
        if host == "localhost" || host == "::1" || host == "0:0:0:0:0:0:0:1" {
            return false
        }
        let parts = host.split(separator: ".", omittingEmptySubsequences: false)
        let isLoopbackIPv4 = parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
        return !isLoopbackIPv4
    }
}
