import RPCDSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ChildProcessesTests {
    @Test(arguments: [
        ("exit 0", ExitStatus.exited(0)),
        ("exit 3", .exited(3)),
        ("kill -9 $$", .signaled(SIGKILL, coreDumped: false)),
        ("kill -TERM $$", .signaled(SIGTERM, coreDumped: false)),
    ])
    func exitStatusesAreDecoded(_ script: String, _ expected: ExitStatus) throws {
        let result = try SpawnedChild.run("/bin/sh", ["sh", "-c", script])
        #expect(result.status == expected)
    }

    @Test func reapExitedReapsEveryExitedChildAndNoRunningOne() async {
        // waitpid(-1) would reap other tests' children too: run it in a process of its own.
        await #expect(processExitsWith: .success) {
            #expect(ChildProcesses.reapExited().isEmpty)
            let exiting = try ProcessSpawner.spawn(
                path: "/bin/sh",
                arguments: ["sh", "-c", "exit 7"],
                environment: [:],
                descriptors: []
            )
            let running = try ProcessSpawner.spawn(
                path: "/bin/sleep",
                arguments: ["sleep", "60"],
                environment: [:],
                descriptors: []
            )
            try SpawnedChild.waitUntilZombie(exiting)
            let first = ChildProcesses.reapExited()
            #expect(first.map(\.pid) == [exiting])
            #expect(first.first?.status == .exited(7))

            // A running child is left alone (WNOHANG); once killed it is reaped with its signal.
            #expect(try ChildProcesses.signal(running, SIGKILL))
            try SpawnedChild.waitUntilZombie(running)
            let second = ChildProcesses.reapExited()
            #expect(second.map(\.pid) == [running])
            #expect(second.first?.status == .signaled(SIGKILL, coreDumped: false))
            // No children left: ECHILD ends the loop quietly.
            #expect(ChildProcesses.reapExited().isEmpty)
        }
    }

    @Test func signallingALiveChildDeliversTheSignal() throws {
        let pid = try ProcessSpawner.spawn(
            path: "/bin/sleep",
            arguments: ["sleep", "60"],
            environment: [:],
            descriptors: []
        )
        #expect(try ChildProcesses.signal(pid, SIGTERM))
        #expect(try SpawnedChild.waitForExit(pid) == .signaled(SIGTERM, coreDumped: false))
    }

    @Test func signallingAReapedChildReturnsFalse() throws {
        let pid = try ProcessSpawner.spawn(
            path: "/bin/true",
            arguments: ["true"],
            environment: [:],
            descriptors: []
        )
        #expect(try SpawnedChild.waitForExit(pid) == .exited(0))
        #expect(try ChildProcesses.signal(pid, SIGTERM) == false)
        #expect(try ChildProcesses.signal(pid, 0) == false)
    }

    @Test(arguments: [0, -1] as [Int32])
    func signallingAGroupPidIsRefused(_ pid: Int32) {
        #expect {
            try ChildProcesses.signal(pid, 0)
        } throws: { error in
            (error as? SystemCallError)?.errno == .invalidArgument
        }
    }

    @Test func residentBytesOfALiveProcess() throws {
        let bytes = try #require(ChildProcesses.residentBytes(getpid()))
        #expect(bytes > 0)
        #expect(bytes % Int(sysconf(Int32(_SC_PAGESIZE))) == 0)
    }

    @Test func residentBytesOfAGoneProcessIsNil() throws {
        let pid = try ProcessSpawner.spawn(
            path: "/bin/true",
            arguments: ["true"],
            environment: [:],
            descriptors: []
        )
        #expect(try SpawnedChild.waitForExit(pid) == .exited(0))
        #expect(ChildProcesses.residentBytes(pid) == nil)
    }
}
