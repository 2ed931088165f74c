/// One exec method: a name and the executable that serves it.
package struct ExecMethodDefinition: Sendable, Hashable {
    /// The method name, the file's name (`math.add`).
    package var name: String
    /// The file's absolute path.
    package var path: String

    /// Creates a definition.
    package init(name: String, path: String) {
        self.name = name
        self.path = path
    }
}
