/// The user inbound event that tells a connection its service is draining (out of rotation):
/// it keeps serving but ends at the next message boundary its lifecycle allows
/// (`ConnectionLifecycle.leave(closingIdle:)`). The stop's `ChannelShouldQuiesceEvent` is the
/// stronger word: the listeners are closed then.
struct ServiceDrainingEvent: Sendable {}
