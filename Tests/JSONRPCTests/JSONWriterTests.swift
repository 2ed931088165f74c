import JSONRPC
import Testing

@Suite struct JSONWriterTests {
    static let strings: [(String, String)] = [
        ("plain", #""plain""#),
        ("quote\"backslash\\", #""quote\"backslash\\""#),
        ("\n\r\t\u{08}\u{0C}", #""\n\r\t\b\f""#),
        ("\u{0}\u{1}\u{1F}", #""\u0000\u0001\u001f""#),
        ("slash / stays", #""slash / stays""#),
        ("é€😀", "\"é€😀\""),
        ("\u{7F}\u{2028}", "\"\u{7F}\u{2028}\""),
    ]

    @Test(arguments: strings)
    func escapesStrings(_ string: String, _ json: String) throws {
        let bytes = JSONWriter.serialize(.string(string))
        #expect(String(decoding: bytes, as: UTF8.self) == json)
        #expect(try JSONParser().parse(bytes) == .string(string))
    }

    @Test func writesCompactValues() {
        let value: JSONValue = ["a": [1, true, nil, "x"], "b": [:], "c": []]
        #expect(
            String(decoding: JSONWriter.serialize(value), as: UTF8.self) == #"{"a":[1,true,null,"x"],"b":{},"c":[]}"#
        )
    }

    @Test(arguments: [0, 7, -1, 10, -32700, Int.max, Int.min])
    func writesIntegers(_ value: Int) {
        var writer = JSONWriter()
        writer.write(value)
        #expect(String(decoding: writer.bytes, as: UTF8.self) == String(value))
    }

    @Test func roundTripsParsedDocuments() throws {
        let text = #"{"z":[1e3,-0.5,{"y":"\u0001"}],"a":null,"s":"é\"\\"}"#
        let value = try JSONParser().parse(text)
        let bytes = JSONWriter.serialize(value)
        #expect(try JSONParser().parse(bytes) == value)
        #expect(String(decoding: bytes, as: UTF8.self) == #"{"z":[1e3,-0.5,{"y":"\u0001"}],"a":null,"s":"é\"\\"}"#)
    }
}
