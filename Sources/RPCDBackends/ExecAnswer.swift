internal import JSONRPC
internal import NIOConcurrencyHelpers

/// The one answer of an exec call: whichever comes first of the runner's outcome and the
/// dispatcher's cancellation resumes the awaiting handler; the later one is dropped.
final class ExecAnswer: Sendable {
    private enum State {
        case idle
        case waiting(CheckedContinuation<JSONValue, any Error>)
        case given(Result<JSONValue, any Error>)
        case done
    }

    private let state = NIOLockedValueBox(State.idle)

    /// The handler waits; resumed at once if the answer is already there.
    func wait(_ continuation: CheckedContinuation<JSONValue, any Error>) {
        let given: Result<JSONValue, any Error>? = self.state.withLockedValue { state in
            switch state {
            case .idle:
                state = .waiting(continuation)
                return nil
            case .given(let result):
                state = .done
                return result
            case .waiting, .done:
                return nil
            }
        }
        if let given { continuation.resume(with: given) }
    }

    /// The answer, if none was given yet.
    func give(_ result: Result<JSONValue, any Error>) {
        let waiting: CheckedContinuation<JSONValue, any Error>? = self.state.withLockedValue { state in
            switch state {
            case .idle:
                state = .given(result)
                return nil
            case .waiting(let continuation):
                state = .done
                return continuation
            case .given, .done:
                return nil
            }
        }
        waiting?.resume(with: result)
    }
}
