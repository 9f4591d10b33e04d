import Foundation
import NIOConcurrencyHelpers
import ObservatoryCore
import Vapor

#if canImport(Glibc)
    import Glibc
#endif

/// Bodies are bounded before any byte of them is read: a body longer than its route allows is refused at once
/// (413, with a page naming the limit) from its `Content-Length`, and every body bigger than a small form waits for
/// room in one budget of memory shared by all requests, so forty simultaneous large posts cannot exhaust memory.
/// The route's own limit is the one it declares (`Route.maxBody`); routes declaring none keep Vapor's default.
struct BodyLimitMiddleware: AsyncMiddleware {
    let budget: BodyBudget
    /// How long a large body may wait for room before the sender is asked to try again (shorter than the idle timeout,
    /// which closes a connection nobody reads from).
    let waitSeconds: Double

    /// Bodies up to this size are read without reserving room: ordinary forms never wait.
    static let smallBody = 64 * 1024

    func respond(to req: Request, chainingTo next: any AsyncResponder) async throws -> Response {
        guard [.POST, .PUT, .PATCH].contains(req.method) else { return try await next.respond(to: req) }
        let limit = req.route?.maxBody ?? req.application.routes.defaultMaxBodySize.value
        let declared = req.headers.first(name: .contentLength).flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }
        let collected = req.body.data?.readableBytes
        if let size = declared ?? collected, size > limit {
            // Refused before reading: the connection is closed after the answer, so the rest is never collected.
            throw Abort(
                .payloadTooLarge, headers: ["Connection": "close"],
                reason: t("upload.too-large", ["max": BodyBudget.describe(limit)]))
        }
        let size = declared ?? limit
        guard collected == nil, size > Self.smallBody else { return try await next.respond(to: req) }
        let reserved = min(size, budget.capacity)
        guard await budget.reserve(reserved, waitingUpTo: waitSeconds) else {
            throw Abort(
                .tooManyRequests, headers: ["Retry-After": "60", "Connection": "close"],
                reason: t("upload.busy"))
        }
        do {
            // Read here, within the reservation; the route then finds the body collected.
            _ = try await req.body.collect(max: limit).get()
            let response = try await next.respond(to: req)
            budget.release(reserved)
            return response
        } catch {
            budget.release(reserved)
            throw error
        }
    }
}

/// Bytes of request bodies being read or handled at once, across every request of this instance.
final class BodyBudget: Sendable {
    let capacity: Int
    private let used = NIOLockedValueBox(0)

    init(capacity: Int) { self.capacity = max(capacity, 1) }

    var inUse: Int { used.withLockedValue { $0 } }

    func tryReserve(_ bytes: Int) -> Bool {
        used.withLockedValue { used in
            guard used + bytes <= capacity else { return false }
            used += bytes
            return true
        }
    }

    /// Waits (polling every 20 ms) until `bytes` fit; false when they did not within `seconds`.
    func reserve(_ bytes: Int, waitingUpTo seconds: Double) async -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while !tryReserve(bytes) {
            guard Date() < deadline else { return false }
            try? await Task.sleep(nanoseconds: 20_000_000)
        }
        return true
    }

    func release(_ bytes: Int) {
        let idle = used.withLockedValue { used in
            used -= bytes; return used == 0
        }
        #if canImport(Glibc)
            // Large bodies leave freed pages in malloc's arenas; give them back once no body is held.
            if idle && bytes > 1024 * 1024, let trim = Self.mallocTrim { _ = trim(0) }
        #endif
    }

    #if canImport(Glibc)
        /// glibc's `malloc_trim`, which Swift's Glibc module does not export.
        private static let mallocTrim: (@convention(c) (Int) -> Int32)? = {
            guard let symbol = dlsym(nil, "malloc_trim") else { return nil }
            return unsafeBitCast(symbol, to: (@convention(c) (Int) -> Int32).self)
        }()
    #endif

    static func describe(_ bytes: Int) -> String {
        bytes >= 1024 * 1024 ? "\(bytes / (1024 * 1024)) MB" : "\(max(bytes / 1024, 1)) KB"
    }
}

extension Route {
    /// The largest body this route reads (bytes), as given to `.collect(maxSize:)`; nil: Vapor's default.
    var maxBody: Int? {
        get { userInfo["observatory.maxBody"] as? Int }
        set { userInfo["observatory.maxBody"] = newValue }
    }
}

extension HTTPBodyStreamStrategy {
    /// The limit of a `.collect(maxSize:)` strategy, in bytes.
    var maxSize: Int? {
        if case .collect(let max) = self { return max?.value }
        return nil
    }
}
