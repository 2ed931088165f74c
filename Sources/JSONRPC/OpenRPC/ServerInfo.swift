/// The `info` object of the `rpc.discover` document.
public struct ServerInfo: Sendable, Hashable {
    /// The service's title.
    public var title: String
    /// The service's version.
    public var version: String
    /// A description of the service.
    public var description: String?

    /// Creates server info.
    public init(title: String = "rpcd", version: String = "0.0.0", description: String? = nil) {
        self.title = title
        self.version = version
        self.description = description
    }
}
