internal import JSONRPC
package import RPCDConfiguration
internal import RPCDSystem

/// The master's check at start and before a reload (DESIGN §10): the method names a backend serves,
/// to refuse a name defined twice. `METHODS` when declared; otherwise one instance is spawned, asked
/// `rpc.discover`, and its group killed. Blocking (a thread of its own, or before the loop runs),
/// bounded by `START_TIMEOUT`.
package enum BackendProbe {
    /// The backend's method names (`METHODS` patterns as declared).
    /// - Parameters:
    ///   - maxLineBytes: `RPCD_MAX_REQUEST_BYTES`, the longest answer line read.
    ///   - daemonEnvironment: where `PASS_ENV` names are looked up.
    package static func methodNames(
        _ settings: BackendSettings,
        maxLineBytes: Int,
        daemonEnvironment: [String: String]
    ) -> Result<[String], BackendProbeError> {
        if let methods = settings.methods { return .success(methods) }
        let fail = { (code: BackendProbeError.Code, detail: String) in
            Result<[String], BackendProbeError>.failure(
                BackendProbeError(code: code, backend: settings.name, detail: detail)
            )
        }
        let pipes: [(read: Int32, write: Int32)]
        do {
            pipes = [try ChildPipes.makePipe(), try ChildPipes.makePipe(), try ChildPipes.makePipe()]
        } catch {
            return fail(.cannotStart, "\(error)")
        }
        var open = Set(pipes.flatMap { [$0.read, $0.write] })
        defer { for descriptor in open { ChildPipes.close(descriptor) } }
        let childEnds = [pipes[0].read, pipes[1].write, pipes[2].write]
        for descriptor in childEnds { ChildPipes.setBlocking(descriptor) }
        let pid: Int32
        do {
            pid = try ProcessGroupSpawner.spawn(
                path: settings.command[0],
                arguments: Array(settings.command.dropFirst()),
                environment: BackendEnvironment.entries(settings, daemonEnvironment: daemonEnvironment),
                directory: settings.directory,
                standardInput: pipes[0].read,
                standardOutput: pipes[1].write,
                standardError: pipes[2].write
            )
        } catch {
            return fail(.cannotStart, "\(settings.command[0]): \(error)")
        }
        for descriptor in childEnds {
            ChildPipes.close(descriptor)
            open.remove(descriptor)
        }
        defer {
            // Whatever the backend started goes with it; the master's own reaper may collect it first.
            ProcessGroupSpawner.signalGroup(pid, SignalNumber.kill)
            _ = ChildPipes.waitForExit(pid)
        }
        let request = Array("{\"jsonrpc\":\"2.0\",\"method\":\"rpc.discover\",\"id\":1}\n".utf8)
        let written = request.withUnsafeBytes { ChildPipes.write(pipes[0].write, $0) }
        guard written == request.count else { return fail(.noAnswer, "its stdin does not take a request") }
        guard
            let line = Self.readLine(
                pipes[1].read,
                discarding: pipes[2].read,
                maxLineBytes: maxLineBytes,
                timeout: settings.startTimeout
            )
        else {
            return fail(.noAnswer, "no answer to rpc.discover within \(settings.startTimeout)")
        }
        let answer = line.withUnsafeBytes { BackendLine($0) }
        guard case .response(1, .success(let result)) = answer, case .array(let methods)? = result["methods"] else {
            return fail(.invalidAnswer, "its answer to rpc.discover is not a result with a methods array")
        }
        return .success(methods.compactMap { $0["name"]?.stringValue })
    }

    /// The first line on `descriptor` (without its newline), or nil at end of file, over the cap, or at the timeout.
    /// stderr (`discarded`) is read and dropped meanwhile, so a chatty backend cannot block on a full pipe.
    private static func readLine(
        _ descriptor: Int32,
        discarding discarded: Int32,
        maxLineBytes: Int,
        timeout: Duration
    ) -> [UInt8]? {
        let deadline = ContinuousClock.now + timeout
        var line: [UInt8] = []
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
        defer { buffer.deallocate() }
        while ContinuousClock.now < deadline {
            let wait = ExecCallRunner.milliseconds(until: deadline, from: .now)
            let ready = ChildPipes.poll(reading: [descriptor, discarded], writing: [], timeoutMilliseconds: wait)
            if ready.contains(discarded) { _ = ChildPipes.read(discarded, into: buffer) }
            guard ready.contains(descriptor) else { continue }
            guard let count = ChildPipes.read(descriptor, into: buffer) else { continue }
            if count == 0 { return nil }
            let chunk = UnsafeRawBufferPointer(rebasing: buffer.prefix(count))
            if let newline = chunk.firstIndex(of: UInt8(ascii: "\n")) {
                line.append(contentsOf: chunk[..<newline])
                return line.count <= maxLineBytes ? line : nil
            }
            line.append(contentsOf: chunk)
            if line.count > maxLineBytes { return nil }
        }
        return nil
    }
}
