import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// The two steps that take an intervention to the public: approval by a second person (public version fixed,
/// reference code assigned) and publishing (a publication made from the public version).
enum InterventionWorkflow {
    enum Refusal: Error, Equatable, CustomStringConvertible {
        case samePerson, notDraft, notApproved, caseNotVerified(CaseStatus), leaks(Int), placeholders, emptyTitle
        case originalNotApproved, originalNotPublished, changedSinceRead, versionNotApproved
        case translation([TranslationCheck.Problem])

        var description: String {
            switch self {
            case .samePerson: t("intervention.refusal.same-person")
            case .changedSinceRead: FourEyes.Refusal.changedSinceRead.description
            case .versionNotApproved: FourEyes.Refusal.notApproved.description
            case .notDraft: t("intervention.refusal.not-draft")
            case .notApproved: t("intervention.refusal.not-approved")
            case .caseNotVerified(let status):
                t("intervention.refusal.not-verified", ["status": status.localizedLabel])
            case .leaks(let n): t("intervention.refusal.leaks", ["values": t("count.confidential-values", count: n)])
            case .placeholders: t("intervention.refusal.placeholders")
            case .emptyTitle: t("intervention.refusal.empty-title")
            case .originalNotApproved: t("intervention.refusal.original-not-approved")
            case .originalNotPublished: t("intervention.refusal.original-not-published")
            case .translation(let problems): problems.map(\.description).joined(separator: " ")
            }
        }
    }

    static func refusal(_ r: FourEyes.Refusal) -> Refusal {
        switch r {
        case .ownChange: .samePerson
        case .changedSinceRead: .changedSinceRead
        case .notApproved: .versionNotApproved
        }
    }

    /// Approves the current version for `approver`, who read revision `read` with public hash `readHash` (nil: the
    /// current one), the case's redactor being `redactor` (the case file's, with this revision's "not the person"
    /// records). The approver must not be the author of the latest change (four eyes).
    static func approve(
        _ i: Intervention, file: CaseFile, by approver: String, now: Date, read: Int? = nil,
        readHash: String? = nil,
        redactor: Redactor? = nil, on db: any Database
    ) async throws -> Result<String, Refusal> {
        guard i.status == .draft else { return .failure(.notDraft) }
        let redactor = redactor ?? file.redactor(for: i)
        let version = PublicVersion(of: i, redactor: redactor)
        if let refused = FourEyes.mayApprove(
            approver, current: .init(revision: i.revision, changedBy: i.lastChangedBy),
            currentHash: version.hash, read: read, readHash: readHash)
        {
            return .failure(refusal(refused))
        }
        if i.followUpOf == nil && i.translationOf == nil && !file.status.allowsIntervention {
            return .failure(.caseNotVerified(file.status))
        }
        guard version.leaks.isEmpty else { return .failure(.leaks(version.leaks.count)) }
        let untranslated = TranslationPages.problems(i, file: file, redactor: redactor)
        guard untranslated.isEmpty else { return .failure(.translation(untranslated)) }
        guard !version.title.trimmingCharacters(in: .whitespaces).isEmpty else { return .failure(.emptyTitle) }
        guard ![version.title, version.body].contains(where: { $0.contains("…") }) else {
            return .failure(.placeholders)
        }
        var inherited: String? = nil
        if let original = i.translationOf {
            guard let known = try await InterventionStore.reference(of: original, on: db), let code = known.reference
            else {
                return .failure(.originalNotApproved)
            }
            inherited = code
        }
        var followUpOriginal: (id: String, code: ReferenceCode)? = nil
        if let original = i.followUpOf {
            guard let known = try await InterventionStore.reference(of: original, on: db), let text = known.reference,
                let code = ReferenceCode(text)
            else { return .failure(.originalNotApproved) }
            followUpOriginal = (original, code)
        }
        let inheritedCode = inherited, followed = followUpOriginal
        // A second handle inside a write is refused before this lock, which it could otherwise wait on (r16, nit).
        // Inside a caller's write the gate already orders writers, and taking this lock there would invert the order
        // (review r17, nit), as in `AssistanceStore`.
        let outside = !db.inTransaction
        if outside && WriteGate.held { throw WriteGate.WriteInsideAWrite() }
        if outside { await ReferenceAllocator.lock.acquire() }
        defer { if outside { ReferenceAllocator.lock.release() } }
        let today = CivilDate(daysSinceEpoch: Int(now.seconds / 86_400))
        struct Refused: Error { let refusal: FourEyes.Refusal }
        let reference: String?
        do {
            reference = try await db.write { tx in
                struct Claimed: Decodable { let id: String }
                // Four eyes at the moment of writing: refused if the text changed since it was read, or by the
                // approver.
                if let refused = try await FourEyesStore.approve(
                    i.subject, revision: i.revision, hash: version.hash,
                    by: approver,
                    fallback: i.draftedBy, now: now, on: tx)
                {
                    throw Refused(refusal: refused)
                }
                let claimed = try await tx.sql.raw(
                    """
                    UPDATE interventions SET status = 'approved', approved_by = \(bind: approver), approved_at = \
                    \(bind: now.seconds),
                    public_title = \(bind: version.title), public_summary = \(bind: version.summary), public_body = \
                    \(bind: version.body)
                    WHERE id = \(bind: i.id) AND status = 'draft' RETURNING id
                    """
                ).first(decoding: Claimed.self)
                guard claimed != nil else { return nil }
                var code = i.reference ?? inheritedCode
                if code == nil {
                    if let (originalID, originalCode) = followed {
                        code = try await ReferenceAllocator.followUp(
                            of: originalID, original: originalCode,
                            owner: "intervention:\(i.id)", on: tx.sql
                        ).description
                    } else {
                        code = try await ReferenceAllocator.original(
                            countryCode: file.country, date: today,
                            owner: "intervention:\(i.id)", on: tx.sql
                        ).description
                    }
                }
                try await tx.sql.update("interventions").set("reference", to: code).where("id", .equal, i.id).run()
                try await Timeline.add("\(i.role) approved: \(code!)", actor: approver, case: file.id, now: now, on: tx)
                try await AuditLog.record(
                    AuditEvent(
                        actor: approver, action: "intervention.approve",
                        recordType: "intervention",
                        recordID: i.id, detail: code!), now: now, on: tx)
                return code
            }
        } catch let refused as Refused { return .failure(refusal(refused.refusal)) }
        guard let reference else { return .failure(.notDraft) }
        return .success(reference)
    }

    /// Makes the public publication from the approved version and links it to its original.
    static func publish(
        _ i: Intervention, file: CaseFile, by actor: String, now: Date, redactor: Redactor? = nil,
        on db: any Database
    ) async throws -> Result<String, Refusal> {
        guard i.status == .approved, let title = i.publicTitle, let body = i.publicBody else {
            return .failure(.notApproved)
        }
        // Only the exact version a second person approved, at the current revision, goes out.
        let hash = ContentHash.of([title, i.publicSummary ?? "", body])
        if let refused = try await FourEyesStore.check(
            i.subject, hash: hash, fallback: i.draftedBy, exempt: false,
            on: db)
        {
            return .failure(refusal(refused))
        }
        // The redaction is checked again on what goes out: the case may have learnt a name since the approval.
        let leaks = (redactor ?? file.redactor(for: i))
            .leaks(in: [title, i.publicSummary ?? "", body].joined(separator: "\n"))
        if !leaks.isEmpty { return .failure(.leaks(leaks.count)) }
        let followUpOf = try await InterventionStore.publicationID(of: i.followUpOf, on: db)
        let translationOf = try await InterventionStore.publicationID(of: i.translationOf, on: db)
        if (i.followUpOf != nil && followUpOf == nil) || (i.translationOf != nil && translationOf == nil) {
            return .failure(.originalNotPublished)
        }
        let publicationID = i.publicationID ?? EditorialStore.newID()
        let today = CivilDate(daysSinceEpoch: Int(now.seconds / 86_400))
        let publication = ArchivePublication(
            id: publicationID, type: .urgentIntervention, kind: i.kind, language: i.language, published: today,
            title: title,
            summary: i.publicSummary ?? "", body: body, countries: [file.country], programmes: [.humanRightsDefenders],
            reference: i.reference, followUpOf: followUpOf, translationOf: translationOf, eventDate: nil)
        struct Refused: Error { let refusal: FourEyes.Refusal }
        struct Claimed: Decodable { let id: String }
        // One step: claimed from 'approved' with the same text, still approved at this moment, or nothing at all
        // (two presses at once made two public appeals with one code; an edit in between went unseen).
        do {
            let claimed: Bool = try await db.write { tx in
                let row = try await tx.sql.raw(
                    """
                    UPDATE interventions SET status = 'published', publication_id = \(bind: publicationID),
                    published_at = \(bind: now.seconds) WHERE id = \(bind: i.id) AND status = 'approved'
                    AND public_title = \(bind: title) AND public_body = \(bind: body) RETURNING id
                    """
                ).first(decoding: Claimed.self)
                guard row != nil else { return false }
                if let refused = try await FourEyesStore.check(
                    i.subject, hash: hash, fallback: i.draftedBy,
                    exempt: false, on: tx)
                {
                    throw Refused(refusal: refused)
                }
                try await EditorialStore.save(publication, status: .published, publishAt: nil, now: now, on: tx)
                try await Timeline.add(
                    "\(i.role) published (\(i.reference ?? ""))", actor: actor, case: file.id,
                    now: now, on: tx)
                try await AuditLog.record(
                    AuditEvent(
                        actor: actor, action: "intervention.publish",
                        recordType: "intervention", recordID: i.id, detail: "publication \(publicationID)"), now: now,
                    on: tx)
                if i.translationOf == nil {
                    try await CaseStore.advance(
                        file, to: i.followUpOf == nil ? .actionLaunched : .followUp,
                        by: actor, now: now, on: tx)
                }
                return true
            }
            guard claimed else { return .failure(.notApproved) }
        } catch let refused as Refused { return .failure(refusal(refused.refusal)) }
        return .success(publicationID)
    }
}
