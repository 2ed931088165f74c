package import JSONRPC
package import RPCDSystem

/// How an exec method call ended, as the runner saw it: the input of the outcome rules.
package struct ExecCompletion: Sendable {
    /// How the process ended; nil if it could not be collected.
    package var status: ExitStatus?
    /// Everything it wrote to stdout (up to the cap).
    package var standardOutput: [UInt8]
    /// stdout passed `RPCD_METHODS_MAX_OUTPUT`; the group was killed.
    package var outputOverflowed = false
    /// The last non-empty stderr line, if any.
    package var lastErrorLine: String?

    /// Creates a completion.
    package init(
        status: ExitStatus?,
        standardOutput: [UInt8],
        outputOverflowed: Bool = false,
        lastErrorLine: String? = nil
    ) {
        self.status = status
        self.standardOutput = standardOutput
        self.outputOverflowed = outputOverflowed
        self.lastErrorLine = lastErrorLine
    }
}

/// The outcome rules of DESIGN §10.1: what a call's exit and output mean for the caller.
package enum ExecOutcome {
    /// -32006 with `data.reason`: the method's process failed rather than answered.
    package static func backendFailed(_ reason: String) -> JSONRPCError {
        JSONRPCError(
            code: JSONRPCErrorCode.backendFailed,
            message: "Method backend failed",
            data: .object(JSONObject([("reason", .string(reason))]))
        )
    }

    /// -32004 `data.reason: "queue full"`.
    package static let queueFull = JSONRPCError(
        code: JSONRPCErrorCode.serverBusy,
        message: "Server busy",
        data: .object(JSONObject([("reason", .string("queue full"))]))
    )

    /// The result or error for a completed call; `maxOutput` is for the overflow reason.
    package static func map(_ completion: ExecCompletion, maxOutput: Int) -> Result<JSONValue, JSONRPCError> {
        if completion.outputOverflowed {
            return .failure(Self.backendFailed("output over \(maxOutput) bytes"))
        }
        switch completion.status {
        case nil:
            return .failure(Self.backendFailed("exit status unknown"))
        case .signaled(let number, _)?:
            return .failure(Self.backendFailed("killed by signal \(SignalName.of(number))"))
        case .exited(0)?:
            let output = completion.standardOutput
            if output.allSatisfy(Self.isWhitespace) { return .success(.null) }
            do {
                return .success(try JSONParser(maxDepth: JSONParser.depthCeiling).parse(output))
            } catch {
                return .failure(Self.backendFailed("invalid JSON on stdout"))
            }
        case .exited(let code)?:
            if let error = Self.errorObject(completion.standardOutput) { return .failure(error) }
            let message = completion.lastErrorLine.map { String($0.prefix(200)) } ?? "exit status \(code)"
            return .failure(
                .applicationError(message, data: .object(JSONObject([("exit_status", .int(Int(code)))])))
            )
        }
    }

    /// `{"code": INT, "message": STR, "data"?: ANY}` from stdout as the error; a code in the
    /// reserved range -32768...-32000 becomes -32000 with the original in `data.code`.
    static func errorObject(_ output: [UInt8]) -> JSONRPCError? {
        guard case .object(let object)? = try? JSONParser(maxDepth: JSONParser.depthCeiling).parse(output),
            case .number(let number)? = object["code"], let code = number.int64.flatMap({ Int(exactly: $0) }),
            case .string(let message)? = object["message"]
        else { return nil }
        guard (-32768...(-32000)).contains(code) else {
            return JSONRPCError(code: code, message: message, data: object["data"])
        }
        var data: [(String, JSONValue)] = [("code", .int(code))]
        if let original = object["data"] { data.append(("data", original)) }
        return JSONRPCError(code: JSONRPCErrorCode.applicationError, message: message, data: .object(JSONObject(data)))
    }

    private static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
    }
}
