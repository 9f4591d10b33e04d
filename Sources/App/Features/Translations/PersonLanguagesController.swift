import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `POST /office/cases/{id}/people/{person}/languages`: a person's description and name in French, Spanish and
/// Arabic, entered on the case page. Case officers only; audited in the same transaction as the change.
struct PersonLanguagesController: Sendable {
    let registry: RouteRegistry
    static let access = CaseController.access

    func boot(_ routes: any RoutesBuilder) {
        routes.declare(
            .POST, OfficeRoute.casePersonLanguages(id: "", person: "").pattern, Self.access,
            registry: registry, use: save)
    }

    @Sendable func save(req: Request) async throws -> Response {
        let file = try await CaseController.target(req), form = req.form
        let person = req.parameters.get("person") ?? ""
        guard let number = file.people.firstIndex(where: { $0.id == person }) else {
            throw Abort(.notFound, reason: PersonLanguages.Problem.noPerson.description)
        }
        let entries = PersonLanguages.entries { form[$0] }
        if let problem = PersonLanguages.validate(entries) {
            return try await CaseController.again(file, req, errors: ["languages": problem.description])
        }
        let actor = try req.account.email, now = req.site.clock.now(), cipher = req.site.cipher
        let label = PersonLanguages.label(file.people[number], number: number + 1)
        try await req.db.write { tx in
            guard
                try await PersonLanguages.save(
                    entries, person: person, of: file.id, now: now, cipher: cipher,
                    on: tx)
            else {
                throw Abort(.notFound, reason: PersonLanguages.Problem.noPerson.description)
            }
            try await Timeline.add(
                "Descriptions in other languages of \(label) changed", actor: actor,
                case: file.id, now: now, on: tx)
            try await AuditLog.record(
                AuditEvent(
                    actor: actor, action: "case.person.languages", recordType: "case",
                    recordID: file.id, detail: person), now: now, on: tx)
        }
        return req.redirect(within: OfficeRoute.caseFile(id: file.id).path + "?notice=saved")
    }
}
