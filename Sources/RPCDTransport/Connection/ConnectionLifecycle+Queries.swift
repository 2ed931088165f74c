extension ConnectionLifecycle {
    // MARK: Queries

    /// Whether messages read now are still answered (serving or draining).
    var isAnswering: Bool {
        switch self.state {
        case .serving, .draining: true
        case .lingering, .closing, .closed: false
        }
    }

    /// Whether the connection is to end once what was read has been answered.
    var isDraining: Bool {
        if case .draining = self.state { return true }
        return false
    }

    /// Whether the next response is the last (draining, or leaving a draining service): HTTP
    /// says `Connection: close` in it.
    var closesAfterAnswer: Bool {
        switch self.state {
        case .serving(let progress): progress.leaving
        case .draining: true
        case .lingering, .closing, .closed: false
        }
    }

    /// Calls in flight (0 once the connection no longer answers).
    var inFlight: Int {
        switch self.state {
        case .serving(let progress), .draining(let progress, _): progress.inFlight
        case .lingering, .closing, .closed: 0
        }
    }
}
