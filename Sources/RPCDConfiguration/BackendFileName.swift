/// What a name in `RPCD_BACKENDS_DIR` is: a backend's file, something to skip, or a `.env` file
/// whose name cannot be a backend's.
enum BackendFileName: Equatable {
    /// `NAME.env` with `NAME` of `[A-Za-z0-9_]+`: the backend `name` (lower case).
    case backend(name: String)
    /// Not a backend file: dotfiles, editor and package-manager leftovers (`~`, `.dpkg-*`,
    /// `.rpm*`), a `README`, anything not ending in `.env`.
    case ignored
    /// Ends in `.env` but the part before it is not `[A-Za-z0-9_]+`: worth a warning.
    case invalid

    /// Classifies a file name (not a path).
    init(_ fileName: String) {
        if fileName.hasPrefix(".") || fileName.hasSuffix("~") || fileName.contains(".dpkg-")
            || fileName.contains(".rpm") || fileName.hasPrefix("README") || !fileName.hasSuffix(".env")
        {
            self = .ignored
            return
        }
        let stem = fileName.dropLast(".env".count)
        let valid = stem.utf8.allSatisfy { byte in
            byte == UInt8(ascii: "_") || (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte)
                || (UInt8(ascii: "a")...UInt8(ascii: "z")).contains(byte)
                || (UInt8(ascii: "A")...UInt8(ascii: "Z")).contains(byte)
        }
        self = valid ? .backend(name: stem.lowercased()) : .invalid
    }
}
