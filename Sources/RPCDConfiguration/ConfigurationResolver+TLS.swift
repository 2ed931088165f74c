extension ConfigurationResolver {
    /// The `RPCD_TLS_*` keys: each an optional readable file. A TLS endpoint needs the certificate
    /// and key; the pair without a TLS endpoint is only a warning (socket-activated `tls` or
    /// `https` sockets may still want it).
    mutating func resolveTLS(
        listen: [ListenEndpoint],
        currentDirectory: String
    ) throws(ConfigurationError) -> TLSSettings {
        var settings = TLSSettings()
        settings.certificateFile = try self.readableFile(.tlsCertFile, what: "certificate", currentDirectory)
        settings.keyFile = try self.readableFile(.tlsKeyFile, what: "key", currentDirectory)
        settings.clientCAFile = try self.readableFile(.tlsClientCAFile, what: "client CA", currentDirectory)
        func fail(_ message: String) -> ConfigurationError {
            ConfigurationError(code: .invalidValue, message: message)
        }
        if (settings.certificateFile == nil) != (settings.keyFile == nil) {
            throw fail("RPCD_TLS_CERT_FILE and RPCD_TLS_KEY_FILE go together: set both or neither")
        }
        if settings.clientCAFile != nil, !settings.isConfigured {
            throw fail("RPCD_TLS_CLIENT_CA_FILE needs RPCD_TLS_CERT_FILE and RPCD_TLS_KEY_FILE")
        }
        if let endpoint = listen.first(where: \.tls), !settings.isConfigured {
            throw fail("RPCD_LISTEN endpoint '\(endpoint)' serves TLS: set RPCD_TLS_CERT_FILE and RPCD_TLS_KEY_FILE")
        }
        if settings.isConfigured, !listen.contains(where: \.tls) {
            self.warnings.append(
                "RPCD_TLS_CERT_FILE is set but RPCD_LISTEN has no tls:// or https:// endpoint (unused unless "
                    + "systemd passes a socket named tls… or https…)"
            )
        }
        return settings
    }

    private mutating func readableFile(
        _ key: ConfigurationKey,
        what: String,
        _ currentDirectory: String
    ) throws(ConfigurationError) -> String? {
        let host = self.inputs.host
        return try self.resolve(
            key,
            default: nil,
            { text throws(ValueProblem) -> String? in
                guard let path = try Self.optionalPath(text, currentDirectory: currentDirectory) else {
                    return nil
                }
                if let reason = host.unreadableReason(path) {
                    throw ValueProblem("cannot read the TLS \(what) file \(path): \(reason)")
                }
                return path
            },
            { $0 ?? "" }
        )
    }
}
