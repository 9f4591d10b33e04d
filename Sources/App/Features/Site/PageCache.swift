import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Rendered public pages kept in memory, valid for one content version. When the version changes,
/// every page is dropped at once. Bounded in entries and bytes; when full it starts again empty.
final class PageCache: Sendable {
    struct Page: Sendable {
        let body: ByteBuffer
        let contentType: String
    }

    private struct State {
        var version: Int64 = -1
        var pages: [String: Page] = [:]
        var bytes = 0
        var facts: (day: Int, value: Layout.Facts)? = nil
        var counts: [String: FilterCounts] = [:]
    }

    /// How many publications a filter matches and how many each facet value would: data that changes only with
    /// the content, so it is kept per content version whether or not rendered pages are cached.
    struct FilterCounts: Sendable {
        let total: Int
        let facets: [PublicationQueries.Facet: [String: Int]]
    }

    private let state = NIOLockedValueBox(State())
    let enabled: Bool
    let maxEntries: Int
    let maxBytes: Int

    init(enabled: Bool, maxEntries: Int = 20_000, maxBytes: Int = 256 << 20) {
        self.enabled = enabled
        self.maxEntries = maxEntries
        self.maxBytes = maxBytes
    }

    func page(_ key: String, version: Int64) -> Page? {
        guard enabled else { return nil }
        return state.withLockedValue { $0.version == version ? $0.pages[key] : nil }
    }

    func store(_ page: Page, for key: String, version: Int64) {
        guard enabled else { return }
        state.withLockedValue { state in
            if state.version != version { state = State(version: version) }
            if state.pages.count >= maxEntries || state.bytes + page.body.readableBytes > maxBytes {
                state.pages = [:]
                state.bytes = 0
            }
            state.pages[key] = page
            state.bytes += page.body.readableBytes
        }
    }

    func counts(_ key: String, version: Int64) -> FilterCounts? {
        state.withLockedValue { $0.version == version ? $0.counts[key] : nil }
    }

    func storeCounts(_ counts: FilterCounts, for key: String, version: Int64) {
        state.withLockedValue { state in
            if state.version != version { state = State(version: version) }
            if state.counts.count >= maxEntries { state.counts = [:] }
            state.counts[key] = counts
        }
    }

    /// The header facts ("Articles: N", "N new") of a version and day, computed once (also with the page cache off:
    /// they are data, not a rendered page).
    func facts(version: Int64, day: Int) -> Layout.Facts? {
        state.withLockedValue { state in
            guard state.version == version, let facts = state.facts, facts.day == day else { return nil }
            return facts.value
        }
    }

    func storeFacts(_ facts: Layout.Facts, version: Int64, day: Int) {
        state.withLockedValue { state in
            if state.version != version { state = State(version: version) }
            state.facts = (day, facts)
        }
    }
}
