extension ConfigurationResolver {
    /// Resolves the exposure keys (DESIGN §11) into `configuration` and refuses a listener
    /// reachable from other hosts without a credential.
    mutating func resolveExposure(into configuration: inout DaemonConfiguration) throws(ConfigurationError) {
        configuration.allowUnauthenticated = try self.resolve(
            .allowUnauthenticated,
            default: false,
            ConfigValueSyntax.boolean,
            ConfigValueSyntax.render
        )
        configuration.httpAllowedHosts = try self.resolve(
            .httpAllowedHosts,
            default: configuration.httpAllowedHosts,
            ConfigValueSyntax.hostNames,
            { $0.joined(separator: ",") }
        )
        configuration.httpAllowedOrigins = try self.resolve(
            .httpAllowedOrigins,
            default: [],
            ConfigValueSyntax.origins,
            { $0.joined(separator: ",") }
        )
        if let problem = configuration.unauthenticatedExposure(of: configuration.listen) {
            throw ConfigurationError(code: .unauthenticatedListener, message: "RPCD_LISTEN: \(problem)")
        }
    }
}
