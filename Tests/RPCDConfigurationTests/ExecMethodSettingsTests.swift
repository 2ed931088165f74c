import RPCDConfiguration
import Testing

@Suite("RPCD_METHODS_* keys (DESIGN §10.1)")
struct ExecMethodSettingsTests {
    private func load(_ environment: [String: String]) throws(ConfigurationError) -> DaemonConfiguration {
        try ConfigurationLoader.load(flags: [:], environment: environment, currentDirectory: "/srv", host: testHost())
            .configuration
    }

    @Test("defaults: no directory, output cap = RPCD_MAX_REQUEST_BYTES, 16 running, 64 waiting")
    func defaults() throws {
        let methods = try load(["RPCD_MAX_REQUEST_BYTES": "1MiB"]).methods
        #expect(methods.directory == nil)
        #expect(methods.passEnvironment.isEmpty)
        #expect(methods.maxOutputBytes == 1 << 20)
        #expect(methods.concurrency == 16)
        #expect(methods.queue == 64)
    }

    @Test("values: a relative directory is resolved, names are split and trimmed")
    func values() throws {
        let methods = try load([
            "RPCD_METHODS_DIR": "methods.d", "RPCD_METHODS_PASS_ENV": "TZ, HOME", "RPCD_METHODS_MAX_OUTPUT": "64KiB",
            "RPCD_METHODS_CONCURRENCY": "2", "RPCD_METHODS_QUEUE": "0",
        ]).methods
        #expect(methods.directory == "/srv/methods.d")
        #expect(methods.passEnvironment == ["TZ", "HOME"])
        #expect(methods.maxOutputBytes == 64 << 10)
        #expect(methods.concurrency == 2)
        #expect(methods.queue == 0)
    }

    @Test(
        "bad values name the key",
        arguments: [
            ("RPCD_METHODS_PASS_ENV", "A=B"), ("RPCD_METHODS_CONCURRENCY", "0"), ("RPCD_METHODS_QUEUE", "-1"),
            ("RPCD_METHODS_MAX_OUTPUT", "lots"),
        ]
    )
    func badValues(_ key: String, _ value: String) {
        #expect {
            _ = try load([key: value])
        } throws: { error in
            (error as? ConfigurationError)?.message.hasPrefix("\(key)='\(value)'") == true
        }
    }
}
