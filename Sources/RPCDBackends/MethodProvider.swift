package import JSONRPC

/// A source of methods that are not built in: exec methods now, backend pools beside them later
/// (DESIGN §10). The composition root asks each provider for its names (to refuse a name defined
/// twice) and lets it register its handlers.
package protocol MethodProvider: Sendable {
    /// What defines each method, for the clash message: `exec method /etc/rpcd/methods.d/greet`.
    var definitions: [(name: String, origin: String)] { get }
    /// Registers every method of the provider.
    func register(into registry: inout MethodRegistry)
}

extension MethodProvider {
    /// The first method name also found in `registered` (built-ins), as a clash naming both.
    package func clash(with registered: [String]) -> MethodNameClash? {
        for definition in self.definitions where registered.contains(definition.name) {
            return MethodNameClash(name: definition.name, first: "built-in method", second: definition.origin)
        }
        return nil
    }
}
