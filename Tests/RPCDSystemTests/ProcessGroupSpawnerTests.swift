import Glibc
import RPCDSystem
import Testing

@Suite("ProcessGroupSpawner: a child in its own process group (exec methods)")
struct ProcessGroupSpawnerTests {
    private func script(_ body: String) throws -> String {
        var template = Array("/tmp/rpcd-spawn-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        try #require(descriptor >= 0)
        let path = String(decoding: template.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        let text = Array("#!/bin/sh\n\(body)\n".utf8)
        #expect(write(descriptor, text, text.count) == text.count)
        close(descriptor)
        #expect(chmod(path, 0o700) == 0)
        return path
    }

    @Test("the child leads its own group, gets stdin and stdout, and dies with a group kill")
    func spawnAndKill() throws {
        let path = try script("read line; echo \"got $line in $PWD\"; exec sleep 30")
        defer { unlink(path) }
        let input = try ChildPipes.makePipe()
        let output = try ChildPipes.makePipe()
        ChildPipes.setBlocking(input.read)
        ChildPipes.setBlocking(output.write)
        let pid = try ProcessGroupSpawner.spawn(
            path: path,
            environment: ["PATH=/usr/bin:/bin"],
            directory: "/tmp",
            standardInput: input.read,
            standardOutput: output.write,
            standardError: output.write
        )
        ChildPipes.close(input.read)
        ChildPipes.close(output.write)
        #expect(getpgid(pid) == pid)
        let line = Array("hi\n".utf8)
        _ = line.withUnsafeBytes { ChildPipes.write(input.write, $0) }
        ChildPipes.close(input.write)
        let ready = ChildPipes.poll(reading: [output.read], writing: [], timeoutMilliseconds: 5000)
        #expect(ready == [output.read])
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 256, alignment: 1)
        defer { buffer.deallocate() }
        let count = ChildPipes.read(output.read, into: buffer) ?? 0
        #expect(String(decoding: buffer.prefix(count), as: UTF8.self) == "got hi in /tmp\n")
        #expect(ProcessGroupSpawner.signalGroup(pid, SIGKILL))
        #expect(ChildPipes.waitForExit(pid) == .signaled(SIGKILL, coreDumped: false))
        ChildPipes.close(output.read)
    }

    @Test("a missing file is an execve error, not a child exiting 127")
    func missingFile() {
        #expect(throws: SystemCallError.self) {
            _ = try ProcessGroupSpawner.spawn(
                path: "/nonexistent/method",
                environment: [],
                directory: "/",
                standardInput: 0,
                standardOutput: 1,
                standardError: 2
            )
        }
    }
}
