import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// A mission as staff read it. What staff typed is `Confidential`: it shows only through `.reveal()`, in office
/// views and the redactor. Never handed to a public page: those get `MissionReport`.
struct Mission: Sendable {
    var id: String
    var kind: MissionKind
    var country: String
    var dates: MissionDates
    var title: Confidential
    var members: Confidential
    var objectives: Confidential
    var logistics: Confidential
    var securityPlan: Confidential
    var findings: Confidential
    var preliminaryID: String?
    var reportID: String?
    var concerned: [Concerned] = []

    /// A case the mission concerns: the defender or the trial, in staff's words.
    struct Concerned: Sendable { let id: String, caseID: String, concern: Confidential }

    func phase(today: CivilDate) -> MissionPhase {
        MissionPhase.of(starts: dates.starts, ends: dates.ends, today: today)
    }
    var countryName: String { CountryDirectory.shared.country(code: country)?.name ?? country }
}

/// What the public sees of a mission once a publication about it is out: its kind, country and dates, and the
/// published preliminary findings and report. No title, member, plan or finding of staff.
struct MissionReport: Sendable {
    let kind: MissionKind, country: String, dates: MissionDates
    let preliminary: PublicationSummary?, report: PublicationSummary?
}

enum MissionStore {
    static let sealed = ["title", "members", "objectives", "logistics", "security_plan", "findings"]
    static let sealedColumns: [String: SealedColumn] = [
        "title": .missionTitle, "members": .missionMembers, "objectives": .missionObjectives,
        "logistics": .missionLogistics,
        "security_plan": .missionSecurityPlan, "findings": .missionFindings
    ]

    struct Row: Decodable {
        let id: String, kind: String, countryCode: String, startsOn: String, endsOn: String
        let titleSealed: String, membersSealed: String, objectivesSealed: String, logisticsSealed: String,
            securityPlanSealed: String, findingsSealed: String
        let preliminaryPublicationId: String?, reportPublicationId: String?
    }

    static let columns =
        "id, kind, country_code, starts_on, ends_on, title_sealed, members_sealed, objectives_sealed, logistics_sealed, "
        + "security_plan_sealed, findings_sealed, preliminary_publication_id, report_publication_id"

    static func mission(_ r: Row, cipher: FieldCipher) throws -> Mission {
        func open(_ value: String, _ column: String) throws -> Confidential {
            try cipher.open(value, in: sealedColumns[column]!, row: r.id)
        }
        let dates =
            (try? MissionDates.check(starts: r.startsOn, ends: r.endsOn).get())
            ?? {
                // Stored dates that no form would take: shown as one day, never a crash of every page.
                let day = CivilDate(r.startsOn) ?? CivilDate(r.endsOn) ?? CivilDate(daysSinceEpoch: 0)
                return MissionDates(starts: day, ends: day)
            }()
        return Mission(
            id: r.id, kind: MissionKind(rawValue: r.kind) ?? .factFinding, country: r.countryCode, dates: dates,
            title: try open(r.titleSealed, "title"), members: try open(r.membersSealed, "members"),
            objectives: try open(r.objectivesSealed, "objectives"), logistics: try open(r.logisticsSealed, "logistics"),
            securityPlan: try open(r.securityPlanSealed, "security_plan"),
            findings: try open(r.findingsSealed, "findings"),
            preliminaryID: r.preliminaryPublicationId, reportID: r.reportPublicationId)
    }

    static func all(cipher: FieldCipher, on db: any Database) async throws -> [Mission] {
        try await db.rows("SELECT \(unsafeRaw: columns) FROM missions ORDER BY starts_on DESC, id", as: Row.self).map {
            try mission($0, cipher: cipher)
        }
    }

    static func find(_ id: String, cipher: FieldCipher, on db: any Database) async throws -> Mission? {
        guard
            let row = try await db.row(
                "SELECT \(unsafeRaw: columns) FROM missions WHERE id = \(bind: id)", as: Row.self)
        else { return nil }
        var m = try mission(row, cipher: cipher)
        struct C: Decodable { let id: String, caseId: String, concernSealed: String }
        m.concerned = try await db.rows(
            """
            SELECT id, case_id, concern_sealed FROM mission_cases
            WHERE mission_id = \(bind: id) ORDER BY added_at, id
            """,
            as: C.self
        )
        .map {
            Mission.Concerned(
                id: $0.id, caseID: $0.caseId,
                concern: try cipher.open($0.concernSealed, in: .missionConcern, row: $0.id))
        }
        return m
    }

    /// Creates (`isNew`) or updates a mission, sealing its staff fields.
    static func save(
        _ m: Mission, isNew: Bool, by actor: String, now: Date, cipher: FieldCipher, on db: any Database
    ) async throws {
        let values = [m.title, m.members, m.objectives, m.logistics, m.securityPlan, m.findings]
        let sealedValues = zip(sealed, values).map { cipher.seal($1, in: sealedColumns[$0]!, row: m.id) }
        if isNew {
            try await db.sql.insert(into: "missions")
                .columns(
                    ["id", "kind", "country_code", "starts_on", "ends_on"] + sealed.map { $0 + "_sealed" }
                        + ["preliminary_publication_id", "report_publication_id", "created_by", "updated_at"]
                )
                .values(
                    [m.id, m.kind.rawValue, m.country, m.dates.starts.description, m.dates.ends.description]
                        + sealedValues as [any Encodable & Sendable]
                        + [m.preliminaryID, m.reportID, actor, now.seconds] as [any Encodable & Sendable]
                )
                .run()
        } else {
            var update = db.sql.update("missions").set("kind", to: m.kind.rawValue).set("country_code", to: m.country)
                .set("starts_on", to: m.dates.starts.description).set("ends_on", to: m.dates.ends.description)
                .set("preliminary_publication_id", to: m.preliminaryID).set("report_publication_id", to: m.reportID)
                .set("updated_at", to: now.seconds)
            for (column, value) in zip(sealed, sealedValues) {
                update = update.set(SQLIdentifier(column + "_sealed"), to: value)
            }
            try await update.where("id", .equal, m.id).run()
        }
        // A linked publication may now show on the public mission reports page.
        try await ContentVersion.bump(on: db, now: now)
    }

    static func concern(
        _ caseID: String, _ concern: String, mission id: String, now: Date, cipher: FieldCipher, on db: any Database
    ) async throws {
        // The row keeps its id when the concern is rewritten, and the sealed value is bound to that id.
        struct Known: Decodable { let id: String }
        let row =
            try await db.sql.raw(
                "SELECT id FROM mission_cases WHERE mission_id = \(bind: id) AND case_id = \(bind: caseID)"
            )
            .first(decoding: Known.self)?.id ?? RandomID.make("concern")
        try await db.sql.insert(into: "mission_cases").columns(
            "id", "mission_id", "case_id", "concern_sealed", "added_at"
        )
        .values(row, id, caseID, cipher.seal(concern, in: .missionConcern, row: row), now.seconds)
        .onConflict(with: ["mission_id", "case_id"]) { $0.set(excludedValueOf: "concern_sealed") }
        .run()
    }

    /// The missions concerning a case, for its file.
    static func forCase(_ caseID: String, cipher: FieldCipher, on db: any Database) async throws -> [Mission] {
        try await db.rows(
            """
            SELECT \(unsafeRaw: columns) FROM missions WHERE id IN (SELECT mission_id FROM mission_cases WHERE \
            case_id = \(bind: caseID)) ORDER BY starts_on DESC
            """, as: Row.self
        ).map { try mission($0, cipher: cipher) }
    }
}
