import JSONRPC
import RPCDAdmin
import Testing

@Suite("Human output")
struct AdminOutputTests {
    @Test(
        "durations",
        arguments: [
            (0.0, "0s"), (0.9, "0s"), (42, "42s"), (192, "3m12s"), (3_600, "1h00m"), (7_500, "2h05m"),
            (86_400 * 3 + 3_600 * 4 + 59, "3d04h"), (-5, "0s"),
        ] as [(Double, String)]
    )
    func durations(_ seconds: Double, _ expected: String) {
        #expect(HumanUnits.duration(seconds: seconds) == expected)
    }

    @Test(
        "byte counts",
        arguments: [
            (0, "0 B"), (512, "512 B"), (1_023, "1023 B"), (1_024, "1.0 KiB"), (1_536, "1.5 KiB"),
            (12_897_484, "12.3 MiB"), (1_048_575, "1.0 MiB"), (3 << 30, "3.0 GiB"),
        ] as [(Int, String)]
    )
    func bytes(_ count: Int, _ expected: String) {
        #expect(HumanUnits.bytes(count) == expected)
    }

    @Test(
        "milliseconds",
        arguments: [
            (0.0, "0ms"), (0.042, "0.042ms"), (1.25, "1.25ms"), (12.34, "12.3ms"), (250.4, "250ms"), (1_500, "1.5s"),
            (2.0, "2ms"),
        ] as [(Double, String)]
    )
    func milliseconds(_ value: Double, _ expected: String) {
        #expect(HumanUnits.milliseconds(value) == expected)
    }

    @Test("tables align columns, right-align numbers and drop trailing blanks")
    func table() {
        let table = TextTable(
            header: ["NAME", "COUNT", "NOTE"],
            alignments: [.left, .right, .left],
            rows: [["a", "1", ""], ["longer", "12345", "x"]]
        )
        #expect(
            table.rendered == """
                NAME    COUNT  NOTE
                a           1
                longer  12345  x

                """
        )
    }

    @Test("status as key-value lines with one line per listener")
    func status() {
        #expect(
            AdminOutput.status(AdminPayloadTests.status) == """
                version     0.1.0
                pid         4242
                mode        systemd
                uptime      3m12s
                generation  3
                workers     3/4 ready
                requests    1234
                errors      5
                draining    no
                listeners   ndjson  tcp://127.0.0.1:0          127.0.0.1:40123
                            admin   unix:/run/rpcd/admin.sock  /run/rpcd/admin.sock

                """
        )
    }

    @Test("workers as a table")
    func workers() {
        var second = AdminPayloadTests.worker
        second.id = 2
        second.pid = 4301
        second.state = "draining"
        second.uptimeSeconds = 7_500
        second.rssBytes = 800
        second.restarts = 12
        #expect(
            AdminOutput.workers([AdminPayloadTests.worker, second]) == """
                ID   PID  GEN  STATE     UPTIME  REQUESTS  ERRORS  IN-FLIGHT  CONNS       RSS  RESTARTS
                 1  4300    3  ready      1m01s       600       2          1      7  12.3 MiB         0
                 2  4301    3  draining   2h05m       600       2          1      7     800 B        12

                """
        )
        #expect(AdminOutput.workers([]) == "no worker processes (single-process mode)\n")
    }

    @Test("stats as a table in method order")
    func stats() {
        let stats = StatsResult(methods: [
            "sum": .init(calls: 10, errors: 1, p50Ms: 0.25, p90Ms: 1, p99Ms: 12.5),
            "echo": .init(calls: 300, errors: 0, p50Ms: 0.1, p90Ms: 0.2, p99Ms: 0.3),
        ])
        #expect(
            AdminOutput.stats(stats) == """
                METHOD  CALLS  ERRORS     P50    P90     P99
                echo      300       0   0.1ms  0.2ms   0.3ms
                sum        10       1  0.25ms    1ms  12.5ms

                """
        )
        #expect(AdminOutput.stats(StatsResult(methods: [:])) == "no calls yet\n")
    }

    @Test("backends as a table, one indented line per process")
    func backends() {
        let backend = BackendInfo(
            name: "py",
            methods: ["py.upper", "py.add"],
            instances: .init(desired: 2, ready: 1),
            calls: 40,
            errors: 2,
            inFlight: 1,
            queued: 0,
            restarts: 3,
            p50Ms: 0.25,
            p99Ms: 4,
            processes: [.init(pid: 4242, worker: 1, state: "ready", calls: 40, rssBytes: 9 << 20)]
        )
        let text = AdminOutput.backends([backend])
        let lines = text.split(separator: "\n").map { String($0) }
        #expect(lines.count == 3)
        #expect(
            lines[0].split(separator: " ") == [
                "BACKEND", "READY", "CALLS", "ERRORS", "IN-FLIGHT", "QUEUED", "RESTARTS", "P50", "P99", "METHODS",
            ]
        )
        #expect(lines[1].hasPrefix("py"))
        #expect(lines[1].contains("1/2"))
        #expect(lines[1].hasSuffix("py.upper,py.add"))
        #expect(lines[2].hasPrefix("  pid 4242"))
        #expect(lines[2].hasSuffix("worker 1, ready, 9.0 MiB"), "\(lines[2])")
        #expect(AdminOutput.backends([]).hasPrefix("no backends"))
    }

    @Test("config as a table; an empty value shows as -")
    func config() {
        let config = ConfigResult(entries: [
            .init(key: "RPCD_WORKERS", value: "4", source: "env", reload: "rolling"),
            .init(key: "RPCD_AUTH_TOKEN_FILE", value: "", source: "default", reload: "rolling"),
        ])
        #expect(
            AdminOutput.config(config) == """
                KEY                   VALUE  SOURCE   RELOAD
                RPCD_WORKERS          4      env      rolling
                RPCD_AUTH_TOKEN_FILE  -      default  rolling

                """
        )
    }

    @Test("one-line results")
    func oneLiners() {
        #expect(AdminOutput.reload(ReloadResult(generation: 4, durationMs: 850)) == "reloaded: generation 4 in 850ms\n")
        #expect(AdminOutput.shutdown(ShutdownResult(stopping: true, quick: false)) == "rpcd is stopping (graceful)\n")
        #expect(AdminOutput.shutdown(ShutdownResult(stopping: true, quick: true)) == "rpcd is stopping (quick)\n")
        #expect(AdminOutput.scale(ScaleResult(workers: 3)) == "workers: 3\n")
        #expect(AdminOutput.logLevel(LogLevelResult(level: "debug")) == "log level: debug\n")
        #expect(AdminOutput.reopenLogs(true) == "log files reopened\n")
    }
}
