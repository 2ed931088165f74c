import RPCDSystem
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite struct ProcessSpawnerTests {
    @Test func mappedDescriptorsAppearAtTheirChildNumbers() throws {
        let three = try SocketCalls.streamPair()
        let four = try SocketCalls.streamPair()
        defer { [three.0, four.0].forEach(SocketCalls.close) }
        let result = try SpawnedChild.run(
            "/bin/sh",
            ["sh", "-c", "echo three >&3; echo four >&4; echo done"],
            descriptors: [(parent: three.1, child: 3), (parent: four.1, child: 4)]
        )
        // The child's copies are gone; ours must go before reading to EOF.
        SocketCalls.close(three.1)
        SocketCalls.close(four.1)
        #expect(result.status == .exited(0))
        #expect(result.output == "done\n")
        #expect(try readAll(three.0) == "three\n")
        #expect(try readAll(four.0) == "four\n")
    }

    @Test func aPermutedMappingSwapsDescriptorsWithoutCollision() throws {
        let first = try SocketCalls.streamPair()
        let second = try SocketCalls.streamPair()
        defer { [first.0, second.0].forEach(SocketCalls.close) }
        // Each parent fd lands on the other's number: a naive dup2 sequence would deliver the same
        // file twice. bash, because dash only knows fds 0-9 in redirections.
        let (a, b) = (first.1, second.1)
        let result = try SpawnedChild.run(
            "/bin/bash",
            ["bash", "-c", "echo first >&\(b); echo second >&\(a)"],
            descriptors: [(parent: a, child: b), (parent: b, child: a)]
        )
        SocketCalls.close(a)
        SocketCalls.close(b)
        #expect(result.status == .exited(0))
        #expect(try readAll(first.0) == "first\n")
        #expect(try readAll(second.0) == "second\n")
    }

    @Test func theFixedNumberPermutationWorks() throws {
        let first = try SocketCalls.streamPair()
        let second = try SocketCalls.streamPair()
        defer { [first.0, second.0].forEach(SocketCalls.close) }
        let result = try SpawnedChild.run(
            "/bin/sh",
            ["sh", "-c", "echo first >&4; echo second >&3"],
            descriptors: [(parent: first.1, child: 4), (parent: second.1, child: 3)]
        )
        SocketCalls.close(first.1)
        SocketCalls.close(second.1)
        #expect(result.status == .exited(0))
        #expect(try readAll(first.0) == "first\n")
        #expect(try readAll(second.0) == "second\n")
    }

    @Test func anIdentityMappingClearsCloseOnExec() throws {
        let pair = try SocketCalls.streamPair()
        defer { SocketCalls.close(pair.0) }
        #expect(isCloseOnExec(pair.1))
        // Mapped onto its own number, the fd must still survive exec (dup2(n, n) would not clear the flag).
        let result = try SpawnedChild.run(
            "/bin/bash",
            ["bash", "-c", "echo same >&\(pair.1)"],
            descriptors: [(parent: pair.1, child: pair.1)]
        )
        SocketCalls.close(pair.1)
        #expect(result.status == .exited(0))
        #expect(try readAll(pair.0) == "same\n")
    }

    @Test func unmappedDescriptorsStayOutOfTheChild() throws {
        let mapped = try SocketCalls.streamPair()
        let unmapped = try SocketCalls.streamPair()
        defer { [mapped.0, mapped.1, unmapped.0, unmapped.1].forEach(SocketCalls.close) }
        #expect(isCloseOnExec(unmapped.0) && isCloseOnExec(unmapped.1))
        // `[` is a shell builtin, so /proc/$$ is the shell itself.
        let numbers = [1, 3, Int(unmapped.0), Int(unmapped.1)]
        let script = numbers.map { "if [ -e /proc/$$/fd/\($0) ]; then echo \($0):open; else echo \($0):closed; fi" }
            .joined(separator: "; ")
        let result = try SpawnedChild.run(
            "/bin/sh",
            ["sh", "-c", script],
            descriptors: [(parent: mapped.1, child: 3)]
        )
        #expect(result.status == .exited(0))
        #expect(result.output == "1:open\n3:open\n\(unmapped.0):closed\n\(unmapped.1):closed\n")
        // The temporaries used for the dup2 dance are closed in the parent again.
        #expect(isCloseOnExec(mapped.1))
    }

    @Test func theEnvironmentIsExactlyWhatWasGiven() throws {
        let environment = ["RPCD_ONE": "1", "WITH_SPACE": "a b", "EMPTY": "", "EQUALS": "x=y"]
        let result = try SpawnedChild.run("/usr/bin/env", ["env"], environment: environment)
        #expect(result.status == .exited(0))
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.sorted() == ["EMPTY=", "EQUALS=x=y", "RPCD_ONE=1", "WITH_SPACE=a b"])
    }

    @Test func anEmptyEnvironmentStaysEmpty() throws {
        let result = try SpawnedChild.run("/usr/bin/env", ["env"], environment: [:])
        #expect(result.status == .exited(0))
        #expect(result.output == "")
    }

    @Test func argvZeroIsPassedAsGiven() throws {
        let result = try SpawnedChild.run("/bin/sh", ["custom-name", "-c", "echo \"$0\" \"$1\"", "x", "y z"])
        #expect(result.output == "x y z\n")
    }

    @Test func theChildStartsWithAnEmptyMaskAndDefaultDispositions() throws {
        // Block SIGUSR2 in this thread and ignore SIGPIPE process-wide, as a master would, and
        // check that neither reaches the child.
        var blocked = sigset_t()
        sigemptyset(&blocked)
        sigaddset(&blocked, SIGUSR2)
        var previousMask = sigset_t()
        #expect(pthread_sigmask(SIG_BLOCK, &blocked, &previousMask) == 0)
        defer { _ = pthread_sigmask(SIG_SETMASK, &previousMask, nil) }
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        var previousAction = sigaction()
        #expect(sigaction(SIGPIPE, &ignore, &previousAction) == 0)
        defer { _ = sigaction(SIGPIPE, &previousAction, nil) }

        var current = sigset_t()
        #expect(pthread_sigmask(SIG_BLOCK, nil, &current) == 0)
        #expect(sigismember(&current, SIGUSR2) == 1)

        let result = try SpawnedChild.run("/bin/cat", ["cat", "/proc/self/status"])
        #expect(result.status == .exited(0))
        var fields: [String: String] = [:]
        for line in result.output.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1)
            if parts.count == 2 {
                fields[String(parts[0])] = String(parts[1].drop { $0 == " " || $0 == "\t" })
            }
        }
        #expect(fields["SigBlk"] == "0000000000000000")
        #expect(fields["SigIgn"] == "0000000000000000")
    }

    @Test func aMissingExecutableThrowsTheExecError() {
        #expect {
            _ = try ProcessSpawner.spawn(
                path: "/nonexistent/rpcd-worker",
                arguments: ["rpcd-worker"],
                environment: [:],
                descriptors: []
            )
        } throws: { error in
            let error = error as? SystemCallError
            return "\(error?.call ?? "")" == "posix_spawn" && error?.errno == .noSuchFileOrDirectory
        }
    }

    @Test func aClosedParentDescriptorThrowsEBADF() {
        #expect {
            _ = try ProcessSpawner.spawn(
                path: "/bin/true",
                arguments: ["true"],
                environment: [:],
                descriptors: [(parent: 1_000_000, child: 3)]
            )
        } throws: { error in
            (error as? SystemCallError)?.errno == .badFileDescriptor
        }
    }

    /// A variable name shown escaped in the test log (which a raw NUL would cut short).
    struct EnvironmentName: CustomTestStringConvertible, Sendable {
        var name: String
        var testDescription: String { self.name.debugDescription }
    }

    @Test(arguments: ["", "A=B", "NUL\u{0}"].map(EnvironmentName.init))
    func anInvalidEnvironmentNameIsRefused(_ name: EnvironmentName) {
        #expect {
            _ = try ProcessSpawner.spawn(
                path: "/bin/true",
                arguments: ["true"],
                environment: [name.name: "value"],
                descriptors: []
            )
        } throws: { error in
            (error as? SystemCallError)?.errno == .invalidArgument
        }
    }
}
