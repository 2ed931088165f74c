import NIOCore
import NIOEmbedded
import Synchronization
import Testing

@testable import RPCDTransport

@Suite("ConnectionRegistry")
struct ConnectionRegistryTests {
    /// Counts the quiesce events a connection receives.
    final class QuiesceCounter: ChannelInboundHandler, Sendable {
        typealias InboundIn = Never

        private let count = Mutex(0)

        var quiesced: Int { self.count.withLock { $0 } }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if event is ChannelShouldQuiesceEvent {
                self.count.withLock { $0 += 1 }
            }
            context.fireUserInboundEventTriggered(event)
        }
    }

    /// The last `autoRead` the registry set on `listener`, or `nil` if it never set one.
    private static func autoRead(_ listener: EmbeddedChannel) -> Bool? {
        listener.options.last { $0.option is ChannelOptions.Types.AutoReadOption }?.value as? Bool
    }

    private static func activeChannel() throws -> EmbeddedChannel {
        let channel = EmbeddedChannel()
        try channel.connect(to: testPeer).wait()
        return channel
    }

    @Test func pausesAcceptAtTheLimitAndResumesBelowIt() throws {
        let registry = ConnectionRegistry(maxConnections: 2)
        let listeners = [EmbeddedChannel(), EmbeddedChannel()]
        for listener in listeners { registry.addListener(listener) }
        let connections = [EmbeddedChannel(), EmbeddedChannel(), EmbeddedChannel()]

        #expect(registry.connectionOpened(connections[0]))
        #expect(listeners.map(Self.autoRead) == [nil, nil])

        #expect(registry.connectionOpened(connections[1]))
        #expect(registry.connectionCount == 2)
        #expect(listeners.map(Self.autoRead) == [false, false])

        // One more can slip in (already accepted); accept stays paused.
        #expect(registry.connectionOpened(connections[2]))
        registry.connectionClosed(connections[2])
        #expect(registry.connectionCount == 2)
        #expect(listeners.map(Self.autoRead) == [false, false])

        registry.connectionClosed(connections[1])
        #expect(registry.connectionCount == 1)
        #expect(listeners.map(Self.autoRead) == [true, true])

        // And it pauses again at the limit.
        #expect(registry.connectionOpened(connections[1]))
        #expect(listeners.map(Self.autoRead) == [false, false])
    }

    @Test func closingAnUnknownConnectionChangesNothing() {
        let registry = ConnectionRegistry(maxConnections: 1)
        let listener = EmbeddedChannel()
        registry.addListener(listener)
        registry.connectionClosed(EmbeddedChannel())
        #expect(registry.connectionCount == 0)
        #expect(Self.autoRead(listener) == nil)
    }

    @Test func drainingRejectsNewConnections() {
        let registry = ConnectionRegistry(maxConnections: 10)
        #expect(!registry.isDraining)
        registry.beginDraining()
        #expect(registry.isDraining)
        #expect(!registry.connectionOpened(EmbeddedChannel()))
        #expect(registry.connectionCount == 0)
    }

    @Test func drainingClosesListenersAndAsksConnectionsToQuiesce() throws {
        let registry = ConnectionRegistry(maxConnections: 10)
        let listener = try Self.activeChannel()
        registry.addListener(listener)
        let counters = [QuiesceCounter(), QuiesceCounter()]
        let connections = try counters.map { counter in
            let channel = try Self.activeChannel()
            try channel.pipeline.syncOperations.addHandler(counter)
            return channel
        }
        for connection in connections { #expect(registry.connectionOpened(connection)) }

        registry.beginDraining()
        #expect(!listener.isActive)
        // Told a moment later, once their loops have read what had already arrived.
        #expect(counters.map(\.quiesced) == [0, 0])
        for connection in connections { connection.embeddedEventLoop.advanceTime(by: ConnectionRegistry.quiesceDelay) }
        #expect(counters.map(\.quiesced) == [1, 1])
        #expect(connections.allSatisfy { $0.isActive })

        // A second call is a no-op.
        registry.beginDraining()
        for connection in connections { connection.embeddedEventLoop.advanceTime(by: ConnectionRegistry.quiesceDelay) }
        #expect(counters.map(\.quiesced) == [1, 1])
    }

    @Test func drainingDoesNotResumeAccept() {
        let registry = ConnectionRegistry(maxConnections: 1)
        let listener = EmbeddedChannel()
        registry.addListener(listener)
        let connection = EmbeddedChannel()
        #expect(registry.connectionOpened(connection))
        #expect(Self.autoRead(listener) == false)
        registry.beginDraining()
        registry.connectionClosed(connection)
        #expect(Self.autoRead(listener) == false)
    }

    @Test func closeAllConnectionsClosesEveryConnection() throws {
        let registry = ConnectionRegistry(maxConnections: 10)
        let connections = try [Self.activeChannel(), Self.activeChannel()]
        for connection in connections { #expect(registry.connectionOpened(connection)) }
        registry.closeAllConnections()
        #expect(connections.allSatisfy { !$0.isActive })
    }

    // MARK: Waiting for the drain

    @Test func drainWithNoConnectionsResolvesAtOnce() async {
        let registry = ConnectionRegistry(maxConnections: 10)
        registry.beginDraining()
        await registry.waitUntilDrained()
        #expect(registry.connectionCount == 0)
    }

    @Test func waitersBeforeTheDrainResolveWhenItBegins() async {
        let registry = ConnectionRegistry(maxConnections: 10)
        let waiter = Task { await registry.waitUntilDrained() }
        registry.beginDraining()
        await waiter.value
        #expect(registry.isDraining)
    }

    @Test func drainResolvesWhenTheLastConnectionCloses() async throws {
        let registry = ConnectionRegistry(maxConnections: 10)
        let connections = [NIOAsyncTestingChannel(), NIOAsyncTestingChannel()]
        for connection in connections { #expect(registry.connectionOpened(connection)) }
        registry.beginDraining()
        let waiter = Task {
            await registry.waitUntilDrained()
            return registry.connectionCount
        }
        registry.connectionClosed(connections[0])
        #expect(registry.connectionCount == 1)
        registry.connectionClosed(connections[1])
        #expect(await waiter.value == 0)
        for connection in connections {
            _ = try await connection.finish(acceptAlreadyClosed: true)
        }
    }
}
