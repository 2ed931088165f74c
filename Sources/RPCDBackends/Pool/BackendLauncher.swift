internal import Logging
internal import NIOCore
internal import NIOPosix
internal import RPCDConfiguration
internal import RPCDSystem

/// Starts one backend instance: its process in a group of its own with `PR_SET_PDEATHSIG`, and its
/// pipes as NIO channels on one event loop (stdout and stdin as one channel, stderr as another).
struct BackendLauncher {
    var settings: BackendSettings
    var environment: [String]
    var maxLineBytes: Int
    var logger: Logger

    /// What a started instance is made of.
    struct Started {
        var pid: Int32
        var channel: any Channel
    }

    /// Spawns on `loop`'s thread: the parent-death signal follows the thread that spawned, and event
    /// loop threads live as long as the pool.
    func launch(on loop: any EventLoop, pool: BackendPool, instance: Int) -> EventLoopFuture<Started> {
        loop.flatSubmit {
            let pipes: [(read: Int32, write: Int32)]
            do {
                pipes = [try ChildPipes.makePipe(), try ChildPipes.makePipe(), try ChildPipes.makePipe()]
            } catch {
                return loop.makeFailedFuture(error)
            }
            let childEnds = [pipes[0].read, pipes[1].write, pipes[2].write]
            for descriptor in childEnds { ChildPipes.setBlocking(descriptor) }
            let pid: Int32
            do {
                pid = try ProcessGroupSpawner.spawn(
                    path: self.settings.command[0],
                    arguments: Array(self.settings.command.dropFirst()),
                    environment: self.environment,
                    directory: self.settings.directory,
                    standardInput: pipes[0].read,
                    standardOutput: pipes[1].write,
                    standardError: pipes[2].write
                )
            } catch {
                for descriptor in pipes.flatMap({ [$0.read, $0.write] }) { ChildPipes.close(descriptor) }
                return loop.makeFailedFuture(error)
            }
            for descriptor in childEnds { ChildPipes.close(descriptor) }
            let (maxLineBytes, logger, name) = (self.maxLineBytes, self.logger, self.settings.name)
            let output = NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers(
                            ByteToMessageHandler(
                                BackendLineDecoder(maxLineBytes: maxLineBytes),
                                maximumBufferSize: maxLineBytes + 1
                            ),
                            BackendOutputHandler(pool: pool, instance: instance)
                        )
                    }
                }
                .takingOwnershipOfDescriptors(input: pipes[1].read, output: pipes[0].write)
            let errors = NIOPipeBootstrap(group: loop)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(
                            BackendErrorLog(logger: logger, name: name, pid: pid)
                        )
                    }
                }
                .takingOwnershipOfDescriptor(input: pipes[2].read)
            return output.and(errors).map { channel, _ in Started(pid: pid, channel: channel) }.flatMapErrorThrowing {
                error in
                ProcessGroupSpawner.signalGroup(pid, SignalNumber.kill)
                _ = ChildPipes.waitForExit(pid)
                throw error
            }
        }
    }
}
