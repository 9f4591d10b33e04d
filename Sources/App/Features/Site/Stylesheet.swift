import Foundation

/// The site's one stylesheet, loaded once at boot and served with a year-long cache under a versioned URL.
enum Stylesheet {
    static let text: String = {
        guard let url = Bundle.module.url(forResource: "site", withExtension: "css", subdirectory: "Resources/Public"),
            let css = try? String(contentsOf: url, encoding: .utf8)
        else {
            fatalError("Resources/Public/site.css is missing from the App bundle")
        }
        return css
    }()

    /// A short hash of the content, so a changed stylesheet gets a new URL.
    static let version: String = {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash % 0xFFFF_FFFF, radix: 36)
    }()
}
