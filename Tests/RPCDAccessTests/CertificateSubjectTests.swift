import Foundation
import RPCDAccess
import Testing

/// `CertificateSubject.commonName(der:)` on certificates made by `openssl req -x509`.
@Suite struct CertificateSubjectTests {
    /// `-subj /CN=alice/O=Example`.
    static let alice = Self.der(
        "MIIBmjCCAT+gAwIBAgIUDzpOCglq3lXAJ0Ps0JTHsguFSQ8wCgYIKoZIzj0EAwIwIjEOMAwGA1UEAwwFYWxpY2UxEDAOBgNVBAoMB0V4YW1wbGUwHhcNMjYxMjA4MDEwMDQ1WhcNMzYxMjA1MDEwMDQ1WjAiMQ4wDAYDVQQDDAVhbGljZTEQMA4GA1UECgwHRXhhbXBsZTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABKeseYWusup6YxwtDZs13XEUKw4YQmCZkljv9Q288jdh7TinEZ3fcLRqZy0sXm9dG0ipksnpPVT4HYwTfYa0OQWjUzBRMB0GA1UdDgQWBBS0Fv585aai6CndxUCOT1d4CsvzbDAfBgNVHSMEGDAWgBS0Fv585aai6CndxUCOT1d4CsvzbDAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kAMEYCIQCU0510klJRV4HC3UwPJZLlEYkagySuC9WH1+/xsYyC8QIhAN7gfXicoiY3TvaRuZATiu2PrKjo3h3WLb+t7WWTa/ih"
    )
    /// `-subj /O=NoName`.
    static let noName = Self.der(
        "MIIBeDCCAR2gAwIBAgIUdpDo08DjLT5kOWY3ayN+hOom7hwwCgYIKoZIzj0EAwIwETEPMA0GA1UECgwGTm9OYW1lMB4XDTI2MTIwODAxMDA0NVoXDTM2MTIwNTAxMDA0NVowETEPMA0GA1UECgwGTm9OYW1lMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEYfW3mk8fhPgrEkeA/jjbiQRz6rTN5E59ytqohGrsooZnbbzbm9oBGpLaRTS5z8NSHvXB5Z50C1u0l+hZIpkSnKNTMFEwHQYDVR0OBBYEFE4t09wyP8/b50riChLUQ2GHj4cgMB8GA1UdIwQYMBaAFE4t09wyP8/b50riChLUQ2GHj4cgMA8GA1UdEwEB/wQFMAMBAf8wCgYIKoZIzj0EAwIDSQAwRgIhAOMZmJ7GFmMUx0K22iTDEiYJaTh2aiTzrEeDNExL10hgAiEAutzf77+A1+veE9/7KDs2+GEmfU/QolyPWaf4XDcE4so="
    )
    /// `-subj /CN=a/CN=b`.
    static let twoNames = Self.der(
        "MIIBhjCCASugAwIBAgIUXH0ViMt6ZrHyYSughnYKc6WqgMAwCgYIKoZIzj0EAwIwGDEKMAgGA1UEAwwBYTEKMAgGA1UEAwwBYjAeFw0yNjEyMDgwMTAwNDVaFw0zNjEyMDUwMTAwNDVaMBgxCjAIBgNVBAMMAWExCjAIBgNVBAMMAWIwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAAT2KKPK1XXzS3qPUVp2OvHHTafhYa9mOKRU5zZF3hlIHSi707snBvP+81aEuuAEat1p3WRaunTqBccDYQzkk+JLo1MwUTAdBgNVHQ4EFgQUGvraRGljthkZ8OII6FAdsncpa0UwHwYDVR0jBBgwFoAUGvraRGljthkZ8OII6FAdsncpa0UwDwYDVR0TAQH/BAUwAwEB/zAKBggqhkjOPQQDAgNJADBGAiEAnVxoCYV9S3lJdk4SyiJb1aCXnY6JND9AZAPppu2qXxoCIQDsOcAxLCZumgMvUxl/3LYIx55SWUZn6Cxz7542NkwCBQ=="
    )

    static func der(_ base64: String) -> [UInt8] {
        Array(Data(base64Encoded: base64)!)
    }

    @Test func readsTheSubjectCommonNameNotTheIssuers() throws {
        #expect(try CertificateSubject.commonName(der: Self.alice) == "alice")
    }

    @Test func aSubjectWithoutCommonNameHasNone() throws {
        #expect(try CertificateSubject.commonName(der: Self.noName) == nil)
    }

    @Test func twoCommonNamesAreRefused() {
        #expect(throws: CertificateSubject.Problem.self) { try CertificateSubject.commonName(der: Self.twoNames) }
    }

    @Test func truncatedOrPaddedDERIsRefused() {
        for length in [0, 1, 2, 40, Self.alice.count - 1] {
            #expect(throws: CertificateSubject.Problem.self, "\(length) bytes") {
                try CertificateSubject.commonName(der: Array(Self.alice.prefix(length)))
            }
        }
        // The outer length in a longer form than needed (0x82 0x01 0x9a as 0x83 0x00 0x01 0x9a).
        var padded = Self.alice
        padded.replaceSubrange(1..<4, with: [0x83, 0x00, 0x01, 0x9A])
        #expect(throws: CertificateSubject.Problem.self) { try CertificateSubject.commonName(der: padded) }
    }

    @Test func aCommonNameThatIsNotTextIsRefused() {
        // alice's CN value retagged from UTF8String (0x0C) to OCTET STRING (0x04).
        var retagged = Self.alice
        let value: [UInt8] = [0x0C, 0x05, 0x61, 0x6C, 0x69, 0x63, 0x65]
        let subjectStart = retagged.indices.reversed().first {
            retagged[$0...].starts(with: value)
        }!
        retagged[subjectStart] = 0x04
        #expect(throws: CertificateSubject.Problem.self) { try CertificateSubject.commonName(der: retagged) }
    }
}
