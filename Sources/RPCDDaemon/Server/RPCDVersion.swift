/// The version of rpcd, reported by `--version`, `status` and `rpc.discover`.
public enum RPCDVersion {
    /// The release version.
    public static let current = "0.1.0"
}
