import RPCDSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ExitStatusTests {
    @Test(
        arguments: [
            (0x0000, ExitStatus.exited(0)),
            (0x0300, .exited(3)),
            (0xFF00, .exited(255)),
            (0x0009, .signaled(SIGKILL, coreDumped: false)),
            (0x0086, .signaled(SIGABRT, coreDumped: true)),
        ] as [(Int32, ExitStatus)]
    )
    func waitStatusesDecode(_ raw: Int32, _ expected: ExitStatus) {
        #expect(ExitStatus(waitStatus: raw) == expected)
    }

    @Test func stoppedAndContinuedAreNotExits() {
        #expect(ExitStatus(waitStatus: 0x137F) == nil)  // stopped by SIGSTOP
        #expect(ExitStatus(waitStatus: 0xFFFF) == nil)  // continued
    }

    @Test(arguments: [
        (ExitStatus.exited(1), "exit code 1"),
        (.exited(0), "exit code 0"),
        (.signaled(SIGKILL, coreDumped: false), "signal SIGKILL"),
        (.signaled(SIGABRT, coreDumped: true), "signal SIGABRT (core dumped)"),
    ])
    func descriptions(_ status: ExitStatus, _ text: String) {
        #expect(status.description == text)
    }
}
