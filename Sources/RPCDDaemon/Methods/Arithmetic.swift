internal import JSONRPC

/// The arithmetic behind `sum` and `divide`: exact 64-bit integers while they fit, doubles after.
enum Arithmetic {
    private enum Operand {
        case integer(Int64)
        case double(Double)

        var double: Double {
            switch self {
            case .integer(let value): Double(value)
            case .double(let value): value
            }
        }
    }

    static func sum(_ values: [JSONValue]) throws(JSONRPCError) -> JSONValue {
        var integerTotal: Int64 = 0
        var doubleTotal: Double? = nil
        for (index, value) in values.enumerated() {
            let operand = try Self.operand(value, name: "numbers[\(index)]")
            if doubleTotal == nil, case .integer(let integer) = operand {
                let (total, overflow) = integerTotal.addingReportingOverflow(integer)
                if !overflow {
                    integerTotal = total
                    continue
                }
            }
            doubleTotal = (doubleTotal ?? Double(integerTotal)) + operand.double
        }
        guard let doubleTotal else { return .number(JSONNumber(integerTotal)) }
        return try Self.result(doubleTotal)
    }

    static func divide(_ dividend: JSONValue, by divisor: JSONValue) throws(JSONRPCError) -> JSONValue {
        let a = try Self.operand(dividend, name: "dividend")
        let b = try Self.operand(divisor, name: "divisor")
        if b.double == 0 {
            throw JSONRPCError.applicationError("invalid operation: division by zero")
        }
        if case .integer(let x) = a, case .integer(let y) = b {
            let (quotient, overflow) = x.dividedReportingOverflow(by: y)
            if !overflow, x.remainderReportingOverflow(dividingBy: y).partialValue == 0 {
                return .number(JSONNumber(quotient))
            }
        }
        return try Self.result(a.double / b.double)
    }

    private static func operand(_ value: JSONValue, name: String) throws(JSONRPCError) -> Operand {
        guard case .number(let number) = value else {
            throw JSONRPCError.invalidParams("\(name) must be a number")
        }
        if let integer = number.int64 {
            return .integer(integer)
        }
        guard let double = number.double else {
            throw JSONRPCError.invalidParams("\(name) is out of range: \(number.text)")
        }
        return .double(double)
    }

    private static func result(_ value: Double) throws(JSONRPCError) -> JSONValue {
        guard let number = JSONNumber(value) else {
            throw JSONRPCError.applicationError("invalid operation: result is not a finite number")
        }
        return .number(number)
    }
}
