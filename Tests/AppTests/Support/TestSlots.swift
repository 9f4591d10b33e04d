/// At most `limit` PostgreSQL test apps at once. Swift Testing starts every test together, and each app opens up
/// to four connections per event loop: with ~200 PostgreSQL tests the test server ran out of connections ("sorry,
/// too many clients already") and dozens of tests failed at start. Waiting here costs nothing on two cores.
actor TestSlots {
    static let postgres = TestSlots(limit: 20)

    let limit: Int
    private var used = 0
    private var waiting: [CheckedContinuation<Void, Never>] = []

    init(limit: Int) { self.limit = limit }

    func acquire() async {
        if used < limit {
            used += 1
            return
        }
        await withCheckedContinuation { waiting.append($0) }  // the slot is handed over by `release`
    }

    func release() {
        if waiting.isEmpty { used -= 1 } else { waiting.removeFirst().resume() }
    }

    /// Runs `body` holding a slot when `engine` is PostgreSQL.
    static func holding<T>(_ engine: Engine, _ body: () async throws -> T) async throws -> T {
        guard engine == .postgres else { return try await body() }
        await postgres.acquire()
        do {
            let result = try await body()
            await postgres.release()
            return result
        } catch {
            await postgres.release()
            throw error
        }
    }
}
