import Foundation
import Glibc

/// Facts about processes read from `/proc`, for following the workers a test's rpcd spawned.
public enum ProcessTable {
    /// The children of `pid` (every thread's `children` list; the master spawns from a thread).
    public static func children(of pid: Int32) -> Set<Int32> {
        let tasks = "/proc/\(pid)/task"
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: tasks) else { return [] }
        var children: Set<Int32> = []
        for thread in threads {
            guard let text = try? String(contentsOfFile: "\(tasks)/\(thread)/children", encoding: .utf8) else {
                continue
            }
            children.formUnion(
                text.split(separator: " ").compactMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            )
        }
        return children
    }

    /// The state letter from `/proc/PID/stat` (`R`, `S`, `Z`, …), or nil when there is no such process.
    public static func state(of pid: Int32) -> Character? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else {
            return nil
        }
        // `pid (comm) S ppid ...`: the command may contain spaces and parentheses, so split after the last `)`.
        return stat[stat.index(after: close)...].first { $0 != " " }
    }

    /// The command name (`/proc/PID/comm`), or nil when there is no such process.
    public static func command(of pid: Int32) -> String? {
        (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8))?.trimmingCharacters(in: .newlines)
    }

    /// Whether every thread of `pid` is stopped (`T`). A stop signal stops the threads one by one:
    /// the main thread may show `T` while an event-loop thread still runs.
    public static func isStopped(_ pid: Int32) -> Bool {
        guard let threads = try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"),
            !threads.isEmpty
        else {
            return false
        }
        return threads.allSatisfy { thread in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/task/\(thread)/stat", encoding: .utf8),
                let close = stat.lastIndex(of: ")")
            else {
                return true  // The thread has gone.
            }
            return stat[stat.index(after: close)...].first { $0 != " " } == "T"
        }
    }

    /// Whether `pid` runs: it exists and is not a zombie waiting to be reaped. The leader of a
    /// multi-threaded process turns zombie before its other threads have exited (and closed the
    /// descriptors they share), so a zombie leader with threads left still counts as running.
    public static func isAlive(_ pid: Int32) -> Bool {
        guard let state = self.state(of: pid) else { return false }
        guard state == "Z" || state == "X" else { return true }
        let threads = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task"))?.count ?? 0
        return threads > 1
    }

    /// The names of the variables in `pid`'s environment (`/proc/PID/environ`).
    public static func environmentNames(of pid: Int32) throws -> Set<String> {
        let text = try String(contentsOfFile: "/proc/\(pid)/environ", encoding: .utf8)
        return Set(text.split(separator: "\0").map { String($0.prefix { $0 != "=" }) })
    }

    /// The pid a pidfile holds, or nil when it is missing or holds none.
    public static func pid(inPidfile path: String) -> Int32? {
        (try? String(contentsOfFile: path, encoding: .utf8)).flatMap {
            Int32($0.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    /// Kills `pid` with SIGKILL and waits until it is gone; when the test process itself adopted
    /// it (a detached daemon reparents to the nearest subreaper, which a test runner may be), it
    /// is reaped too, so that its pid no longer names a zombie "rpcd" to tools like
    /// start-stop-daemon.
    /// - Returns: whether it is gone within `timeout`.
    @discardableResult
    public static func killAndReap(_ pid: Int32, timeout: Duration = .seconds(5)) -> Bool {
        kill(pid, SIGKILL)
        do {
            // Reaps it when it is ours; otherwise its parent does, and /proc forgets it.
            try Poll.until("end of process \(pid)", timeout: timeout) {
                waitpid(pid, nil, WNOHANG) == pid || self.state(of: pid) == nil
            }
            return true
        } catch {
            return false
        }
    }

    /// Waits until none of `pids` runs, polling `/proc` (the processes are not the test's children,
    /// so there is nothing to wait on).
    /// - Returns: the pids still running when `timeout` passed (empty when all are gone).
    @discardableResult
    public static func waitUntilGone(_ pids: some Collection<Int32>, timeout: Duration) -> [Int32] {
        var running = Array(pids)
        do {
            try Poll.until("end of \(running)", timeout: timeout) {
                running = running.filter(self.isAlive)
                return running.isEmpty
            }
        } catch {
            // The caller reports what is still running.
        }
        return running
    }

    /// One open descriptor of a process.
    public struct Descriptor: Sendable, CustomStringConvertible {
        /// The descriptor number.
        public var fd: Int32
        /// What it refers to (`socket:[123]`, a path).
        public var target: String
        /// The `flags` from `/proc/PID/fdinfo/FD` (octal open flags).
        public var flags: Int

        /// Whether `O_CLOEXEC` is set.
        public var isCloseOnExec: Bool { self.flags & 0o2_000_000 != 0 }

        public var description: String { "\(self.fd) -> \(self.target) (flags 0\(String(self.flags, radix: 8)))" }
    }

    /// The open descriptors of `pid` (empty when it is gone).
    public static func descriptors(of pid: Int32) -> [Descriptor] {
        let directory = "/proc/\(pid)/fd"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return [] }
        return names.compactMap(Int32.init).sorted().compactMap { fd in
            guard let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(directory)/\(fd)"),
                let info = try? String(contentsOfFile: "/proc/\(pid)/fdinfo/\(fd)", encoding: .utf8),
                let line = info.split(separator: "\n").first(where: { $0.hasPrefix("flags:") }),
                let flags = Int(line.dropFirst("flags:".count).trimmingCharacters(in: .whitespaces), radix: 8)
            else {
                return nil
            }
            return Descriptor(fd: fd, target: target, flags: flags)
        }
    }
}
