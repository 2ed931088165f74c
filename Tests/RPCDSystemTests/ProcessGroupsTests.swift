import Glibc
import Testing

@testable import RPCDSystem

@Suite struct ProcessGroupsTests {
    @Test func theGidAndGroupsLinesOfAStatusTextAreRead() {
        let text =
            "Name:\tcat\nUid:\t1000\t1000\t1000\t1000\nGid:\t1000\t1000\t1000\t1000\nGroups:\t4 24 100 \nNgid:\t0\n"
        #expect(ProcessFacts.groups(fromStatus: text) == [1000, 4, 24, 100])
    }

    @Test func aStatusTextWithoutGidIsNoAnswer() {
        #expect(ProcessFacts.groups(fromStatus: "Name:\tcat\nGroups:\t4\n") == nil)
        #expect(ProcessFacts.groups(fromStatus: "Gid:\t1\tx\n") == nil)
    }

    @Test func thisProcessHoldsItsOwnGroups() throws {
        let groups = try #require(ProcessFacts.groups(ofProcess: getpid()))
        #expect(groups.contains(getgid()))
        #expect(groups.contains(getegid()))
    }

    @Test func aProcessThatDoesNotExistHasNoGroups() {
        #expect(ProcessFacts.groups(ofProcess: 0) == nil)
        #expect(ProcessFacts.groups(ofProcess: Int32.max) == nil)
    }
}
