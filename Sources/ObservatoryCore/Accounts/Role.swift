/// What a person may do. A person can hold several roles; a route names the roles it allows.
public enum Role: String, CaseIterable, Sendable, Codable, Comparable {
    case administrator
    case editor
    case caseOfficer = "case-officer"
    case partner

    public var label: String {
        switch self {
        case .administrator: "Administrator"
        case .editor: "Editor"
        case .caseOfficer: "Case officer"
        case .partner: "Partner"
        }
    }

    /// Roles that see or manage confidential records must sign in with a second factor.
    public var requiresSecondFactor: Bool { self == .administrator || self == .caseOfficer }

    public static func < (a: Role, b: Role) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }

    /// Parses a comma-separated list as stored ("editor,case-officer"); unknown names are dropped.
    public static func set(from stored: String) -> Set<Role> {
        Set(stored.split(separator: ",").compactMap { Role(rawValue: String($0)) })
    }

    public static func stored(_ roles: Set<Role>) -> String { roles.sorted().map(\.rawValue).joined(separator: ",") }
}
