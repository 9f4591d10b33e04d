/// A value a reporter or an officer typed about a case, opened from the database: a name, a contact, a place.
///
/// It cannot leak by accident. Interpolated into a `String` or a log line, described or dumped, it shows
/// `Confidential.mask`; it is not `Encodable`, so no JSON, feed or template context can hold it; and `HTML`
/// interpolation refuses it at compile time. The one way to the text is `reveal()`, a greppable call that
/// only office and partner views make.
public struct Confidential: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible,
    CustomReflectable
{
    /// What every description of a confidential value shows.
    public static let mask = "[confidential]"
    private let text: String

    public init(_ text: String) { self.text = text }
    public static let empty = Confidential("")

    /// The text itself: for office and partner views, the redactor and re-sealing only.
    public func reveal() -> String { text }

    public var isEmpty: Bool { text.isEmpty }
    public var description: String { Self.mask }
    public var debugDescription: String { Self.mask }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

extension HTML.Interpolation {
    /// A compile error: write `value.reveal()` in an office view, or never in a public one.
    @available(*, unavailable, message: "a confidential value is opened with .reveal(), in office views only")
    public mutating func appendInterpolation(_ value: Confidential) {}
}
