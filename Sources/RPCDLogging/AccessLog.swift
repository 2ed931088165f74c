internal import Logging
internal import RPCDSystem
internal import Synchronization

/// The process's access log (`RPCD_ACCESS_LOG`): one line per call, to a file of its own or to the log target.
///
/// To a file, lines collect in one buffer per process and go out in one `write(2)` of whole lines when the
/// buffer passes ``flushThreshold``, when ``flush()`` is called (every ``flushInterval``, by the serving
/// stack's timer), on ``reopen()`` and on ``close()``: so a graceful stop loses nothing, a SIGKILL loses at
/// most the last ``flushInterval`` of calls (and at most ``flushThreshold`` bytes). The file is opened
/// O_APPEND, so the writes of several workers interleave only at line boundaries. To the log target (`on`)
/// every record is written at once, as log records are: meant for modest rates.
package final class AccessLog: Sendable {
    /// Past this many buffered bytes, the buffer is written at once.
    package static let flushThreshold = 64 * 1024
    /// How often the serving stack calls ``flush()``.
    package static let flushInterval: Duration = .milliseconds(100)

    private enum Output {
        /// Buffered lines to a file this log opened.
        case file(descriptor: Int32, path: String)
        /// Record by record through the process's log sink.
        case sink(LogSink)
        /// Closed: records are dropped.
        case closed
    }

    private struct State {
        var output: Output
        var buffer: [UInt8]
        /// The second `timestamp` holds, and the timestamp bytes (`…T21:57:13.123Z`) rebuilt once per second.
        var second = -1
        var timestamp: [UInt8] = []
        /// Set after a failed write, so that one failure is reported once, not once per flush.
        var failing = false
    }

    // Writers hold the lock for their write(2), as in `LogSink`: a reopen must not close the descriptor
    // under a writer. Calls format into the shared buffer under the lock (a copy of a few hundred bytes).
    private let state: Mutex<State>
    private let format: LogFormat
    private let worker: Int?

    private static let current = Mutex<AccessLog?>(nil)

    private init(output: Output, format: LogFormat, worker: Int?) {
        var buffer: [UInt8] = []
        if case .file = output { buffer.reserveCapacity(Self.flushThreshold + 4096) }
        self.state = Mutex(State(output: output, buffer: buffer))
        self.format = format
        self.worker = worker
    }

    /// Opens the access log `setting` asks for and makes it the process's (the one ``reopenCurrent()`` reopens).
    /// - Parameters:
    ///   - setting: `off` gives nil: nothing is logged or built.
    ///   - format: text or JSON lines (`RPCD_LOG_FORMAT`); with `on`, the log sink's own format applies.
    ///   - worker: the worker number in a worker process, nil in single-process mode.
    /// - Throws: `LogOutputError` when the file cannot be opened (mode 0640, created if needed).
    package static func open(
        _ setting: AccessLogSetting,
        format: LogFormat,
        worker: Int?
    ) throws(LogOutputError) -> AccessLog? {
        let log: AccessLog
        switch setting {
        case .off:
            return nil
        case .on:
            let sink = LogOutput.sink ?? LogSink.standardError(format: format, level: LogLevelControl(.info))
            log = AccessLog(output: .sink(sink), format: format, worker: worker)
        case .file(let path):
            log = AccessLog(
                output: .file(descriptor: try Self.openFile(path), path: path),
                format: format,
                worker: worker
            )
        }
        Self.current.withLock { $0 = log }
        return log
    }

    /// Reopens the process's access log file, if it has one (`USR1`, `rpcd-admin reopen-logs`).
    /// - Throws: `LogOutputError` when the file cannot be opened; lines keep going to the old one.
    package static func reopenCurrent() throws(LogOutputError) {
        try Self.current.withLock { $0 }?.reopen()
    }

    /// Logs one call.
    package func record(_ record: AccessLogRecord) {
        let now = WallClock.now()
        let failure: SystemCallError? = self.state.withLock { state in
            switch state.output {
            case .closed:
                return nil
            case .sink(let sink):
                sink.write(access: record)
                return nil
            case .file(let descriptor, _):
                if now.seconds != state.second { Self.setSecond(now.seconds, of: &state) }
                Self.setMilliseconds(now.milliseconds, in: &state.timestamp)
                let timestamp = state.timestamp
                AccessLogFormatter.append(
                    record,
                    timestamp: timestamp,
                    worker: self.worker,
                    format: self.format,
                    to: &state.buffer
                )
                guard state.buffer.count >= Self.flushThreshold else { return nil }
                return Self.writeBuffer(descriptor, &state)
            }
        }
        if let failure { Self.report(failure) }
    }

    /// Writes what is buffered.
    package func flush() {
        let failure: SystemCallError? = self.state.withLock { state in
            guard case .file(let descriptor, _) = state.output, !state.buffer.isEmpty else { return nil }
            return Self.writeBuffer(descriptor, &state)
        }
        if let failure { Self.report(failure) }
    }

    /// Writes what is buffered to the old file, then opens the path again (after logrotate moved the file).
    /// - Throws: `LogOutputError` when the file cannot be opened; the old descriptor stays in use.
    package func reopen() throws(LogOutputError) {
        guard case .file(_, let path) = self.state.withLock({ $0.output }) else { return }
        let descriptor = try Self.openFile(path)
        let (old, failure): (Int32?, SystemCallError?) = self.state.withLock { state in
            guard case .file(let old, _) = state.output else { return (nil, nil) }
            let failure = state.buffer.isEmpty ? nil : Self.writeBuffer(old, &state)
            state.output = .file(descriptor: descriptor, path: path)
            return (old, failure)
        }
        if let old { AppendingFile.close(old) } else { AppendingFile.close(descriptor) }
        if let failure { Self.report(failure) }
    }

    /// Writes what is buffered and closes the file; later records are dropped. Called at a graceful stop.
    package func close() {
        let (descriptor, failure): (Int32?, SystemCallError?) = self.state.withLock { state in
            guard case .file(let descriptor, _) = state.output else {
                state.output = .closed
                return (nil, nil)
            }
            let failure = state.buffer.isEmpty ? nil : Self.writeBuffer(descriptor, &state)
            state.output = .closed
            return (descriptor, failure)
        }
        if let descriptor { AppendingFile.close(descriptor) }
        if let failure { Self.report(failure) }
        Self.current.withLock { current in
            if current === self { current = nil }
        }
    }

    deinit {
        if case .file(let descriptor, _) = self.state.withLock({ $0.output }) {
            self.flush()
            AppendingFile.close(descriptor)
        }
    }

    private static func openFile(_ path: String) throws(LogOutputError) -> Int32 {
        do {
            // 0640 like the log file: readable by the group (adm), not the world.
            return try AppendingFile.open(path, mode: 0o640)
        } catch {
            throw LogOutputError(
                code: .cannotOpenFile,
                message: "cannot open access log file \(path): \(error.errno)",
                cause: error
            )
        }
    }

    /// Writes and empties the buffer; returns the failure to report when a streak of failures starts.
    private static func writeBuffer(_ descriptor: Int32, _ state: inout State) -> SystemCallError? {
        defer { state.buffer.removeAll(keepingCapacity: true) }
        let result = state.buffer.withUnsafeBytes { bytes in
            Result { () throws(SystemCallError) in try AppendingFile.write(descriptor, bytes) }
        }
        guard case .failure(let error) = result else {
            state.failing = false
            return nil
        }
        // A full disk must not stop the calls: the lines are dropped, the failure said once.
        defer { state.failing = true }
        return state.failing ? nil : error
    }

    private static func report(_ failure: SystemCallError) {
        Logger(label: "rpcd").error(
            "cannot write the access log; dropping lines until a write succeeds",
            metadata: ["error": "\(failure)"]
        )
    }

    /// Rebuilds the timestamp for a new second: `2026-11-21T21:57:13.000Z`.
    private static func setSecond(_ seconds: Int, of state: inout State) {
        state.second = seconds
        state.timestamp = Array(WallClock.iso8601Seconds(seconds).utf8) + Array(".000Z".utf8)
    }

    /// Writes the three millisecond digits before the final `Z`.
    private static func setMilliseconds(_ milliseconds: Int, in timestamp: inout [UInt8]) {
        let end = timestamp.count - 1
        timestamp[end - 3] = UInt8(ascii: "0") + UInt8(milliseconds / 100)
        timestamp[end - 2] = UInt8(ascii: "0") + UInt8(milliseconds / 10 % 10)
        timestamp[end - 1] = UInt8(ascii: "0") + UInt8(milliseconds % 10)
    }
}
