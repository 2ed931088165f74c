package import JSONRPC

/// One `rpcd-admin` command with its arguments, already validated.
package enum AdminCommand: Sendable, Equatable {
    /// `status`.
    case status
    /// `workers`.
    case workers
    /// `reload`: waits for the outcome.
    case reload
    /// `stop [--quick]` (method `shutdown`).
    case stop(quick: Bool)
    /// `drain [--wait]` (`draining: true`) or `undrain` (method `drain`); `wait`: until no
    /// client connection is open on the whole service.
    case drain(draining: Bool, wait: Bool)
    /// `scale N`.
    case scale(workers: Int)
    /// `log-level [LEVEL]`: `nil` reads the level.
    case logLevel(String?)
    /// `stats`.
    case stats
    /// `backends`.
    case backends
    /// `config`.
    case config
    /// `reopen-logs`.
    case reopenLogs
    /// `call METHOD [PARAMS] [--url URL]`: without a URL, the first NDJSON listener `status` reports.
    case call(method: String, params: JSONValue?, endpoint: RPCEndpoint?)

    /// How long the command waits by default: `reload` outlasts the daemon's own timeouts
    /// (a new generation starting, the old one draining), everything else is quick.
    package var defaultTimeout: Duration {
        switch self {
        case .reload: .seconds(120)
        case .drain(_, wait: true): .seconds(60)
        default: .seconds(5)
        }
    }

    /// Parses `call` params: a JSON array or object (`null` counts as none).
    /// - Throws: ``AdminUsageError`` for text that is not JSON or is another kind of value.
    package static func callParams(_ text: String) throws(AdminUsageError) -> JSONValue? {
        let value: JSONValue
        do {
            value = try JSONParser(maxDepth: JSONParser.depthCeiling).parse(text)
        } catch {
            throw AdminUsageError("params are not valid JSON: \(error)")
        }
        switch value {
        case .array, .object: return value
        case .null: return nil
        default: throw AdminUsageError("params must be a JSON array or object, not a \(value.kindName)")
        }
    }

    /// Parses a `log-level` argument (case-insensitive).
    /// - Throws: ``AdminUsageError`` naming the known levels.
    package static func level(_ text: String) throws(AdminUsageError) -> String {
        guard let level = LogLevelParams.normalized(text) else {
            throw AdminUsageError(
                "invalid log level '\(text)' (expected \(LogLevelParams.levels.joined(separator: ", ")))"
            )
        }
        return level
    }

    /// Parses `--timeout`: seconds (`2.5`) or a duration with a unit (`500ms`, `60s`, `2m`, `1h`),
    /// above 0 and at most a day.
    /// - Throws: ``AdminUsageError`` naming the accepted forms.
    package static func timeout(_ text: String) throws(AdminUsageError) -> Duration {
        let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)]
        let unit = units.first { text.hasSuffix($0.suffix) } ?? ("", 1)
        guard let number = Double(text.dropLast(unit.suffix.count)), number.isFinite,
            case let seconds = number * unit.seconds, seconds > 0, seconds <= 86_400
        else {
            throw AdminUsageError(
                "invalid --timeout '\(text)' (expected seconds above 0, at most 86400, or a duration such as 500ms, 60s, 2m)"
            )
        }
        return .milliseconds(Int64((seconds * 1_000).rounded(.up)))
    }

    /// Parses a `call --url`.
    /// - Throws: ``AdminUsageError`` listing the accepted forms.
    package static func endpoint(_ text: String) throws(AdminUsageError) -> RPCEndpoint {
        guard let endpoint = RPCEndpoint(url: text) else {
            throw AdminUsageError(
                "invalid URL '\(text)' (expected tcp://HOST:PORT, unix:/PATH, http://HOST:PORT, tls://HOST:PORT "
                    + "or https://HOST:PORT)"
            )
        }
        return endpoint
    }
}
