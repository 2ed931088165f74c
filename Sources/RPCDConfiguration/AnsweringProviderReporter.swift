internal import Configuration
internal import Synchronization

/// An access reporter that notes which provider answered each key: swift-configuration's way
/// of telling where a value came from, used for the source column of `--check-config`.
final class AnsweringProviderReporter: AccessReporter {
    private let answers = Mutex<[AbsoluteConfigKey: String]>([:])

    func report(_ event: AccessEvent) {
        // Providers are asked in order and the first one with a value wins.
        var answering: String?
        for providerResult in event.providerResults {
            if case .success(let lookup) = providerResult.result, lookup.value != nil {
                answering = providerResult.providerName
                break
            }
        }
        self.answers.withLock { $0[event.metadata.key] = answering }
    }

    /// The name of the provider that supplied `key` at its last access, or `nil` if none did.
    func answeringProvider(for key: AbsoluteConfigKey) -> String? {
        self.answers.withLock { $0[key] }
    }
}
