package import RPCDConfiguration
internal import RPCDSystem

/// A unix socket path about to be bound: a file left there by a dead server is removed, but
/// never one a live server still answers on, nor anything that is not a socket.
package enum StaleSocketFile {
    /// Clears `path` for binding `endpoint`.
    /// - Throws: `TransportError` `.addressInUse` when a server answers there, `.bindFailed`
    ///   when the path is not a socket or cannot be removed.
    package static func clear(_ path: String, for endpoint: ListenEndpoint) throws(TransportError) {
        guard FileSystemCalls.exists(path) else { return }
        guard FileSystemCalls.isSocket(path) else {
            throw TransportError(
                code: .bindFailed,
                message: "cannot listen on \(endpoint): \(path) exists and is not a socket"
            )
        }
        // Only a socket nobody answers on is stale (a connect probe, not the file's age).
        guard !SocketCalls.unixSocketAnswers(path) else {
            throw TransportError(
                code: .addressInUse,
                message: "address already in use: \(endpoint) (a server answers there)"
            )
        }
        do {
            try FileSystemCalls.removeIfPresent(path)
        } catch {
            throw TransportError(code: .bindFailed, message: "cannot listen on \(endpoint): \(error)", cause: error)
        }
    }
}
