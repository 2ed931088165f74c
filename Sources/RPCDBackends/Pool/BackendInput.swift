internal import NIOConcurrencyHelpers
internal import NIOCore

/// One instance's stdin, written in bursts: lines submitted from any thread are gathered under a
/// lock, and one task on the channel's event loop writes all gathered so far with one flush.
///
/// Under load that is one wakeup of the loop and one `write` for many calls, instead of one of
/// each per call; a lone call waits only for its loop's next turn.
final class BackendInput: Sendable {
    /// The pipe channel (stdout in, stdin out).
    let channel: any Channel
    private let pending = NIOLockedValueBox(Pending())

    private struct Pending {
        var buffer: ByteBuffer?
        var scheduled = false
    }

    init(_ channel: any Channel) {
        self.channel = channel
    }

    /// Appends a request line: `head`, then `,"id":N}` (or `}` for a notification) and a newline.
    func write(_ head: [UInt8], requestID: Int?) {
        self.append { buffer in
            buffer.writeBytes(head)
            if let requestID {
                buffer.writeStaticString(",\"id\":")
                buffer.writeString(String(requestID))
            }
            buffer.writeStaticString("}\n")
        }
    }

    /// Appends a whole line (newline included).
    func write(line: String) {
        self.append { $0.writeString(line) }
    }

    /// Closes stdin once everything gathered before has been written.
    func close() {
        self.channel.eventLoop.execute {
            self.flush()
            self.channel.close(mode: .output, promise: nil)
        }
    }

    private func append(_ fill: (inout ByteBuffer) -> Void) {
        let schedule = self.pending.withLockedValue { pending -> Bool in
            if pending.buffer == nil { pending.buffer = self.channel.allocator.buffer(capacity: 512) }
            fill(&pending.buffer!)
            defer { pending.scheduled = true }
            return !pending.scheduled
        }
        if schedule { self.channel.eventLoop.execute { self.flush() } }
    }

    private func flush() {
        let buffer = self.pending.withLockedValue { pending -> ByteBuffer? in
            pending.scheduled = false
            defer { pending.buffer = nil }
            return pending.buffer
        }
        if let buffer { self.channel.writeAndFlush(buffer, promise: nil) }
    }
}
