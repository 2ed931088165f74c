package import JSONRPC
package import NIOCore
package import RPCDLogging
internal import Synchronization

/// The dispatcher's ``CallObserver`` for the access log: turns each answered call into an `AccessLogRecord`,
/// and flushes the log's buffer every `AccessLog.flushInterval` from an event loop of the serving group.
package final class AccessLogObserver: CallObserver {
    /// The log the records go to.
    package let log: AccessLog
    private let flushing = Mutex<RepeatedTask?>(nil)

    private init(log: AccessLog) {
        self.log = log
    }

    /// Opens the access log `setting` asks for and starts its flush timer on `group`.
    /// - Returns: nil for `off`: the dispatcher then has no observer and builds nothing per call.
    /// - Throws: `LogOutputError` when the access log file cannot be opened.
    package static func open(
        _ setting: AccessLogSetting,
        format: LogFormat,
        on group: any EventLoopGroup
    ) throws(LogOutputError) -> AccessLogObserver? {
        guard let log = try AccessLog.open(setting, format: format, worker: LogOutput.sink?.worker) else {
            return nil
        }
        let observer = AccessLogObserver(log: log)
        guard case .file = setting else { return observer }
        let interval = TimeAmount.nanoseconds(
            AccessLog.flushInterval.components.attoseconds / 1_000_000_000
                + AccessLog.flushInterval.components.seconds * 1_000_000_000
        )
        let task = group.next().scheduleRepeatedTask(initialDelay: interval, delay: interval) { _ in log.flush() }
        observer.flushing.withLock { $0 = task }
        return observer
    }

    /// Records one call.
    package func callCompleted(_ call: ObservedCall, context: RequestContext) {
        let duration = call.duration.components
        self.log.record(
            AccessLogRecord(
                transport: context.transport,
                peer: context.peer,
                credential: context.credential,
                method: call.method,
                errorCode: call.errorCode,
                durationMicroseconds: duration.seconds * 1_000_000 + duration.attoseconds / 1_000_000_000_000,
                requestBytes: call.requestBytes,
                responseBytes: call.responseBytes
            )
        )
    }

    /// Stops the timer, writes what is buffered and closes the file: after the server has drained and the
    /// backends have answered, so that every call of a graceful stop is in the file.
    package func stop() {
        self.flushing.withLock { task in
            task?.cancel()
            task = nil
        }
        self.log.close()
    }
}
