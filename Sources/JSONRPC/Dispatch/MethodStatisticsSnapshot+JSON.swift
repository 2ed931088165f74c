extension MethodStatisticsSnapshot {
    /// `{"calls": N, "errors": N, "latency": [[bucket, count], ...]}`, only non-empty buckets: the
    /// form one process sends another (a worker's heartbeat to its master).
    public var jsonValue: JSONValue {
        var buckets: [JSONValue] = []
        for (index, count) in self.latency.counts.enumerated() where count > 0 {
            buckets.append([.number(JSONNumber(index)), .number(JSONNumber(count))])
        }
        return [
            "calls": .number(JSONNumber(self.calls)),
            "errors": .number(JSONNumber(self.errors)),
            "latency": .array(buckets),
        ]
    }

    /// Decodes ``jsonValue``'s form; nil when the shape is wrong.
    public init?(jsonValue: JSONValue) {
        guard case .object(let object) = jsonValue, case .number(let calls)? = object["calls"],
            case .number(let errors)? = object["errors"], case .array(let buckets)? = object["latency"]
        else { return nil }
        var counts = Array(repeating: 0, count: LatencyHistogram.bucketCount)
        for bucket in buckets {
            guard case .array(let pair) = bucket, pair.count == 2, case .number(let index) = pair[0],
                case .number(let count) = pair[1], let slot = index.int64, let n = count.int64,
                slot >= 0, slot < Int64(counts.count), n >= 0
            else { return nil }
            counts[Int(slot)] = Int(n)
        }
        guard let latency = LatencyHistogram(counts: counts) else { return nil }
        self.init()
        self.calls = Int(calls.int64 ?? 0)
        self.errors = Int(errors.int64 ?? 0)
        self.latency = latency
    }
}
