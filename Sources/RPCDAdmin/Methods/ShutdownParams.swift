internal import JSONRPC

/// The `shutdown` params: `{"quick": false}` drains in-flight work first, `true` stops at once.
package struct ShutdownParams: AdminPayload, RPCParameters {
    /// Whether to skip the graceful drain; `false` when the member is omitted.
    package var quick: Bool

    /// The one parameter, `quick`.
    package static var parameterNames: [String] { ["quick"] }

    /// Creates params.
    package init(quick: Bool = false) {
        self.quick = quick
    }

    /// Decodes `{"quick": BOOL}`, where `quick` may be omitted.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.quick = try container.decodeIfPresent(Bool.self, forKey: .quick) ?? false
    }

    private enum CodingKeys: String, CodingKey {
        case quick
    }
}
