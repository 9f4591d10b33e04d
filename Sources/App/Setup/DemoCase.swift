import Fluent
import Foundation
import ObservatoryCore

/// Opens the demo's case file (`DemoArchive.caseFile`) as a case officer would, sealed and audited like any case,
/// so the office's case dashboard is not empty on a newcomer's first `serve`.
enum DemoCase {
    static func load(_ file: DemoCaseFile?, today: CivilDate, cipher: FieldCipher, on db: any Database) async throws {
        guard let file else { return }
        let now = Date(timeIntervalSince1970: TimeInterval(today.daysSinceEpoch) * 86_400)
        let new = NewCase(
            country: file.country, label: file.label, risk: .high, notes: file.notes,
            person: NewPerson(
                kind: file.atRisk, name: file.name, consents: true,
                description: file.description, contact: file.contact),
            act: NewAct(
                type: file.act, occurredOn: file.occurredOn.description, place: file.place,
                perpetrator: file.perpetrator, detail: file.detail),
            source: NewSource(description: file.source, contact: file.sourceContact))
        try await db.write { tx in
            let id = try await CaseStore.open(new, by: "demo", now: now, cipher: cipher, on: tx)
            try await AuditLog.record(
                AuditEvent(actor: "demo", action: "case.open", recordType: "case", recordID: id),
                now: now, on: tx)
        }
    }
}
