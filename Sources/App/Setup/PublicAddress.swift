import Foundation

/// `OBSERVATORY_PUBLIC_URL`, on which every mailed and exported link is made: `http(s)://host[:port][/path]`, kept
/// without its trailing slashes (`https://x.example/obs//` → `https://x.example/obs`, so links never hold `//`).
/// A query or a fragment would end up in the middle of every link, and a user name or password would be sent to
/// every reader: each is refused by name, and a refused value holding credentials is not repeated in the message.
enum PublicAddress {
    struct Problem: Error, CustomStringConvertible { let description: String }

    static func check(_ raw: String) -> Result<String, Problem> {
        var base = raw
        while base.hasSuffix("/") { base.removeLast() }
        let example = "an http(s) address like https://observatory.example (a path is allowed)"
        guard raw.hasPrefix("https://") || raw.hasPrefix("http://"), let url = URL(string: base),
            let host = url.host, !host.isEmpty
        else {
            return .failure(Problem(description: "expected \(example), got \"\(raw.contains("@") ? "…" : raw)\""))
        }
        if url.user != nil || url.password != nil || base.contains("@") {
            return .failure(Problem(description: "expected \(example) without a user name or password"))
        }
        if url.query != nil || url.fragment != nil || base.contains("?") || base.contains("#") {
            return .failure(
                Problem(
                    description: "expected \(example) without a query (?) or a fragment (#), "
                        + "got \"\(raw)\""))
        }
        return .success(base)
    }
}
