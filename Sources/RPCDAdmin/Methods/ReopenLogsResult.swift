/// The result of `reopen_logs`: `{"reopened": true}` once every process was told to reopen.
package struct ReopenLogsResult: AdminPayload, Sendable, Equatable {
    /// Always true: a failure is a JSON-RPC error instead.
    package var reopened: Bool

    package init(reopened: Bool) {
        self.reopened = reopened
    }
}
