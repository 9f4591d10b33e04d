import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A portrait of a defender who agreed to be named (issue 19). Office-side: it holds the consent record; the
/// public pages are built from `PublicPortrait`, which only a portrait whose standing is `.public` becomes.
struct Portrait: Sendable, Decodable {
    let id: String, name: String
    let textEn: String, textFr: String, textEs: String, textAr: String
    let consentOn: String?, consentBy: String?, withdrawnAt: Int64?, withdrawnBy: String?
    let photoType: String?, photoSha256: String?
    let publicationIds: String, caseIds: String, published: Bool, updatedBy: String

    var texts: [Language: String] { [.en: textEn, .fr: textFr, .es: textEs, .ar: textAr] }
    var publicationList: [String] { publicationIds.split(separator: ",").map(String.init) }
    var caseList: [String] { caseIds.split(separator: ",").map(String.init) }

    func standing(today: CivilDate) -> PortraitRules.Standing {
        PortraitRules.standing(consentOn: consentOn, withdrawn: withdrawnAt != nil, published: published, today: today)
    }

    /// Everything the public reads of a portrait, for four eyes (the id is in the subject).
    var hash: String {
        Self.hash(
            PortraitStore.Fields(
                name: name, texts: texts, consentOn: consentOn, consentBy: consentBy,
                publications: publicationList, cases: caseList), photoSha256: photoSha256)
    }

    static func hash(_ f: PortraitStore.Fields, photoSha256: String?) -> String {
        ContentHash.of(
            ["portrait", f.name] + Language.allCases.map { f.texts[$0] ?? "" }
                + [
                    f.consentOn ?? "", photoSha256 ?? "", f.publications.joined(separator: ","),
                    f.cases.joined(separator: ",")
                ])
    }
    static func subject(_ id: String) -> String { "portrait:\(id)" }
}

/// What a public page may show of a portrait: made only from a portrait that is public today.
struct PublicPortrait: Sendable {
    let id: String, name: String, texts: [Language: String], hasPhoto: Bool
    let publicationIds: [String], caseIds: [String]

    init?(_ p: Portrait, today: CivilDate) {
        guard p.standing(today: today) == .public else { return nil }
        id = p.id; name = p.name; texts = p.texts; hasPhoto = p.photoType != nil
        publicationIds = p.publicationList; caseIds = p.caseList
    }
}

struct PortraitSeries: Sendable, Decodable {
    let id: String, title: String, text: String, portraitIds: String, published: Bool, updatedBy: String
    var portraitList: [String] { portraitIds.split(separator: ",").map(String.init) }
    var hash: String { ContentHash.of(["portrait-series", title, text, portraitIds]) }
    static func subject(_ id: String) -> String { "portrait-series:\(id)" }
}

struct PortraitSponsor: Sendable, Decodable {
    let id: String, portraitId: String, name: String, description: String, statement: String, published: Bool
    let updatedBy: String
    var hash: String { ContentHash.of(["sponsor", portraitId, name, description, statement]) }
    static func subject(_ id: String) -> String { "sponsor:\(id)" }
}

enum PortraitStore {
    static let columns = """
        id, name, text_en, text_fr, text_es, text_ar, consent_on, consent_by, withdrawn_at, withdrawn_by, photo_type,
        photo_sha256, publication_ids, case_ids, published, updated_by
        """

    static func all(on db: any Database) async throws -> [Portrait] {
        try await db.rows("SELECT \(unsafeRaw: columns) FROM portraits ORDER BY name, id", as: Portrait.self)
    }

    static func find(_ id: String, on db: any Database) async throws -> Portrait? {
        try await db.row("SELECT \(unsafeRaw: columns) FROM portraits WHERE id = \(bind: id)", as: Portrait.self)
    }

    /// The portraits public today, by name.
    static func publicPortraits(today: CivilDate, on db: any Database) async throws -> [PublicPortrait] {
        try await db.rows(
            """
            SELECT \(unsafeRaw: columns) FROM portraits WHERE published = \(bind: true) AND withdrawn_at IS NULL
            AND consent_on IS NOT NULL ORDER BY name, id
            """, as: Portrait.self
        )
        .compactMap { PublicPortrait($0, today: today) }
    }

    static func publicPortrait(_ id: String, today: CivilDate, on db: any Database) async throws -> PublicPortrait? {
        try await find(id, on: db).flatMap { PublicPortrait($0, today: today) }
    }

    /// The photograph of a public portrait (only ever the copy without metadata is stored).
    static func photo(_ id: String, today: CivilDate, on db: any Database) async throws -> (Data, String)? {
        guard try await publicPortrait(id, today: today, on: db)?.hasPhoto == true else { return nil }
        struct Row: Decodable { let photo: Data?, photoType: String? }
        guard
            let row = try await db.row("SELECT photo, photo_type FROM portraits WHERE id = \(bind: id)", as: Row.self),
            let data = row.photo, let type = row.photoType
        else { return nil }
        return (data, type)
    }

    struct Fields: Sendable {
        var name: String, texts: [Language: String], consentOn: String?, consentBy: String?
        var publications: [String], cases: [String]
    }

    static func save(
        _ id: String, _ f: Fields, published: Bool, by actor: String, now: Date,
        on db: any Database
    ) async throws {
        func text(_ l: Language) -> String { f.texts[l] ?? "" }
        try await db.sql.insert(into: "portraits")
            .columns(
                "id", "name", "text_en", "text_fr", "text_es", "text_ar", "consent_on", "consent_by",
                "publication_ids", "case_ids", "published", "updated_by", "updated_at"
            )
            .values(
                id, f.name, text(.en), text(.fr), text(.es), text(.ar), f.consentOn,
                f.consentBy, f.publications.joined(separator: ","),
                f.cases.joined(separator: ","), published, actor, now.seconds
            )
            .onConflict(with: ["id"]) {
                $0.set(excludedValueOf: "name").set(excludedValueOf: "text_en").set(excludedValueOf: "text_fr")
                    .set(excludedValueOf: "text_es").set(excludedValueOf: "text_ar")
                    .set(excludedValueOf: "consent_on").set(excludedValueOf: "consent_by")
                    .set(excludedValueOf: "publication_ids").set(excludedValueOf: "case_ids")
                    .set(excludedValueOf: "published").set(excludedValueOf: "updated_by")
                    .set(excludedValueOf: "updated_at")
            }
            .run()
        try await ContentVersion.bump(on: db, now: now)
    }

    /// Stores the photograph re-encoded without metadata; the file as sent (with its GPS position, camera serial
    /// …) is never stored.
    static func setPhoto(_ id: String, cleaned: [UInt8], type: String, on db: any Database) async throws {
        try await db.sql.update("portraits").set("photo", to: Data(cleaned)).set("photo_type", to: type)
            .set("photo_sha256", to: Evidence.sha256(cleaned)).where("id", .equal, id).run()
    }

    /// Consent withdrawn: down from the public site at once, its photograph deleted; the name stays in the office
    /// so that nobody puts it back. `db` is the caller's write transaction.
    static func withdraw(_ id: String, by actor: String, now: Date, on db: any Database) async throws {
        try await db.sql.update("portraits").set("withdrawn_at", to: now.seconds).set("withdrawn_by", to: actor)
            .set("published", to: false).set("photo", to: SQLLiteral.null).set("photo_type", to: SQLLiteral.null)
            .set("photo_sha256", to: SQLLiteral.null).where("id", .equal, id).run()
        try await ContentVersion.bump(on: db, now: now)
    }

    // MARK: series and sponsors

    static func allSeries(on db: any Database) async throws -> [PortraitSeries] {
        try await db.rows(
            """
            SELECT id, title, text, portrait_ids, published, updated_by FROM portrait_series ORDER BY title, id
            """, as: PortraitSeries.self
        )
    }

    static func series(_ id: String, on db: any Database) async throws -> PortraitSeries? {
        try await allSeries(on: db).first { $0.id == id }
    }

    static func saveSeries(
        _ id: String, title: String, text: String, portraits: [String], published: Bool,
        by actor: String, now: Date, on db: any Database
    ) async throws {
        try await db.sql.insert(into: "portrait_series")
            .columns("id", "title", "text", "portrait_ids", "published", "updated_by", "updated_at")
            .values(id, title, text, portraits.joined(separator: ","), published, actor, now.seconds)
            .onConflict(with: ["id"]) {
                $0.set(excludedValueOf: "title").set(excludedValueOf: "text").set(excludedValueOf: "portrait_ids")
                    .set(excludedValueOf: "published").set(excludedValueOf: "updated_by")
                    .set(excludedValueOf: "updated_at")
            }
            .run()
        try await ContentVersion.bump(on: db, now: now)
    }

    static func sponsors(of portraitIDs: [String]? = nil, on db: any Database) async throws -> [PortraitSponsor] {
        let filter: SQLQueryString =
            portraitIDs.map { "WHERE portrait_id IN (\(binds: $0.isEmpty ? [""] : $0))" }
            ?? ""
        return try await db.rows(
            """
            SELECT id, portrait_id, name, description, statement, published, updated_by FROM portrait_sponsors
            \(filter) ORDER BY name, id
            """, as: PortraitSponsor.self
        )
    }

    static func saveSponsor(_ s: PortraitSponsor, by actor: String, now: Date, on db: any Database) async throws {
        try await db.sql.insert(into: "portrait_sponsors")
            .columns(
                "id", "portrait_id", "name", "description", "statement", "published", "updated_by",
                "updated_at"
            )
            .values(s.id, s.portraitId, s.name, s.description, s.statement, s.published, actor, now.seconds)
            .onConflict(with: ["id"]) {
                $0.set(excludedValueOf: "name").set(excludedValueOf: "description")
                    .set(excludedValueOf: "statement").set(excludedValueOf: "published")
                    .set(excludedValueOf: "updated_by").set(excludedValueOf: "updated_at")
            }
            .run()
        try await ContentVersion.bump(on: db, now: now)
    }
}
