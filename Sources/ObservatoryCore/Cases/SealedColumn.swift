/// A column that holds sealed values, and the one registry of them. The migration that binds values to their
/// row, key rotation and the raw-database canary test all walk `SealedColumn.all`: a new sealed column is added
/// here and sealed with `FieldCipher.seal(_:in:row:)`.
///
/// A `v2:` value's associated data names the table, the column and the row's id, so a value copied to another
/// row or column does not open.
public struct SealedColumn: Sendable, Hashable, CustomStringConvertible {
    /// What the column held before values were bound to their row (migration 025).
    public enum Before: Sendable, Hashable {
        /// Clear text: sealed for the first time by the migration.
        case clear
        /// `v1:` values sealed with this context (`"table.column"`).
        case sealed(context: String)
        /// Raw bytes sealed with this context followed by the row's id.
        case sealedPerRow(prefix: String)
        /// Added after migration 025: only ever `v2:`.
        case none
    }

    public let table: String
    public let column: String
    public let idColumn: String
    /// Bytes (a blob) rather than text.
    public let isBytes: Bool
    /// The row's id is a number (an auto-incremented key) rather than text.
    public let hasNumericID: Bool
    public let before: Before

    public init(
        _ table: String, _ column: String, id idColumn: String = "id", bytes: Bool = false,
        numericID: Bool = false, before: Before
    ) {
        self.table = table; self.column = column; self.idColumn = idColumn; isBytes = bytes
        hasNumericID = numericID; self.before = before
    }

    /// A column sealed with `v1:` under the context `table.column` until migration 025.
    static func v1(_ table: String, _ column: String, context: String? = nil) -> SealedColumn {
        SealedColumn(table, column, before: .sealed(context: context ?? "\(table).\(column.replacingSealedSuffix)"))
    }

    public var description: String { "\(table).\(column)" }

    /// Authenticated with the ciphertext: the format, the table, the column and the row.
    func associatedData(row: String) -> [UInt8] {
        Array("observatory-v2\u{0}\(table)\u{0}\(column)\u{0}\(row)".utf8)
    }
}

/// A keyed hash kept beside a sealed column to find a row by value (`FieldCipher.lookupHash`). Key rotation
/// recomputes it from the opened value.
public struct LookupColumn: Sendable {
    public let table: String
    public let hashColumn: String
    public let source: SealedColumn
    public let context: String
}

extension String {
    fileprivate var replacingSealedSuffix: String { hasSuffix("_sealed") ? String(dropLast(7)) : self }
}

extension SealedColumn {
    public static let caseLabel = v1("cases", "label_sealed")
    public static let caseNotes = v1("cases", "notes_sealed")
    public static let personName = v1("case_people", "name_sealed")
    public static let personContact = v1("case_people", "contact_sealed")
    public static let personDescription = SealedColumn("case_people", "public_description", before: .clear)
    public static let actDate = SealedColumn("case_acts", "occurred_on", before: .clear)
    public static let actPlace = SealedColumn("case_acts", "place", before: .clear)
    public static let actPerpetratorDetail = SealedColumn("case_acts", "perpetrator_detail", before: .clear)
    public static let sourceDescription = v1("case_sources", "description_sealed")
    public static let sourceContact = v1("case_sources", "contact_sealed")
    public static let attachmentName = v1("case_attachments", "filename_sealed")
    public static let attachmentData = SealedColumn(
        "case_attachments", "data_sealed", bytes: true,
        before: .sealedPerRow(prefix: "case_attachments.data:"))
    public static let messageBody = v1("case_messages", "body_sealed")
    public static let verificationShared = v1("verifications", "shared_sealed")
    public static let verificationNote = v1("verifications", "note_sealed")
    public static let interventionTitle = v1("interventions", "title_sealed")
    public static let interventionSummary = v1("interventions", "summary_sealed")
    public static let interventionBody = v1("interventions", "body_sealed")
    public static let subscriberEmail = v1("subscribers", "email_sealed")
    public static let subscriberToken = v1("subscribers", "token_sealed")
    public static let callAnswer = v1("call_answers", "answer_sealed")
    public static let callWho = v1("call_answers", "who_sealed")
    public static let callContact = v1("call_answers", "contact_sealed")
    public static let organisationContacts = v1("organisations", "contacts_sealed")
    public static let missionTitle = v1("missions", "title_sealed")
    public static let missionMembers = v1("missions", "members_sealed")
    public static let missionObjectives = v1("missions", "objectives_sealed")
    public static let missionLogistics = v1("missions", "logistics_sealed")
    public static let missionSecurityPlan = v1("missions", "security_plan_sealed")
    public static let missionFindings = v1("missions", "findings_sealed")
    public static let missionConcern = v1("mission_cases", "concern_sealed")
    public static let assistancePurpose = v1("assistance_requests", "purpose_sealed")
    public static let assistanceRejection = v1("assistance_requests", "rejection_sealed")
    public static let assistanceReportNote = v1("assistance_requests", "report_note_sealed")
    public static let paymentReference = v1("assistance_payments", "reference_sealed")
    public static let totpSecret = v1("users", "totp_secret")
    public static let totpPendingSecret = v1("users", "totp_pending_secret")
    /// An approver's "this occurrence is not the person" record (migration 023): the occurrence and the reason.
    public static let redactionExceptionValue = v1("redaction_exceptions", "value_sealed")
    public static let redactionExceptionReason = v1("redaction_exceptions", "reason_sealed")
    /// A person's public description and name as written in another language (migration 033).
    public static let personLanguageDescription = SealedColumn(
        "case_person_languages", "description_sealed",
        before: .none)
    public static let personLanguageSpelling = SealedColumn("case_person_languages", "spelling_sealed", before: .none)
    /// The mail server's words about a failed delivery: they repeat the subscriber's address (sealed by 024).
    public static let outboxError = SealedColumn(
        "outbox", "last_error", numericID: true,
        before: .sealed(context: "outbox.last_error"))

    /// The SHA-256 of an attachment taken when it arrived (migration 037): sealed, so a copy of the database
    /// cannot confirm that a known photo or document is held.
    public static let attachmentSHA256 = SealedColumn("case_attachments", "sha256_sealed", before: .none)
    /// A campaign image as the editor sent it, with its metadata (037); the public copy has none.
    public static let campaignImageOriginal = SealedColumn("campaigns", "image_original", bytes: true, before: .none)
    /// An offer to sponsor a defender, sent through the public form (038): who, how to reach them, what they say.
    public static let sponsorOfferName = SealedColumn("sponsor_offers", "name_sealed", before: .none)
    public static let sponsorOfferContact = SealedColumn("sponsor_offers", "contact_sealed", before: .none)
    public static let sponsorOfferMessage = SealedColumn("sponsor_offers", "message_sealed", before: .none)
    /// A value a returned mission kit brought for a field also changed at the office (decided on the case page).
    public static let kitConflictValue = SealedColumn("kit_conflicts", "kit_value_sealed", before: .none)
    /// A case officer's note on a retention decision (044): free text stays out of the audit trail, sealed here.
    public static let retentionNote = SealedColumn("retention_decisions", "note_sealed", before: .none)

    /// Every sealed column. Add a new one here (with `before: .none`) and nowhere else.
    public static let all: [SealedColumn] = [
        caseLabel, caseNotes, personName, personContact, personDescription, actDate, actPlace, actPerpetratorDetail,
        sourceDescription, sourceContact, attachmentName, attachmentData, messageBody, verificationShared,
        verificationNote, interventionTitle, interventionSummary, interventionBody, subscriberEmail, subscriberToken,
        callAnswer, callWho, callContact, organisationContacts, missionTitle, missionMembers, missionObjectives,
        missionLogistics, missionSecurityPlan, missionFindings, missionConcern, assistancePurpose, assistanceRejection,
        assistanceReportNote, paymentReference, totpSecret, totpPendingSecret, outboxError,
        redactionExceptionValue, redactionExceptionReason,
        personLanguageDescription, personLanguageSpelling,
        attachmentSHA256, campaignImageOriginal,
        sponsorOfferName, sponsorOfferContact, sponsorOfferMessage,
        kitConflictValue,
        retentionNote
    ]
}

extension LookupColumn {
    public static let subscriberEmail = LookupColumn(
        table: "subscribers", hashColumn: "email_hash",
        source: .subscriberEmail, context: "subscribers.email")
    /// Every lookup hash: key rotation recomputes each.
    public static let all: [LookupColumn] = [subscriberEmail]
}
