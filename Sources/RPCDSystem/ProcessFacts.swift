#if canImport(Glibc)
internal import Glibc
#endif

/// Facts about the running process.
package enum ProcessFacts {
    /// This process's id.
    package static var pid: Int32 { getpid() }

    /// The number of online CPUs, at least 1.
    package static var onlineCPUs: Int { max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN)))) }

    /// The effective user id.
    package static var effectiveUserID: UInt32 { geteuid() }

    /// The real user id (`getuid(2)`, which cannot fail).
    package static var userID: UInt32 { getuid() }
}

extension ProcessFacts {
    /// The process environment as a dictionary (the last definition of a repeated name wins).
    package static var environment: [String: String] {
        var result: [String: String] = [:]
        var cursor = environ
        while let entry = cursor.pointee {
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            cursor += 1
        }
        return result
    }

    /// The current working directory, or `/` when it cannot be read.
    package static var currentDirectory: String {
        guard let path = getcwd(nil, 0) else { return "/" }
        defer { free(path) }
        return String(cString: path)
    }
}
