/// One backend pool as declared (DESIGN §10.2): by `RPCD_BACKENDS_DIR/NAME.env` or by the
/// `RPCD_BACKEND_<NAME>_<KEY>` keys, the environment beating the file key by key.
package struct BackendSettings: Sendable, Equatable {
    /// The backend's name: the file's name without `.env`, or `<NAME>` in lower case (`[a-z0-9_]+`).
    package var name: String
    /// `COMMAND`, split into words like a shell's (quotes honoured, never run by a shell); the
    /// first word is the program as an absolute path (found in `PATH` when it was a bare name).
    package var command: [String]
    /// `INSTANCES`: processes per worker.
    package var instances = 1
    /// `CONCURRENCY`: calls in flight per instance.
    package var concurrency = 1
    /// `METHODS`: names or `prefix.*` patterns; nil asks the backend's own `rpc.discover`.
    package var methods: [String]?
    /// `TIMEOUT`: a call's deadline (default `RPCD_REQUEST_TIMEOUT`).
    package var timeout: Duration
    /// `START_TIMEOUT`: how long calls wait for a first ready instance.
    package var startTimeout = Duration.seconds(10)
    /// `QUEUE`: calls waiting for a free slot per worker.
    package var queue = 64
    /// `MAX_CALLS`: recycle an instance after this many calls (10 % jitter); 0 = never.
    package var maxCalls = 0
    /// `MAX_RSS`: recycle an instance whose resident size passes this many bytes; 0 = never.
    package var maxRSSBytes = 0
    /// `STOP_TIMEOUT`: how long a stopping instance has after its stdin closes, before SIGTERM.
    package var stopTimeout = Duration.seconds(5)
    /// `DIRECTORY`: the working directory.
    package var directory = "/"
    /// `PASS_ENV`: names of rpcd's environment variables passed on.
    package var passEnvironment: [String] = []
    /// `ENV_<VAR>`: variables set for the backend, by name.
    package var environment: [String: String] = [:]

    /// A backend with the defaults for everything but its name, command and timeout.
    package init(name: String, command: [String], timeout: Duration) {
        self.name = name
        self.command = command
        self.timeout = timeout
    }
}
