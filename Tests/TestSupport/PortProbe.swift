import Foundation
import Glibc

/// Checks whether a TCP port can be bound, the way the next server would bind it.
public enum PortProbe {
    /// Binds and listens on `host:port` (IPv4, `SO_REUSEADDR` so that TIME_WAIT entries do not
    /// count), then closes the socket.
    /// - Returns: nil when the port is free, else the errno text (`Address already in use`).
    public static func bindFailure(host: String = "127.0.0.1", port: Int) -> String? {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { return "socket: \(String(cString: strerror(errno)))" }
        defer { close(descriptor) }
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_REUSEADDR, &one, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        guard inet_pton(AF_INET, host, &address.sin_addr) == 1 else { return "not an IPv4 address: \(host)" }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0 else { return "bind: \(String(cString: strerror(errno)))" }
        guard listen(descriptor, 1) == 0 else { return "listen: \(String(cString: strerror(errno)))" }
        return nil
    }

    /// A port that is free now and lies below the kernel's ephemeral range, so that no client
    /// connection elsewhere (whose local port comes from that range) can take it once a test's
    /// server lets it go; a test that checks a port is freed wants such a port.
    public static func unusedPortBelowEphemeralRange() throws -> Int {
        let range = (try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8)) ?? ""
        let low = range.split(whereSeparator: \.isWhitespace).first.flatMap { Int($0) } ?? 32_768
        let candidates = 10_000..<max(low, 10_001)
        for _ in 0..<100 {
            let port = Int.random(in: candidates)
            if self.bindFailure(port: port) == nil {
                return port
            }
        }
        throw TestSupportError(.systemCall, "no free port in \(candidates)")
    }
}
