/// Splits a call's stderr into lines for the log (DESIGN §10.1): each line cut at 1 KiB, at most
/// 20 lines per call, the rest counted; keeps the last non-empty line for the error message.
struct ErrorLineCollector {
    static let maxLineBytes = 1024
    static let maxLines = 20

    /// Called with each kept line, then once with the number of lines dropped (if any).
    var emit: (String, Int32) -> Void
    var dropped: (Int) -> Void
    private var partial: [UInt8] = []
    private(set) var emitted = 0
    private(set) var droppedCount = 0
    private(set) var lastLine: String?

    /// The process whose stderr this is, for `exec.pid`.
    var pid: Int32 = 0

    init(emit: @escaping (String, Int32) -> Void, dropped: @escaping (Int) -> Void) {
        self.emit = emit
        self.dropped = dropped
    }

    mutating func append(_ bytes: UnsafeRawBufferPointer) {
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
    mutating func finish() {
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
