import Foundation
import Glibc
import Testing

/// The example backend `etc/rpcd/backends.d/py.py` run directly by `/usr/bin/python3`, talked to
/// line by line as rpcd does (DESIGN §10.2): each request answered at once, before stdin closes,
/// nothing on stdout but responses, notifications ignored.
@Suite struct ExampleBackendTests {
    static let backendsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("etc/rpcd/backends.d")

    static func object(_ line: String) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not an object: \(line)")
    }

    @Test("rpc.discover lists py.upper and py.add with their param schemas")
    func discover() throws {
        let backend = try ExampleBackend.start()
        defer { backend.stop() }
        let reply = try Self.object(try backend.call(#"{"jsonrpc":"2.0","method":"rpc.discover","id":1}"#))
        #expect(reply["jsonrpc"] as? String == "2.0")
        #expect(reply["id"] as? Int == 1)
        let document = try #require(reply["result"] as? [String: Any], "no result: \(reply)")
        #expect(document["openrpc"] as? String == "1.2.6")
        let methods = try #require(document["methods"] as? [[String: Any]])
        let parameters = methods.reduce(into: [String: [String]]()) { names, method in
            let params = method["params"] as? [[String: Any]] ?? []
            names[method["name"] as? String ?? "?"] = params.map {
                "\($0["name"] as? String ?? "?"):\(($0["schema"] as? [String: Any])?["type"] as? String ?? "?")"
            }
        }
        #expect(parameters == ["py.upper": ["text:string"], "py.add": ["a:number", "b:number"]])
    }

    @Test("answers each call as it arrives, positional and named params, ids as given")
    func calls() throws {
        let backend = try ExampleBackend.start()
        defer { backend.stop() }
        #expect(
            try backend.call(#"{"jsonrpc":"2.0","method":"py.upper","params":["héllo"],"id":7}"#)
                == #"{"jsonrpc": "2.0", "id": 7, "result": "H\u00c9LLO"}"#
        )
        #expect(
            try backend.call(#"{"jsonrpc":"2.0","method":"py.add","params":{"a":1,"b":2.5},"id":8}"#)
                == #"{"jsonrpc": "2.0", "id": 8, "result": 3.5}"#
        )
        // rpcd's cancellation is a notification: no line for it, the next answer is the next call's.
        try backend.send(#"{"jsonrpc":"2.0","method":"$/cancelRequest","params":{"id":8}}"#)
        #expect(
            try backend.call(#"{"jsonrpc":"2.0","method":"py.add","params":[2,3],"id":9}"#)
                == #"{"jsonrpc": "2.0", "id": 9, "result": 5}"#
        )
        #expect(try backend.exitAfterClosingStdin() == 0)
        #expect(backend.remainingOutput().isEmpty)
    }

    @Test("bad params are -32602, an unknown method -32601, and the backend keeps serving")
    func errors() throws {
        let backend = try ExampleBackend.start()
        defer { backend.stop() }
        let cases: [(request: String, code: Int, message: String)] = [
            (#"{"jsonrpc":"2.0","method":"py.add","params":[1,"x"],"id":1}"#, -32602, #"b must be a number, not "x""#),
            (#"{"jsonrpc":"2.0","method":"py.add","params":{"a":1},"id":2}"#, -32602, "b must be a number, not null"),
            (
                #"{"jsonrpc":"2.0","method":"py.upper","params":[true],"id":3}"#, -32602,
                "text must be a string, not true"
            ),
            (
                #"{"jsonrpc":"2.0","method":"py.upper","params":"x","id":4}"#, -32602,
                "params must be [text] or an object with them"
            ),
            (
                #"{"jsonrpc":"2.0","method":"py.add","params":[1e308,1e308],"id":5}"#, -32000,
                "Out of range float values are not JSON compliant"
            ),
            (#"{"jsonrpc":"2.0","method":"py.nope","id":6}"#, -32601, "method not found: py.nope"),
        ]
        for (index, testCase) in cases.enumerated() {
            let reply = try Self.object(try backend.call(testCase.request))
            #expect(reply["id"] as? Int == index + 1)
            #expect(reply["result"] == nil)
            let error = try #require(reply["error"] as? [String: Any], "no error: \(reply)")
            #expect(error["code"] as? Int == testCase.code, "\(testCase.request)")
            #expect(error["message"] as? String == testCase.message, "\(testCase.request)")
        }
        #expect(
            try backend.call(#"{"jsonrpc":"2.0","method":"py.upper","params":{"text":"ok"},"id":"s"}"#)
                == #"{"jsonrpc": "2.0", "id": "s", "result": "OK"}"#
        )
    }

    @Test("py.env runs the script where it is installed next to it, and both are in place")
    func declaration() throws {
        let env = try String(contentsOf: Self.backendsDirectory.appendingPathComponent("py.env"), encoding: .utf8)
        let settings = env.split(separator: "\n").filter { !$0.hasPrefix("#") && $0.contains("=") }
        #expect(settings == ["COMMAND=python3 /etc/rpcd/backends.d/py.py", "INSTANCES=1", "CONCURRENCY=1"])
        let script = Self.backendsDirectory.appendingPathComponent("py.py").path
        #expect(access(script, X_OK) == 0, "\(script) is not executable")
        var facts = stat()
        #expect(stat(script, &facts) == 0)
        #expect(facts.st_mode & 0o022 == 0, "\(script) is group- or world-writable")
    }
}

/// The example backend as a child process whose stdin and stdout are one end of a socket pair,
/// made close-on-exec atomically (Glibc's module has no pipe2) so that no other test's child
/// inherits it and keeps the backend's stdin open. Spawned here rather than with Foundation's
/// `Process`, which closes the descriptors it is given: this class alone closes its own.
/// Python reads and writes the socket as it would rpcd's pipes.
private final class ExampleBackend {
    let pid: pid_t
    /// This side of the socket pair: requests out, responses in.
    let socket: Int32
    private var buffered: [UInt8] = []
    private var exitStatus: Int32?

    private init(pid: pid_t, socket: Int32) {
        self.pid = pid
        self.socket = socket
    }

    static func start() throws -> ExampleBackend {
        var pair: [Int32] = [-1, -1]
        let type = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        try #require(socketpair(AF_UNIX, type, 0, &pair) == 0, "socketpair: \(errno)")
        defer { close(pair[1]) }
        var fileActions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&fileActions)
        defer { posix_spawn_file_actions_destroy(&fileActions) }
        // dup2 clears close-on-exec on the target: the child gets fds 0, 1 (the socket) and 2.
        posix_spawn_file_actions_adddup2(&fileActions, pair[1], 0)
        posix_spawn_file_actions_adddup2(&fileActions, pair[1], 1)
        let script = ExampleBackendTests.backendsDirectory.appendingPathComponent("py.py").path
        // What rpcd gives a backend: PATH and LANG only.
        let words: [String] = ["/usr/bin/python3", script]
        let variables: [String] = ["PATH=/usr/local/bin:/usr/bin:/bin", "LANG=C.UTF-8"]
        let arguments = words.map { strdup($0) } + [nil]
        let environment = variables.map { strdup($0) } + [nil]
        defer {
            for pointer in arguments + environment { free(pointer) }
        }
        var pid: pid_t = 0
        let result = posix_spawn(&pid, "/usr/bin/python3", &fileActions, nil, arguments, environment)
        guard result == 0 else {
            close(pair[0])
            throw ExampleBackendError(description: "posix_spawn /usr/bin/python3: \(String(cString: strerror(result)))")
        }
        return ExampleBackend(pid: pid, socket: pair[0])
    }

    func send(_ line: String) throws {
        let bytes = Array((line + "\n").utf8)
        try #require(write(self.socket, bytes, bytes.count) == bytes.count, "write to the backend's stdin: \(errno)")
    }

    /// Sends one request and reads one line, which must come while stdin stays open.
    func call(_ line: String, timeout: Duration = .seconds(10)) throws -> String {
        try self.send(line)
        return try #require(
            try self.readLine(timeout: timeout),
            "the backend closed stdout instead of answering \(line)"
        )
    }

    /// The next line on stdout, nil at end of file.
    func readLine(timeout: Duration) throws -> String? {
        let deadline = ContinuousClock.now + timeout
        while true {
            if let newline = self.buffered.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: self.buffered[..<newline], as: UTF8.self)
                self.buffered.removeSubrange(...newline)
                return line
            }
            let remaining = deadline - .now
            let milliseconds = max(
                0,
                Int32(remaining.components.seconds * 1000 + remaining.components.attoseconds / 1_000_000_000_000_000)
            )
            var descriptor = pollfd(fd: self.socket, events: Int16(POLLIN), revents: 0)
            let ready = poll(&descriptor, 1, milliseconds)
            if ready < 0, errno == EINTR { continue }
            try #require(
                ready > 0,
                "no line from the backend within \(timeout); partial: \(String(decoding: self.buffered, as: UTF8.self))"
            )
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = read(self.socket, &chunk, chunk.count)
            if count < 0, errno == EINTR { continue }
            guard count > 0 else { return nil }
            self.buffered.append(contentsOf: chunk[..<count])
        }
    }

    /// Closes stdin (rpcd's stop) and waits for the exit.
    /// - Returns: the exit code (128 + N for signal N).
    func exitAfterClosingStdin() throws -> Int32 {
        shutdown(self.socket, Int32(SHUT_WR))
        let deadline = ContinuousClock.now + .seconds(10)
        while self.exitStatus == nil, ContinuousClock.now < deadline {
            var status: Int32 = 0
            if waitpid(self.pid, &status, WNOHANG) == self.pid {
                let signal = status & 0x7f
                self.exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
            } else {
                usleep(10_000)
            }
        }
        return try #require(self.exitStatus, "the backend still runs 10 s after its stdin closed")
    }

    /// Whatever is left on stdout up to end of file (after the exit).
    func remainingOutput() -> String {
        var rest = self.buffered
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = read(self.socket, &chunk, chunk.count)
            guard count > 0 else { break }
            rest.append(contentsOf: chunk[..<count])
        }
        return String(decoding: rest, as: UTF8.self)
    }

    /// Kills the backend if it still runs, reaps it, and closes the socket.
    func stop() {
        if self.exitStatus == nil {
            kill(self.pid, SIGKILL)
            var status: Int32 = 0
            waitpid(self.pid, &status, 0)
        }
        close(self.socket)
    }
}

/// A failure to start the example backend.
private struct ExampleBackendError: Error, CustomStringConvertible {
    let description: String
}
