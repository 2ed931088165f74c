/// Splits a call's stderr into lines for the log (DESIGN §10.1): each line cut at 1 KiB, at most
/// 20 lines per call, the rest counted; keeps the last non-empty line for the error message.
package struct ErrorLineCollector {
    /// The longest line kept; the rest of a longer line is cut.
    package static let maxLineBytes = 1024
    /// The most lines logged per call.
    package static let maxLines = 20

    /// Called with each kept line, then once with the number of lines dropped (if any).
    private let emit: (String, Int32) -> Void
    private let dropped: (Int) -> Void
    private var partial: [UInt8] = []
    private(set) var emitted = 0
    private(set) var droppedCount = 0
    /// The last non-blank line, for an error message.
    package private(set) var lastLine: String?

    /// The process whose stderr this is, for `exec.pid`.
    package var pid: Int32 = 0

    /// A collector reporting to `emit` (each line, with the pid) and `dropped` (the count, at the end).
    package init(emit: @escaping (String, Int32) -> Void, dropped: @escaping (Int) -> Void) {
        self.emit = emit
        self.dropped = dropped
    }

    /// Takes the next chunk of stderr.
    package mutating func append(_ bytes: UnsafeRawBufferPointer) {
        for byte in bytes {
            if byte == UInt8(ascii: "\n") {
                self.endLine()
            } else if self.partial.count < Self.maxLineBytes {
                self.partial.append(byte)
            } else {
                continue  // the rest of a long line is cut
            }
        }
    }

    /// The end of stderr: a last line without a newline counts too.
    package mutating func finish() {
        if !self.partial.isEmpty { self.endLine() }
        if self.droppedCount > 0 { self.dropped(self.droppedCount) }
    }

    private mutating func endLine() {
        var line = String(decoding: self.partial, as: UTF8.self)
        if line.hasSuffix("\r") { line.removeLast() }
        self.partial.removeAll(keepingCapacity: true)
        if !line.allSatisfy({ $0 == " " || $0 == "\t" }) { self.lastLine = line }
        if self.emitted < Self.maxLines {
            self.emitted += 1
            self.emit(line, self.pid)
        } else {
            self.droppedCount += 1
        }
    }
}
