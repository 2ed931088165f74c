package import Logging
internal import RPCDSystem

/// A swift-log handler that writes each record as one line (text or JSON) through a shared
/// `LogSink`: one unbuffered `write(2)` per record, so lines from several processes sharing
/// stderr or a log file never interleave.
///
/// The level comes from the sink's `LogLevelControl` unless this handler's `logLevel` is set,
/// which (as swift-log requires) affects only this handler.
package struct LineLogHandler: LogHandler {
    private let sink: LogSink
    private let label: String
    private var levelOverride: Logger.Level?

    /// Metadata added to every record of this handler.
    package var metadata: Logger.Metadata = [:]
    /// Contextual metadata, added at each record.
    package var metadataProvider: Logger.MetadataProvider?

    /// Creates a handler for a logger `label` writing through `sink`.
    package init(label: String, sink: LogSink) {
        self.label = label
        self.sink = sink
    }

    /// The shared level, or this handler's own once set.
    package var logLevel: Logger.Level {
        get { self.levelOverride ?? self.sink.levelControl.level }
        set { self.levelOverride = newValue }
    }

    /// One metadata value of this handler.
    package subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { self.metadata[key] }
        set { self.metadata[key] = newValue }
    }

    /// Writes the record; `Logger` has already checked the level.
    package func log(event: LogEvent) {
        var metadata = self.metadata
        if let provided = self.metadataProvider?.get() {
            metadata.merge(provided) { _, new in new }
        }
        if let explicit = event.metadata {
            metadata.merge(explicit) { _, new in new }
        }
        if let error = event.error, metadata["error"] == nil {
            metadata["error"] = "\(error)"
        }
        self.sink.write(
            LogRecord(
                timestamp: WallClock.iso8601Now(),
                level: event.level,
                label: self.label,
                message: event.message.description,
                metadata: metadata,
                pid: self.sink.pid,
                worker: self.sink.worker,
                file: event.file,
                function: event.function,
                line: event.line
            )
        )
    }
}
