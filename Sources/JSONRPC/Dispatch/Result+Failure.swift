extension Result {
    /// Whether this is a failure, for the statistics of a call.
    var isFailure: Bool {
        if case .failure = self { return true }
        return false
    }
}
