import Foundation
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import ObservatoryCore

/// Where and how to hand mail over: host, port, security, credentials, sender (from configuration).
public struct SMTPSettings: Sendable, Equatable {
    public enum Security: String, Sendable { case none, starttls, tls }
    public var host: String
    public var port: Int
    public var security: Security
    public var username: String?
    public var password: String?
    public var from: String
    public var fromName: String = "Observatory"
    /// A PEM file of certificates to trust besides the system's (a private mail relay).
    public var caFile: String? = nil
    public init(
        host: String, port: Int, security: Security, username: String? = nil, password: String? = nil, from: String
    ) {
        self.host = host; self.port = port; self.security = security; self.username = username;
        self.password = password; self.from = from
    }
}

/// What became of one message.
enum Delivery: Sendable, Equatable {
    case sent
    /// Try again later (4xx, or the server could not be reached).
    case temporary(String)
    /// Never try again (5xx): the address is refused.
    case permanent(String)
}

/// Sends mail: the SMTP client in production, a fake in tests of what is queued.
protocol Mailer: Sendable {
    func send(_ messages: [MailMessage]) async -> [Delivery]
}

/// A small SMTP client (RFC 5321) on SwiftNIO: EHLO, STARTTLS or implicit TLS, AUTH PLAIN, then MAIL/RCPT/DATA for
/// each message of a batch over one connection, RSET after a refused one.
struct SMTPClient: Mailer {
    let settings: SMTPSettings
    let group: any EventLoopGroup
    var timeout: TimeAmount = .seconds(60)

    func send(_ messages: [MailMessage]) async -> [Delivery] {
        guard !messages.isEmpty else { return [] }
        let session: SMTPSession
        do {
            session = try await SMTPSession.open(settings, group: group, timeout: timeout)
        } catch {
            return messages.map { _ in .temporary("cannot reach \(settings.host):\(settings.port): \(error)") }
        }
        var results: [Delivery] = []
        for message in messages {
            do {
                results.append(try await session.deliver(message, from: settings.from))
            } catch {
                // The connection broke: this and the rest are tried again later.
                results += Array(repeating: Delivery.temporary("\(error)"), count: messages.count - results.count)
                break
            }
        }
        await session.close()
        return results
    }
}

/// One conversation with the server.
final class SMTPSession: Sendable {
    let channel: any Channel
    let replies: SMTPReplies
    let timeout: TimeAmount

    init(channel: any Channel, replies: SMTPReplies, timeout: TimeAmount) {
        self.channel = channel; self.replies = replies; self.timeout = timeout
    }

    struct Refused: Error, CustomStringConvertible {
        let step: String, reply: SMTPReply
        var description: String { "\(step): \(reply.code) \(reply.text)" }
    }

    static func open(_ s: SMTPSettings, group: any EventLoopGroup, timeout: TimeAmount) async throws -> SMTPSession {
        let replies = SMTPReplies()
        let tls = try s.security == .none ? nil : Self.tlsContext(s)
        let channel = try await ClientBootstrap(group: group)
            .connectTimeout(.seconds(15))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if s.security == .tls, let tls {
                        try channel.pipeline.syncOperations.addHandler(
                            try NIOSSLClientHandler(context: tls, serverHostname: Self.sniName(s.host)))
                    }
                    try channel.pipeline.syncOperations.addHandler(SMTPLineHandler(replies: replies))
                }
            }
            .connect(host: s.host, port: s.port).get()
        let session = SMTPSession(channel: channel, replies: replies, timeout: timeout)
        do {
            try await session.expect("greeting", nil)
            let host = "observatory.localhost"
            var features = try await session.expect("EHLO", "EHLO \(host)")
            if s.security == .starttls {
                guard features.lines.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                    throw Refused(step: "STARTTLS (not offered)", reply: features)
                }
                try await session.expect("STARTTLS", "STARTTLS")
                let handler = try NIOSSLClientHandler(context: tls!, serverHostname: Self.sniName(s.host))
                try await channel.eventLoop.submit {
                    try channel.pipeline.syncOperations.addHandler(handler, position: .first)
                }.get()
                features = try await session.expect("EHLO after STARTTLS", "EHLO \(host)")
            }
            if let user = s.username, let password = s.password {
                let token = Data(([0] + Array(user.utf8) + [0] + Array(password.utf8))).base64EncodedString()
                try await session.expect("AUTH", "AUTH PLAIN \(token)", secret: true)
            }
            _ = features
            return session
        } catch {
            await session.close()
            throw error
        }
    }

    static func sniName(_ host: String) -> String? { host.contains(where: \.isLetter) ? host : nil }

    static func tlsContext(_ s: SMTPSettings) throws -> NIOSSLContext {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let caFile = s.caFile {
            configuration.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(caFile))
        }
        return try NIOSSLContext(configuration: configuration)
    }

    /// Sends a command (nil: only reads) and waits for a positive reply.
    @discardableResult
    func expect(_ step: String, _ command: String?, secret: Bool = false) async throws -> SMTPReply {
        let reply = try await exchange(command)
        guard reply.isPositive else { throw Refused(step: secret ? step : "\(step)", reply: reply) }
        return reply
    }

    func exchange(_ command: String?) async throws -> SMTPReply {
        if let command {
            try await channel.writeAndFlush(ByteBuffer(string: command + "\r\n")).get()
        }
        return try await replies.next(timeout: timeout, on: channel.eventLoop)
    }

    func deliver(_ message: MailMessage, from: String) async throws -> Delivery {
        guard MIME.isSafeAddress(message.to), MIME.isSafeAddress(from) else { return .permanent("not a valid address") }
        for (step, command) in [
            ("MAIL FROM", "MAIL FROM:<\(from)>"), ("RCPT TO", "RCPT TO:<\(message.to)>"), ("DATA", "DATA")
        ] {
            let reply = try await exchange(command)
            guard reply.isPositive else {
                _ = try await exchange("RSET")
                return reply.isTemporary
                    ? .temporary("\(step): \(reply.code) \(reply.text)")
                    : .permanent("\(step): \(reply.code) \(reply.text)")
            }
        }
        let boundary = "=_observatory_" + UUID().uuidString
        let reply = try await exchange(message.rendered(boundary: boundary) + ".")
        if reply.isPositive { return .sent }
        return reply.isTemporary
            ? .temporary("DATA: \(reply.code) \(reply.text)") : .permanent("DATA: \(reply.code) \(reply.text)")
    }

    func close() async {
        _ = try? await exchange("QUIT")
        try? await channel.close().get()
    }
}
