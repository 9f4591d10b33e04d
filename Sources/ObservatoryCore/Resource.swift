import Foundation

/// The text of a data file shipped in ObservatoryCore's `Resources` (generated once and committed); a missing
/// file is a packaging error, so it stops the program with its name.
func bundledText(_ name: String, _ ext: String) -> String {
    guard let url = Bundle.module.url(forResource: name, withExtension: ext),
        let text = try? String(contentsOf: url, encoding: .utf8)
    else {
        fatalError("\(name).\(ext) is missing from the ObservatoryCore bundle")
    }
    return text
}
