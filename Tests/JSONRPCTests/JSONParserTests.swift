import JSONRPC
import Testing

@Suite struct JSONParserTests {
    static let accepted: [(String, JSONValue)] = [
        ("0", 0),
        ("-0", .number(JSONNumber(text: "-0")!)),
        ("1.5e-3", .number(JSONNumber(text: "1.5e-3")!)),
        ("1E+2", .number(JSONNumber(text: "1E+2")!)),
        ("123456789012345678901234567890", .number(JSONNumber(text: "123456789012345678901234567890")!)),
        ("true", true),
        ("false", false),
        ("null", nil),
        (#""""#, ""),
        (#""\u00e9""#, "é"),
        (#""é""#, "é"),
        (#""\ud83d\ude00""#, "😀"),
        (#""😀""#, "😀"),
        (#""\"\\\/\b\f\n\r\t""#, "\"\\/\u{08}\u{0C}\n\r\t"),
        (#""\u0000""#, "\u{0}"),
        (" \t\r\n[ 1 , 2 ] \n", [1, 2]),
        (#"{"a":{"b":[]},"c":{}}"#, ["a": ["b": []], "c": [:]]),
        (#"{"a":1,"a":2}"#, ["a": 2]),
        (#"["\u20AC",["x"]]"#, ["€", ["x"]]),
    ]

    @Test(arguments: accepted)
    func accepts(_ text: String, _ expected: JSONValue) throws {
        #expect(try JSONParser().parse(text) == expected)
    }

    static let rejected: [(String, [UInt8], JSONParseError.Code)] = [
        ("empty input", [], .emptyInput),
        ("only whitespace", Array("  \n".utf8), .emptyInput),
        ("trailing comma in array", Array("[1,]".utf8), .invalidSyntax),
        ("trailing comma in object", Array(#"{"a":1,}"#.utf8), .invalidSyntax),
        ("leading zero", Array("01".utf8), .invalidNumber),
        ("leading zero, negative", Array("[-01]".utf8), .invalidNumber),
        ("bare minus", Array("-".utf8), .invalidNumber),
        ("fraction without digits", Array("1.".utf8), .invalidNumber),
        ("leading point", Array(".5".utf8), .invalidSyntax),
        ("exponent without digits", Array("1e".utf8), .invalidNumber),
        ("plus sign", Array("+1".utf8), .invalidSyntax),
        ("NaN", Array("NaN".utf8), .invalidSyntax),
        ("Infinity", Array("[Infinity]".utf8), .invalidSyntax),
        ("-Infinity", Array("-Infinity".utf8), .invalidNumber),
        ("single quotes", Array("'a'".utf8), .invalidSyntax),
        ("block comment", Array("/* c */ 1".utf8), .invalidSyntax),
        ("line comment", Array("[1] // c".utf8), .trailingData),
        ("trailing garbage", Array("[1] x".utf8), .trailingData),
        ("two values", Array("1 2".utf8), .trailingData),
        ("byte order mark", [0xEF, 0xBB, 0xBF] + Array("1".utf8), .invalidSyntax),
        ("truncated literal", Array("tru".utf8), .unexpectedEnd),
        ("misspelt literal", Array("nul1".utf8), .invalidSyntax),
        ("missing comma", Array("[1 2]".utf8), .invalidSyntax),
        ("missing colon", Array(#"{"a" 1}"#.utf8), .invalidSyntax),
        ("unquoted key", Array("{a:1}".utf8), .invalidSyntax),
        ("unclosed array", Array("[".utf8), .unexpectedEnd),
        ("unclosed object", Array(#"{"a":1"#.utf8), .unexpectedEnd),
        ("unterminated string", Array(#""abc"#.utf8), .unexpectedEnd),
        ("bad escape", Array(#""\x""#.utf8), .invalidString),
        ("short unicode escape", Array(#""\u12""#.utf8), .invalidString),
        ("raw tab in string", Array("\"a\tb\"".utf8), .invalidString),
        ("raw newline in string", Array("\"a\nb\"".utf8), .invalidString),
        ("lone high surrogate", Array(#""\ud800""#.utf8), .invalidString),
        ("lone low surrogate", Array(#""\udc00""#.utf8), .invalidString),
        ("high surrogate then letter", Array(#""\ud800\u0041""#.utf8), .invalidString),
        ("high surrogate then text", Array(#""\ud800abcdef""#.utf8), .invalidString),
        ("overlong slash", [0x22, 0xC0, 0xAF, 0x22], .invalidUTF8),
        ("overlong three bytes", [0x22, 0xE0, 0x80, 0xAF, 0x22], .invalidUTF8),
        ("overlong four bytes", [0x22, 0xF0, 0x80, 0x80, 0xAF, 0x22], .invalidUTF8),
        ("UTF-8 encoded surrogate", [0x22, 0xED, 0xA0, 0x80, 0x22], .invalidUTF8),
        ("beyond U+10FFFF", [0x22, 0xF4, 0x90, 0x80, 0x80, 0x22], .invalidUTF8),
        ("F5 lead byte", [0x22, 0xF5, 0x80, 0x80, 0x80, 0x22], .invalidUTF8),
        ("lone continuation byte", [0x22, 0x80, 0x22], .invalidUTF8),
        ("truncated sequence", [0x22, 0xE2, 0x82, 0x22], .invalidUTF8),
        ("sequence cut by end", [0x22, 0xE2, 0x82], .invalidUTF8),
        ("0xFF byte", [0x22, 0xFF, 0x22], .invalidUTF8),
        ("non-ASCII outside strings", [0x5B, 0xC3, 0xA9, 0x5D], .invalidSyntax),
    ]

    @Test(arguments: rejected)
    func rejects(_ name: String, _ bytes: [UInt8], _ code: JSONParseError.Code) {
        #expect(throws: JSONParseError.self, "\(name)") { try JSONParser().parse(bytes) }
        do {
            let value = try JSONParser().parse(bytes)
            Issue.record("\(name): parsed as \(value)")
        } catch {
            #expect(error.code == code, "\(name): \(error)")
        }
    }

    static func nested(_ depth: Int) -> String {
        String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
    }

    @Test func depthBoundary() throws {
        let parser = JSONParser(maxDepth: 8)
        #expect(throws: Never.self) { try parser.parse(Self.nested(8)) }
        #expect(throws: Never.self) { try parser.parse(#"{"a":[{"b":[[[["x"]]]]}]}"#) }  // depth 8
        do {
            _ = try parser.parse(Self.nested(9))
            Issue.record("depth 9 accepted")
        } catch {
            #expect(error.code == .depthLimitExceeded)
        }
        #expect(throws: Never.self) { try parser.parse("1") }  // a scalar alone is depth 1 as well
    }

    @Test func hugeNestingIsStoppedWithoutRecursion() {
        // A megabyte of '[' must not overflow the stack: scanning stops at the depth limit.
        let open = [UInt8](repeating: UInt8(ascii: "["), count: 1 << 20)
        do {
            _ = try JSONParser().parse(open)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .depthLimitExceeded)
        }
        let balanced = open + [UInt8](repeating: UInt8(ascii: "]"), count: 1 << 20)
        do {
            _ = try JSONParser().parse(balanced)
            Issue.record("accepted")
        } catch {
            #expect(error.code == .depthLimitExceeded)
        }
    }

    @Test func depthIsDecidedWhereItIsExceededAndNothingAfterIsRead() {
        // DESIGN §9: detected while scanning; a syntax error past that point is never reached.
        do {
            _ = try JSONParser(maxDepth: 2).parse("[[[1]]] x")
            Issue.record("accepted")
        } catch {
            #expect(error.code == .depthLimitExceeded)
        }
        do {
            _ = try JSONParser(maxDepth: 2).parse("[[1]] x")
            Issue.record("accepted")
        } catch {
            #expect(error.code == .trailingData)
        }
    }

    @Test func errorsCarryPosition() {
        do {
            _ = try JSONParser().parse("[1,]")
            Issue.record("accepted")
        } catch {
            #expect(error.offset == 3)
            #expect(error.description == "unexpected character ']', expected a value at byte 3")
        }
    }

    @Test func numbersKeepTheirTokens() throws {
        let value = try JSONParser().parse("[1e3,1.50,-0,1E+2]")
        #expect(JSONWriter.serialize(value) == Array("[1e3,1.50,-0,1E+2]".utf8))
    }

    @Test func objectsKeepOrderAndLastDuplicateWins() throws {
        let value = try JSONParser().parse(#"{"b":1,"a":2,"b":3}"#)
        let object = try #require(value.objectValue)
        #expect(object.keys == ["b", "a"])
        #expect(object["b"] == 3)
        #expect(object.count == 2)
        #expect(JSONWriter.serialize(value) == Array(#"{"b":3,"a":2}"#.utf8))
    }
}

@Suite struct DepthCeilingTests {
    @Test func deepestAcceptedNestingFitsOnTheStack() throws {
        // Swift Testing runs this on a concurrency pool thread, whose stack is no bigger than a NIO thread's.
        let depth = JSONParser.depthCeiling
        let text = String(repeating: #"{"a":["#, count: depth / 2) + "1" + String(repeating: "]}", count: depth / 2)
        let value = try JSONParser(maxDepth: .max).parse(text)
        #expect(JSONWriter.serialize(value).count == text.utf8.count)
        #expect(value == value)
        do {
            _ = try JSONParser(maxDepth: .max).parse("[" + text + "]")
            Issue.record("accepted beyond the ceiling")
        } catch {
            #expect(error.code == .depthLimitExceeded)
        }
    }
}
