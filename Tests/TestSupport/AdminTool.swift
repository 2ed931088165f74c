import Foundation

/// The real `rpcd-admin` binary aimed at one admin socket, run to completion for each command.
public struct AdminTool: Sendable {
    /// A user and group to run `rpcd-admin` as (through `setpriv`, which needs root).
    public struct Identity: Sendable, CustomStringConvertible {
        /// The real and effective user id.
        public var uid: UInt32
        /// The real and effective group id.
        public var gid: UInt32
        /// Supplementary groups; empty clears them.
        public var groups: [UInt32]

        /// Creates an identity.
        public init(uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
            self.uid = uid
            self.gid = gid
            self.groups = groups
        }

        /// `nobody`/`nogroup` (65534) without supplementary groups.
        public static let nobody = Identity(uid: 65_534, gid: 65_534)

        public var description: String { "uid \(self.uid) gid \(self.gid) groups \(self.groups)" }
    }

    /// The admin socket's path, passed as `--socket`.
    public let socket: String

    /// Aims `rpcd-admin` at `socket`.
    public init(socket: String) {
        self.socket = socket
    }

    /// Runs `rpcd-admin ARGUMENTS --socket PATH` with a clean environment.
    /// - Parameters:
    ///   - arguments: the command and its arguments (options may come first, as an operator types them).
    ///   - identity: run as this user instead of the test's (through `setpriv`).
    ///   - socketOption: whether to append `--socket PATH`; without it `RPCD_ADMIN_SOCKET` names the socket.
    public func run(
        _ arguments: [String],
        as identity: Identity? = nil,
        socketOption: Bool = true,
        timeout: Duration = .seconds(20)
    ) throws -> CommandResult {
        let admin = try ProductsDirectory.rpcdAdmin()
        var arguments = arguments
        var environment: [String: String] = [:]
        if socketOption {
            arguments += ["--socket", self.socket]
        } else {
            environment["RPCD_ADMIN_SOCKET"] = self.socket
        }
        guard let identity else {
            return try RunCommand(executable: admin, arguments: arguments, environment: environment).run(
                timeout: timeout
            )
        }
        var privileges = ["--reuid=\(identity.uid)", "--regid=\(identity.gid)"]
        if identity.groups.isEmpty {
            privileges.append("--clear-groups")
        } else {
            privileges.append("--groups=" + identity.groups.map(String.init).joined(separator: ","))
        }
        return try RunCommand(
            executable: try Self.setpriv(),
            arguments: privileges + ["--", admin] + arguments,
            environment: environment
        ).run(timeout: timeout)
    }

    /// Runs `rpcd-admin ARGUMENTS --json`, requires exit 0 and decodes stdout as `type`.
    /// - Throws: ``TestSupportError/Code/protocolViolation`` for another exit status or output
    ///   that does not decode (a field missing or misnamed).
    public func json<T: Decodable>(_ type: T.Type, _ arguments: [String], timeout: Duration = .seconds(20)) throws -> T
    {
        let result = try self.run(arguments + ["--json"], timeout: timeout)
        guard result.exitCode == 0 else {
            throw TestSupportError(.protocolViolation, "rpcd-admin \(arguments) --json failed: \(result)")
        }
        do {
            return try JSONDecoder().decode(T.self, from: Data(result.stdout.utf8))
        } catch {
            throw TestSupportError(
                .protocolViolation,
                "rpcd-admin \(arguments) --json printed \(result.stdout): \(error)"
            )
        }
    }

    /// Runs `rpcd-admin ARGUMENTS --json`, requires exit 0 and parses stdout with `JSONSerialization`.
    public func jsonObject(_ arguments: [String], timeout: Duration = .seconds(20)) throws -> Any {
        let result = try self.run(arguments + ["--json"], timeout: timeout)
        guard result.exitCode == 0,
            let object = try? JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: [.fragmentsAllowed])
        else {
            throw TestSupportError(.protocolViolation, "rpcd-admin \(arguments) --json: \(result)")
        }
        return object
    }

    /// `rpcd-admin status --json`, decoded.
    public func status() throws -> AdminStatus {
        try self.json(AdminStatus.self, ["status"])
    }

    /// `rpcd-admin workers --json`, decoded.
    public func workers() throws -> [AdminWorker] {
        try self.json([AdminWorker].self, ["workers"])
    }

    /// Polls `rpcd-admin workers --json` until `condition` holds.
    /// - Returns: the workers that satisfied it.
    /// - Throws: ``TestSupportError/Code/timedOut`` with the last table seen (see ``Poll``).
    @discardableResult
    public func waitForWorkers(
        timeout: Duration = .seconds(10),
        what: String = "the expected workers",
        where condition: ([AdminWorker]) -> Bool
    ) throws -> [AdminWorker] {
        var last: [AdminWorker] = []
        // Each poll runs a process; between two, give the daemon a moment (there is no event to
        // await from outside for a heartbeat's statistics).
        return try Poll.until("\(what) (last: \(last))", timeout: timeout, interval: .milliseconds(50)) {
            last = try self.workers()
            return condition(last) ? last : nil
        }
    }

    private static func setpriv() throws -> String {
        for candidate in ["/usr/bin/setpriv", "/bin/setpriv"]
        where FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        throw TestSupportError(.binaryNotFound, "setpriv (util-linux) is needed to run rpcd-admin as another user")
    }
}
