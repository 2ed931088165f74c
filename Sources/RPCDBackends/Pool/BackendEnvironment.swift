internal import RPCDConfiguration

/// The environment of a backend instance (DESIGN §10.2): `PATH` and `LANG` as for exec methods, the
/// `PASS_ENV` names rpcd has, then the `ENV_<VAR>` entries (which win).
enum BackendEnvironment {
    static func entries(_ settings: BackendSettings, daemonEnvironment: [String: String]) -> [String] {
        var variables: [String: String] = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"]
        for name in settings.passEnvironment {
            if let value = daemonEnvironment[name] { variables[name] = value }
        }
        for (name, value) in settings.environment { variables[name] = value }
        return variables.keys.sorted().map { "\($0)=\(variables[$0]!)" }
    }
}
