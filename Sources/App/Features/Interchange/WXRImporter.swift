import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// Imports a WordPress export (WXR 1.2): published posts become publications (keyed by the site and the post id,
/// so a re-import updates), their old addresses and the site's category, tag and feed archives are remembered as
/// redirects, and Polylang or WPML translation groups are linked. Items stream one at a time; batches are one
/// transaction each, the last one holding the import's audit entry.
struct WXRImporter {
    struct Summary: Sendable, Equatable, CustomStringConvertible {
        var read = 0, stored = 0, updated = 0, rejected = 0
        var skipped: [String: Int] = [:]
        var redirects = 0, translations = 0
        /// Posts naming a publication the office holds (see `ArchiveImporter.Summary.held`): left unchanged.
        var held = 0
        var skippedTotal: Int { skipped.values.reduce(0, +) }
        var description: String {
            let kinds = skipped.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ")
            return "read \(read), stored \(stored), updated \(updated), rejected \(rejected), skipped \(skippedTotal)"
                + (kinds.isEmpty ? "" : " (\(kinds))") + ", redirects \(redirects), translations linked \(translations)"
                + (held == 0 ? "" : ", held by the office (left unchanged) \(held)")
        }
    }

    var db: any Database
    var mapping = WXRMapping()
    var batchSize = 500
    var actor = "system"
    var detail = "(command line)"
    var report: @Sendable (String) -> Void = { _ in }
    var progress: @Sendable (Summary) -> Void = { _ in }
    var progressEvery = 1_000
    var now: @Sendable () -> Date = { Date() }

    private struct Member: Sendable { let postID: Int; let id: String }

    func importFile(at path: String) async throws -> Summary {
        var reader = try WXRReader(path: path)
        defer { reader.close() }
        let mapper = WXRPostMapper(channel: reader.channel, mapping: mapping)
        var summary = Summary()
        var batch: [ArchivePublication] = []
        var paths: [(String, String, String)] = []
        var groups: [String: [Member]] = [:]
        var terms: [String: WXRTerm] = [:]
        for term in reader.channel.terms where WXRMapping.taxonomies.contains(term.taxonomy) {
            terms[term.taxonomy + ":" + term.slug] = WXRTerm(domain: term.taxonomy, slug: term.slug, name: term.name)
        }
        func flush() async throws {
            let (publications, redirects) = (batch, paths)
            batch = []; paths = []
            let result = try await db.write { tx in try await Self.store(publications, redirects, on: tx) }
            summary.stored += result.stored; summary.updated += result.updated; summary.held += result.held
            summary.redirects += redirects.count  // the exact count of rows is taken at the end
        }
        while let piece = try reader.next() {
            summary.read += 1
            switch piece {
            case .malformed(let line, let reason):
                summary.rejected += 1
                report("line \(line): item: \(reason)")
            case .item(let item):
                for term in item.terms where WXRMapping.taxonomies.contains(term.domain) {
                    if terms[WXRMapping.key(term)] == nil { terms[WXRMapping.key(term)] = term }
                }
                switch mapper.outcome(of: item) {
                case .skipped(let kind):
                    summary.skipped[kind, default: 0] += 1
                case .rejected(let reasons):
                    summary.rejected += 1
                    let name = item.title.isEmpty ? "(no title)" : "\"\(item.title.prefix(80))\""
                    for reason in reasons { report("line \(item.line): item \(name): \(reason)") }
                case .publication(let publication, let oldPaths, let group):
                    if batch.contains(where: { $0.id == publication.id }) { try await flush() }
                    batch.append(publication)
                    let target = SiteRoute.publication(id: publication.id).path(in: publication.language)
                    paths += oldPaths.map { ($0, target, publication.id) }
                    if let group, let postID = item.postID {
                        groups[group, default: []].append(
                            Member(
                                postID: postID,
                                id: publication.id))
                    }
                }
            }
            if batch.count >= batchSize { try await flush() }
            if summary.read % progressEvery == 0 { progress(summary) }
        }
        // The last batch, the archives' redirects, the translation links and the audit entry: one transaction.
        var archive: [(String, String, String)] = []
        for (key, term) in terms {
            let (list, feed) = mapper.archivePaths(of: term)
            let filter = Self.filter(for: mapping.targets(for: term))
            archive += list.map { ($0, SiteRoute.publications(filter).path(in: .en), key) }
            archive += feed.map { ($0, SiteRoute.feed(.rss, filter).path(in: .en), key) }
        }
        archive += mapper.feedPaths.map {
            (
                $0,
                SiteRoute.feed(
                    $0.hasSuffix("atom") ? .atom : .rss,
                    PublicationFilter()
                ).path(in: .en), "feed"
            )
        }
        let links = Self.translationLinks(groups: groups)
        let (publications, redirects) = (batch, paths + archive)
        var final = summary
        let event: @Sendable (Summary) -> AuditEvent = { [actor, detail] (s: Summary) in
            AuditEvent(
                actor: actor, action: "archive.import.wxr", recordType: "file",
                recordID: URL(fileURLWithPath: path).lastPathComponent, detail: "\(s) \(detail)")
        }
        let at = now()
        final = try await db.write { [final] tx in
            var done = final
            let result = try await Self.store(publications, redirects, on: tx)
            done.stored += result.stored; done.updated += result.updated; done.held += result.held
            done.redirects = try await Self.count(on: tx)
            done.translations = try await Self.link(links, on: tx)
            try await ContentVersion.bump(on: tx)
            try await AuditLog.record(event(done), now: at, on: tx)
            return done
        }
        return final
    }

    /// The list filter a category or tag maps to (its first type, programme and country).
    static func filter(for targets: [WXRMapping.Target]) -> PublicationFilter {
        var filter = PublicationFilter()
        for target in targets {
            switch target {
            case .type(let t): if filter.type == nil { filter.type = t }
            case .programme(let p): if filter.programme == nil { filter.programme = p }
            case .country(let c): if filter.country == nil { filter.country = CountryDirectory.shared.country(code: c) }
            case .kind: break
            }
        }
        return filter
    }

    /// In each group the earliest post (the lowest WordPress id) is the original; the others translate it.
    private static func translationLinks(groups: [String: [Member]]) -> [(original: String, translations: [String])] {
        groups.values.compactMap { members in
            let sorted = members.sorted { $0.postID < $1.postID }
            guard let original = sorted.first, sorted.count > 1 else { return nil }
            return (original.id, sorted.dropFirst().map(\.id).filter { $0 != original.id })
        }
    }

    private static func link(
        _ links: [(original: String, translations: [String])],
        on db: any Database
    ) async throws -> Int {
        let sql = db.sql
        var count = 0
        for link in links {
            // What the office holds keeps its links: `translation_of` is part of what four eyes approved.
            let held = try await PublicationStore.heldByOffice([link.original] + link.translations, on: sql)
            if !held.contains(link.original) {
                try await sql.update("publications").set("translation_of", to: SQLLiteral.null).where(
                    "id", .equal,
                    link.original
                ).run()
            }
            let free = link.translations.filter { !held.contains($0) }
            guard !free.isEmpty else { continue }
            try await sql.update("publications").set("translation_of", to: link.original)
                .where("id", .in, free).run()
            count += free.count
        }
        return count
    }

    private static func store(
        _ publications: [ArchivePublication], _ redirects: [(String, String, String)],
        on db: any Database
    ) async throws -> PublicationStore.BatchResult {
        let result = try await PublicationStore.upsert(publications, imported: true, on: db)
        try await LegacyPaths.store(redirects, on: db)
        return result
    }

    private static func count(on db: any Database) async throws -> Int {
        struct Row: Decodable { let n: Int }
        return try await db.sql.raw("SELECT COUNT(*) AS n FROM legacy_paths").first(decoding: Row.self)?.n ?? 0
    }

    /// Every category and tag of the file with the number of published posts carrying it, for `--write-mapping`.
    static func terms(inFile path: String) throws -> (terms: [(term: WXRTerm, posts: Int)], site: String) {
        var reader = try WXRReader(path: path)
        defer { reader.close() }
        var counts: [String: (WXRTerm, Int)] = [:]
        for term in reader.channel.terms where WXRMapping.taxonomies.contains(term.taxonomy) {
            counts[term.taxonomy + ":" + term.slug] = (
                WXRTerm(
                    domain: term.taxonomy, slug: term.slug,
                    name: term.name), 0
            )
        }
        while let piece = try reader.next() {
            guard case .item(let item) = piece, item.postType == "post", item.status == "publish" else { continue }
            for term in item.terms where WXRMapping.taxonomies.contains(term.domain) {
                let key = WXRMapping.key(term)
                counts[key] = (counts[key]?.0 ?? term, (counts[key]?.1 ?? 0) + 1)
            }
        }
        let site = reader.channel.baseSiteURL.isEmpty ? reader.channel.link : reader.channel.baseSiteURL
        return (counts.values.map { (term: $0.0, posts: $0.1) }, site)
    }
}

/// The old site's addresses and where they now lead (`legacy_paths`, migration 029).
enum LegacyPaths {
    /// Inserts or replaces (key, target, source) rows; `db` is inside a write.
    static func store(_ rows: [(String, String, String)], on db: any Database, now: Date = Date()) async throws {
        var seen: Set<String> = []
        let unique = rows.reversed().filter { seen.insert($0.0).inserted }
        guard !unique.isEmpty else { return }
        let at = Int64(now.timeIntervalSince1970)
        for chunk in stride(from: 0, to: unique.count, by: 200) {
            let insert = db.sql.insert(into: "legacy_paths").columns("path", "target", "source", "updated_at")
            for row in unique[chunk..<min(chunk + 200, unique.count)] { insert.values(row.0, row.1, row.2, at) }
            try await insert.onConflict(with: ["path"]) {
                $0.set(excludedValueOf: "target").set(excludedValueOf: "source").set(excludedValueOf: "updated_at")
            }.run()
        }
    }

    /// Where an old address now leads, or nil when the import never saw it.
    static func target(path: String, query: String, on db: any Database) async throws -> String? {
        guard let key = LegacyPath.key(path: path, query: query) else { return nil }
        struct Row: Decodable { let target: String }
        return try await db.sql.select().column("target").from("legacy_paths").where("path", .equal, key)
            .first(decoding: Row.self)?.target
    }
}
