import JSONRPC
import Testing

@Suite struct JSONNumberTests {
    @Test(arguments: ["0", "-0", "1", "-12", "1.5", "1e3", "1E+3", "1e-3", "0.000", "123456789012345678901234567890"])
    func acceptsTokens(_ text: String) {
        #expect(JSONNumber(text: text)?.text == text)
    }

    @Test(arguments: ["", "-", "01", "1.", ".1", "+1", "1e", "1e+", " 1", "1 ", "NaN", "Infinity", "0x1", "1_000"])
    func rejectsNonTokens(_ text: String) {
        #expect(JSONNumber(text: text) == nil)
    }

    static let int64Cases: [(String, Int64?)] = [
        ("0", 0), ("-0", 0), ("42", 42), ("-42", -42),
        ("9223372036854775807", .max), ("-9223372036854775808", .min),
        ("9223372036854775808", nil), ("-9223372036854775809", nil),
        ("1e3", 1000), ("1.50e1", 15), ("100e-2", 1), ("1.0", 1), ("1.5", nil), ("1e-1", nil),
        ("123456789012345678901234567890", nil), ("1e400", nil), ("0e400", 0),
        ("92233720368547758070e-1", .max),
    ]

    @Test(arguments: int64Cases)
    func int64(_ text: String, _ expected: Int64?) {
        #expect(JSONNumber(text: text)?.int64 == expected)
    }

    @Test func isInteger() {
        #expect(JSONNumber(text: "12")!.isInteger)
        #expect(JSONNumber(text: "-0")!.isInteger)
        #expect(!JSONNumber(text: "12.0")!.isInteger)
        #expect(!JSONNumber(text: "1e3")!.isInteger)
    }

    @Test func double() {
        #expect(JSONNumber(text: "1.5")?.double == 1.5)
        #expect(JSONNumber(text: "1e308")?.double == 1e308)
        #expect(JSONNumber(text: "1e400")?.double == nil)
        #expect(JSONNumber(text: "-1e400")?.double == nil)
    }

    static let doubleCases: [(Double, String)] = [
        (3.0, "3"), (3.1, "3.1"), (-0.0, "-0"), (0.1 + 0.2, "0.30000000000000004"), (1e300, "1e+300"),
        (1.5e-7, "1.5e-07"), (100, "100"), (-2.5, "-2.5"), (.leastNonzeroMagnitude, "5e-324"),
    ]

    @Test(arguments: doubleCases)
    func fromDouble(_ value: Double, _ text: String) throws {
        let number = try #require(JSONNumber(value))
        #expect(number.text == text)
        #expect(number.double == value)
        #expect(JSONNumber(text: number.text) != nil)
    }

    @Test func nonFiniteDoublesCannotBecomeNumbers() {
        #expect(JSONNumber(Double.infinity) == nil)
        #expect(JSONNumber(-Double.infinity) == nil)
        #expect(JSONNumber(Double.nan) == nil)
        #expect(JSONValue.double(.nan) == nil)
        #expect(JSONNumber(Float.infinity) == nil)
        #expect(JSONNumber(Float(0.1))?.text == "0.1")
    }

    @Test func integers() {
        #expect(JSONNumber(42).text == "42")
        #expect(JSONNumber(Int64.min).text == "-9223372036854775808")
        #expect(JSONNumber(UInt64.max).text == "18446744073709551615")
    }
}
