import Foundation

/// Certificates made with `openssl` in a temporary directory for TLS tests: a CA, a server
/// certificate for `127.0.0.1` and `localhost`, and client certificates signed by the CA or by
/// another CA.
public struct TestCertificates: Sendable {
    /// Where the files live.
    public let directory: TemporaryDirectory

    /// Makes the CA (`ca.pem`), another CA (`other-ca.pem`) and the server pair (`server.pem`,
    /// `server.key`) with serial `serial`.
    public init(_ directory: TemporaryDirectory, serial: Int = 0x1001) throws {
        self.directory = directory
        try self.authority("ca", commonName: "rpcd test CA")
        try self.authority("other-ca", commonName: "rpcd other CA")
        try self.issue("server", commonName: "localhost", by: "ca", serial: serial, server: true)
    }

    /// The path of a file made here, e.g. `ca.pem`.
    public func path(_ name: String) -> String { self.directory.file(name) }

    /// Issues `NAME.pem` and `NAME.key` signed by the CA `by` (`ca` or `other-ca`).
    public func issue(_ name: String, commonName: String, by issuer: String, serial: Int, server: Bool = false) throws {
        let extensions = try self.directory.write(
            "\(name).ext",
            server ? "subjectAltName=IP:127.0.0.1,DNS:localhost\n" : "extendedKeyUsage=clientAuth\n"
        )
        try Self.openssl(
            "req",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            self.path("\(name).key"),
            "-out",
            self.path("\(name).csr"),
            "-subj",
            "/CN=\(commonName)"
        )
        try Self.openssl(
            "x509",
            "-req",
            "-in",
            self.path("\(name).csr"),
            "-CA",
            self.path("\(issuer).pem"),
            "-CAkey",
            self.path("\(issuer).key"),
            "-set_serial",
            "\(serial)",
            "-days",
            "2",
            "-extfile",
            extensions,
            "-out",
            self.path("\(name).pem")
        )
    }

    private func authority(_ name: String, commonName: String) throws {
        try Self.openssl(
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-keyout",
            self.path("\(name).key"),
            "-out",
            self.path("\(name).pem"),
            "-days",
            "2",
            "-subj",
            "/CN=\(commonName)"
        )
    }

    /// Runs `openssl` with `arguments`.
    /// - Throws: when it does not exit 0.
    public static func openssl(_ arguments: String...) throws {
        let result = try RunCommand(executable: "/usr/bin/openssl", arguments: arguments).run()
        guard result.exitCode == 0 else {
            throw TestSupportError(.processExited, "openssl \(arguments): \(result)")
        }
    }

    /// The serial number (`serial=1001`, hex) of the certificate the TLS server at `port` presents.
    public func servedSerial(port: Int) throws -> String {
        let script =
            "openssl s_client -connect 127.0.0.1:\(port) -CAfile '\(self.path("ca.pem"))' </dev/null 2>/dev/null"
            + " | openssl x509 -noout -serial"
        let result = try RunCommand(executable: "/bin/sh", arguments: ["-c", script]).run()
        return result.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
