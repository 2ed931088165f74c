/// A key of one backend (DESIGN §10.2): `COMMAND` in `NAME.env`, `RPCD_BACKEND_<NAME>_COMMAND` elsewhere.
package enum BackendKey: Sendable, Hashable {
    /// `COMMAND`: the program and its arguments (required).
    case command
    /// `INSTANCES`: processes per worker.
    case instances
    /// `CONCURRENCY`: calls in flight per instance.
    case concurrency
    /// `METHODS`: the routed names or `prefix.*` patterns.
    case methods
    /// `TIMEOUT`: a call's deadline.
    case timeout
    /// `START_TIMEOUT`: how long calls wait for a first ready instance.
    case startTimeout
    /// `QUEUE`: calls waiting per worker.
    case queue
    /// `MAX_CALLS`: recycle after this many calls.
    case maxCalls
    /// `MAX_RSS`: recycle above this resident size.
    case maxRSS
    /// `STOP_TIMEOUT`: grace after stdin closes.
    case stopTimeout
    /// `DIRECTORY`: the working directory.
    case directory
    /// `PASS_ENV`: names passed on from rpcd's environment.
    case passEnv
    /// `ENV_<VAR>`: sets the variable `VAR`.
    case environment(String)

    /// `RPCD_BACKEND_`, before `<NAME>_<KEY>` outside a backend's own file.
    package static let prefix = "RPCD_BACKEND_"

    /// Every key but `ENV_<VAR>`, in the order `--check-config` lists them.
    package static let fixed: [BackendKey] = [
        .command, .instances, .concurrency, .methods, .timeout, .startTimeout, .queue, .maxCalls, .maxRSS,
        .stopTimeout, .directory, .passEnv,
    ]

    /// The key as a backend file spells it: `START_TIMEOUT`, `ENV_LANG`.
    package var suffix: String {
        switch self {
        case .command: "COMMAND"
        case .instances: "INSTANCES"
        case .concurrency: "CONCURRENCY"
        case .methods: "METHODS"
        case .timeout: "TIMEOUT"
        case .startTimeout: "START_TIMEOUT"
        case .queue: "QUEUE"
        case .maxCalls: "MAX_CALLS"
        case .maxRSS: "MAX_RSS"
        case .stopTimeout: "STOP_TIMEOUT"
        case .directory: "DIRECTORY"
        case .passEnv: "PASS_ENV"
        case .environment(let variable): "ENV_" + variable
        }
    }

    /// The key a suffix spells, or nil: `ENV_<VAR>` needs `VAR` to be a variable name.
    package init?(suffix: String) {
        if let key = Self.fixed.first(where: { $0.suffix == suffix }) {
            self = key
            return
        }
        guard suffix.hasPrefix("ENV_") else {
            return nil
        }
        let variable = String(suffix.dropFirst("ENV_".count))
        guard ConfigValueSyntax.isVariableName(variable) else {
            return nil
        }
        self = .environment(variable)
    }

    /// The fixed key a misspelt suffix most likely meant (`INSTANSES` → `INSTANCES`), if at most two edits away.
    static func closest(to suffix: String) -> BackendKey? {
        ConfigurationKey.closest(to: suffix, among: Self.fixed, spelled: \.suffix)
    }
}
