/// When a changed setting takes effect (the "on reload" column of DESIGN §3).
package enum ReloadClass: String, Sendable, Hashable, CaseIterable {
    /// Applied in place by a reload, in every process.
    case live
    /// Applied by a reload through a new worker generation.
    case rolling
    /// Needs a restart of the daemon.
    case restart
}
