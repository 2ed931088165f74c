/// What a stream decoder tells the handler after it about message boundaries: part of a message
/// is buffered (`began`), or the message that was partial has been read whole (`ended`, sent
/// just before that message). With it, a drain never closes a connection with half a message
/// read: the lifecycle treats it as HTTP's request head without its end (`midMessage`).
enum PartialMessageEvent: Sendable, Equatable {
    case began
    case ended
}
