import RPCDAccess
import Testing

@Suite struct BearerTokenTests {
    @Test(arguments: [
        ("s3cret", "s3cret"), ("s3cret\n", "s3cret"), ("\r\n \ts3cret \t\r\n", "s3cret"), ("a b", "a b"),
    ])
    func surroundingWhitespaceIsDropped(contents: String, token: String) throws {
        #expect(try BearerToken(fileContents: Array(contents.utf8)).bytes == Array(token.utf8))
    }

    @Test(arguments: ["", "\n", " \t\r\n "])
    func blankContentsAreEmpty(contents: String) {
        #expect(throws: BearerTokenError(.empty, "is empty")) {
            try BearerToken(fileContents: Array(contents.utf8))
        }
    }

    @Test func contentsOverTheLimitAreRefusedNotCut() throws {
        let limit = BearerToken.maximumFileSize
        #expect(try BearerToken(fileContents: [UInt8](repeating: 0x61, count: limit)).bytes.count == limit)
        #expect(throws: BearerTokenError(.tooLarge, "is larger than 65536 bytes")) {
            try BearerToken(fileContents: [UInt8](repeating: 0x61, count: limit + 1))
        }
    }
}
