/// A change to a list of linked records, as chosen in a form: ids to add and ids to remove. Every id must be one
/// the person may choose (`choosable`), so an id typed or forged into the request is refused and nothing changes.
public enum LinkChange {
    public enum Refusal: Error, Equatable, CustomStringConvertible {
        case notChoosable(String)
        case nothingChosen

        public var description: String {
            switch self {
            case .notChoosable(let id):
                "“\(String(id.prefix(60)))” is not among the records you can link: choose from the list."
            case .nothingChosen: "Choose at least one record to link or to unlink."
            }
        }
    }

    /// The new list: `current` in its order without `remove`, then each new id of `add` once. Removing an id that is
    /// not linked is refused like any other id that was not offered.
    public static func apply(
        current: [String], add: [String], remove: [String],
        choosable: Set<String>
    ) -> Result<[String], Refusal> {
        guard !add.isEmpty || !remove.isEmpty else { return .failure(.nothingChosen) }
        if let wrong = add.first(where: { !choosable.contains($0) }) { return .failure(.notChoosable(wrong)) }
        if let wrong = remove.first(where: { !current.contains($0) }) { return .failure(.notChoosable(wrong)) }
        var result = current.filter { !remove.contains($0) }
        for id in add where !result.contains(id) && !remove.contains(id) { result.append(id) }
        return .success(result)
    }
}
