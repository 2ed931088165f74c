internal import JSONRPC

/// The `drain` params: `{"draining": true}` takes rpcd out of rotation, `false` brings it back.
package struct DrainParams: AdminPayload, RPCParameters {
    /// Whether to drain; `true` when the member is omitted.
    package var draining: Bool

    /// The one parameter, `draining`.
    package static var parameterNames: [String] { ["draining"] }

    /// Creates params.
    package init(draining: Bool = true) {
        self.draining = draining
    }

    /// Decodes `{"draining": BOOL}`, where `draining` may be omitted.
    package init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        self.draining = try container.decodeIfPresent(Bool.self, forKey: .draining) ?? true
    }

    private enum CodingKeys: String, CodingKey {
        case draining
    }
}
