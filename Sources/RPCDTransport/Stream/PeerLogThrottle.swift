/// Decides which events are logged: at most one per peer address per interval, so that a peer
/// repeating a mistake cannot flood the log. It remembers a bounded number of peers; when that
/// many logged within the interval, events from further peers are not logged until some expire.
struct PeerLogThrottle {
    /// How long after one logged event the same peer's are not.
    var interval: Duration
    /// The most peers remembered.
    var capacity: Int
    private var lastLogged: [String: ContinuousClock.Instant] = [:]

    init(interval: Duration = .seconds(60), capacity: Int = 1024) {
        self.interval = interval
        self.capacity = capacity
    }

    /// Whether an event from `peer` at `now` is logged; records it if so.
    mutating func shouldLog(_ peer: String, now: ContinuousClock.Instant) -> Bool {
        if let last = self.lastLogged[peer], now - last < self.interval {
            return false
        }
        if self.lastLogged[peer] == nil, self.lastLogged.count >= self.capacity {
            self.lastLogged = self.lastLogged.filter { now - $0.value < self.interval }
            guard self.lastLogged.count < self.capacity else {
                return false
            }
        }
        self.lastLogged[peer] = now
        return true
    }

    /// How many peers are remembered.
    var count: Int { self.lastLogged.count }
}
