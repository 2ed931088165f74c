import RPCDSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ProcessControlTests {
    @Test func parentPIDIsOurParent() {
        #expect(ProcessControl.parentPID == getppid())
        #expect(ProcessControl.parentPID != getpid())
    }

    @Test func theParentDeathSignalIsSetAndCleared() async {
        // In a process of its own: the setting must never outlive the test in the test runner.
        await #expect(processExitsWith: .success) {
            #expect(try ProcessControl.parentDeathSignal == 0)
            try ProcessControl.setParentDeathSignal(SIGTERM)
            #expect(try ProcessControl.parentDeathSignal == SIGTERM)
            try ProcessControl.setParentDeathSignal(0)
            #expect(try ProcessControl.parentDeathSignal == 0)
        }
    }

    @Test func anInvalidParentDeathSignalThrows() {
        #expect {
            try ProcessControl.setParentDeathSignal(1000)
        } throws: { error in
            (error as? SystemCallError)?.errno == .invalidArgument
        }
    }
}
