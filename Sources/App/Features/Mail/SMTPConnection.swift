import NIOConcurrencyHelpers
import NIOCore
import ObservatoryCore

/// Replies read from the connection, handed to the one waiting for them.
final class SMTPReplies: Sendable {
    private struct State {
        var ready: [Result<SMTPReply, any Error>] = []; var waiter: CheckedContinuation<SMTPReply, any Error>? = nil;
        var reader = SMTPReply.Reader()
    }
    private let state = NIOLockedValueBox(State())

    func line(_ line: String) {
        let waiter: CheckedContinuation<SMTPReply, any Error>?, result: Result<SMTPReply, any Error>?
        (waiter, result) = state.withLockedValue { state in
            let result: Result<SMTPReply, any Error>
            do {
                guard let reply = try state.reader.feed(line) else { return (nil, nil) }
                result = .success(reply)
            } catch { result = .failure(error) }
            if let waiter = state.waiter { state.waiter = nil; return (waiter, result) }
            state.ready.append(result)
            return (nil, nil)
        }
        if let waiter, let result { waiter.resume(with: result) }
    }

    func fail(_ error: any Error) {
        let waiter = state.withLockedValue { state -> CheckedContinuation<SMTPReply, any Error>? in
            defer { state.waiter = nil }
            if state.waiter == nil { state.ready.append(.failure(error)) }
            return state.waiter
        }
        waiter?.resume(throwing: error)
    }

    func next(timeout: TimeAmount, on loop: any EventLoop) async throws -> SMTPReply {
        let deadline = loop.scheduleTask(in: timeout) { self.fail(TimedOut()) }
        defer { deadline.cancel() }
        return try await withCheckedThrowingContinuation { continuation in
            let ready = state.withLockedValue { state -> Result<SMTPReply, any Error>? in
                if !state.ready.isEmpty { return state.ready.removeFirst() }
                state.waiter = continuation
                return nil
            }
            if let ready { continuation.resume(with: ready) }
        }
    }

    struct TimedOut: Error, CustomStringConvertible {
        var description: String { "the mail server did not answer in time" }
    }
    struct Closed: Error, CustomStringConvertible {
        var description: String { "the mail server closed the connection" }
    }
}

/// Splits what the server sends into lines.
final class SMTPLineHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = ByteBuffer
    let replies: SMTPReplies
    private let pending = NIOLockedValueBox<[UInt8]>([])

    init(replies: SMTPReplies) { self.replies = replies }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        let lines: [String] = pending.withLockedValue { pending in
            pending += buffer.readableBytesView
            var lines: [String] = []
            while let end = pending.firstIndex(of: 10) {
                var line = Array(pending[..<end])
                if line.last == 13 { line.removeLast() }
                lines.append(String(decoding: line, as: UTF8.self))
                pending.removeFirst(end + 1)
            }
            if pending.count > 64 * 1024 { pending = [] }
            return lines
        }
        lines.forEach(replies.line)
    }

    func channelInactive(context: ChannelHandlerContext) {
        replies.fail(SMTPReplies.Closed())
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        replies.fail(error)
        context.close(promise: nil)
    }
}
