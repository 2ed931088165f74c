import Foundation

/// A uniquely named directory under `/tmp`, removed with everything in it when this value goes away.
///
/// Unix socket paths are limited to 107 bytes, so the name is kept short.
public final class TemporaryDirectory: Sendable {
    /// The directory's absolute path.
    public let path: String

    /// Creates the directory.
    /// - Throws: ``TestSupportError/Code/systemCall`` when it cannot be created.
    public init(prefix: String = "rpcd-it") throws {
        let name = "\(prefix)-\(UUID().uuidString.prefix(8).lowercased())"
        let path = "/tmp/\(name)"
        do {
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: false)
        } catch {
            throw TestSupportError(.systemCall, "cannot create \(path): \(error)")
        }
        self.path = path
    }

    /// The path of `name` inside the directory.
    public func file(_ name: String) -> String {
        "\(self.path)/\(name)"
    }

    /// Writes `contents` to the file `name` inside the directory and returns its path.
    @discardableResult
    public func write(_ name: String, _ contents: String) throws -> String {
        let path = self.file(name)
        do {
            try contents.write(toFile: path, atomically: false, encoding: .utf8)
        } catch {
            throw TestSupportError(.systemCall, "cannot write \(path): \(error)")
        }
        return path
    }

    /// The contents of the file `name` inside the directory.
    /// - Throws: ``TestSupportError/Code/systemCall`` when it cannot be read.
    public func read(_ name: String) throws -> String {
        let path = self.file(name)
        do {
            return try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw TestSupportError(.systemCall, "cannot read \(path): \(error)")
        }
    }

    /// Whether something exists at `name` inside the directory.
    public func exists(_ name: String) -> Bool {
        FileManager.default.fileExists(atPath: self.file(name))
    }

    deinit {
        // Best effort: a leftover directory under /tmp is harmless and must not fail a test.
        _ = try? FileManager.default.removeItem(atPath: self.path)
    }
}
