/// An intervention's reference code, `MEX 001 / 0916 / OBS 077`, with `.N` for follow-ups.
public struct ReferenceCode: Sendable, Hashable, CustomStringConvertible {
    public let alpha3: String
    public let countrySerial: Int
    public let month: Int
    public let year: Int  // two digits, as printed
    public let observatorySerial: Int
    public let followUp: Int?

    public init(alpha3: String, countrySerial: Int, month: Int, year: Int, observatorySerial: Int, followUp: Int? = nil)
    {
        self.alpha3 = alpha3
        self.countrySerial = countrySerial
        self.month = month
        self.year = year % 100
        self.observatorySerial = observatorySerial
        self.followUp = followUp
    }

    /// Parses the printed form; spacing around the slashes is forgiven.
    public init?(_ text: String) {
        let parts = text.split(separator: "/").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
        guard parts.count == 3, parts[0].count == 2, parts[1].count == 1, parts[2].count == 2,
            parts[0][0].count == 3, parts[0][0].allSatisfy({ $0.isASCII && $0.isUppercase }),
            let serial = Int(parts[0][1]), parts[1][0].count == 4, parts[2][0] == "OBS"
        else { return nil }
        let mmyy = parts[1][0]
        guard let month = Int(mmyy.prefix(2)), let year = Int(mmyy.suffix(2)), (1...12).contains(month) else {
            return nil
        }
        let obs = parts[2][1].split(separator: ".", omittingEmptySubsequences: false)
        guard (1...2).contains(obs.count), let obsSerial = Int(obs[0]) else { return nil }
        var followUp: Int? = nil
        if obs.count == 2 {
            guard let n = Int(obs[1]), n > 0 else { return nil }
            followUp = n
        }
        self.init(
            alpha3: String(parts[0][0]), countrySerial: serial, month: month, year: year,
            observatorySerial: obsSerial, followUp: followUp)
    }

    public var description: String {
        func pad(_ n: Int, _ w: Int) -> String {
            let s = String(n); return String(repeating: "0", count: max(0, w - s.count)) + s
        }
        let base =
            "\(alpha3) \(pad(countrySerial, 3)) / \(pad(month, 2))\(pad(year, 2)) / OBS \(pad(observatorySerial, 3))"
        return followUp.map { "\(base).\($0)" } ?? base
    }

    /// The code of the original appeal (without `.N`).
    public var original: ReferenceCode {
        ReferenceCode(
            alpha3: alpha3, countrySerial: countrySerial, month: month, year: year, observatorySerial: observatorySerial
        )
    }

    /// The code of the n-th follow-up of this appeal.
    public func followUp(_ n: Int) -> ReferenceCode {
        ReferenceCode(
            alpha3: alpha3, countrySerial: countrySerial, month: month, year: year,
            observatorySerial: observatorySerial, followUp: n)
    }
}
