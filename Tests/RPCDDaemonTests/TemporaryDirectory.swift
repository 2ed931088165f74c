import Foundation

/// A fresh directory under the system temporary directory, removed when the value is released.
final class TemporaryDirectory: Sendable {
    let path: String

    init() throws {
        let base = FileManager.default.temporaryDirectory.path
        self.path = "\(base)/rpcd-daemon-tests-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: self.path, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(atPath: self.path)
    }

    /// Writes `contents` to `name` inside the directory and returns the file's path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = "\(self.path)/\(name)"
        try contents.write(toFile: file, atomically: false, encoding: .utf8)
        return file
    }

    /// The contents of `name` inside the directory.
    func read(_ name: String) throws -> String {
        try String(contentsOfFile: "\(self.path)/\(name)", encoding: .utf8)
    }
}
