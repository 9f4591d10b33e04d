/// A deterministic demo archive, so a newcomer's first `serve` shows a living site with nothing else
/// installed. Shaped like the shared generator's output: appeals with reference codes and follow-ups,
/// translations, other types, four languages, several countries, organisations of the directory.
public struct DemoArchive: Sendable {
    public var publications: [ArchivePublication] = []
    public var organisations: [ArchiveOrganisation] = []
    /// The newest original appeal's story as a case file of the office.
    public var caseFile: DemoCaseFile?

    /// `count` publications spread over the 20 years ending on `endingOn`, and `organisations` organisations.
    public init(endingOn end: CivilDate, count: Int = 2_000, organisations orgCount: Int = 120, seed: UInt64 = 1) {
        var rng = SplitMix64(seed: seed)
        let start = end.daysSinceEpoch - 20 * 365
        let days = (0..<count).map { _ in start + Int(rng.next(upTo: UInt64(end.daysSinceEpoch - start + 1))) }.sorted()
        var serials: [String: Int] = [:]
        var appeals:
            [(
                id: String, ref: ReferenceCode, countries: [String], item: DemoItem, published: CivilDate,
                followUps: Int
            )] = []
        let directory = CountryDirectory.shared
        let countries = DemoCountry.all.map { ($0, $0.weight) }
        var n = 0
        while publications.count < count {
            let day = CivilDate(daysSinceEpoch: days[publications.count])
            n += 1
            let (type, kind) = rng.pick(weighted: DemoText.types)
            let country = rng.pick(weighted: countries)
            var codes = [country.code]
            if rng.chance(0.06) { codes.append(rng.pick(weighted: countries.map { ($0.0.code, $0.1) } + [("EU", 3)])) }
            codes = codes.reduce(into: []) { if !$0.contains($1) { $0.append($1) } }
            var programmes = [rng.pick(weighted: DemoText.programmes)]
            if rng.chance(0.1) { programmes.append(rng.pick(Programme.allCases)) }
            programmes = Programme.allCases.filter(programmes.contains)
            var item = DemoItem(type: type, kind: kind, story: DemoStory.random(in: country, before: day, rng: &rng))
            var language = rng.pick(weighted: country.region.languages)
            var pub = ArchivePublication(
                id: "demo-\(n)", type: type, kind: kind, language: language, published: day,
                title: "", countries: codes, programmes: programmes)
            // A follow-up comes within two years of its original, as a case moves on, not six years later.
            let recent =
                appeals.count
                - (appeals.firstIndex { $0.published.daysSinceEpoch >= day.daysSinceEpoch - 730 }
                    ?? appeals.count)
            if kind == .urgentAppeal, recent > 0, rng.chance(0.25),
                case let index = appeals.count - 1 - Int(rng.next(upTo: UInt64(min(recent, 150)))),
                appeals[index].followUps < appeals[index].item.story.act.outcomes.count
            {
                appeals[index].followUps += 1
                let original = appeals[index]
                pub.followUpOf = original.id
                pub.countries = original.countries
                pub.reference = original.ref.followUp(original.followUps).description
                item.story = original.item.story
                item.followUp = DemoFollowUp(
                    outcome: item.story.act.outcomes[original.followUps - 1],
                    on: day.adding(days: -1 - Int(rng.next(upTo: 5))),
                    originalReference: original.ref.description,
                    originalPublished: original.published)
                language = rng.pick(weighted: item.story.country.region.languages)
                pub.language = language
            } else if kind == .urgentAppeal {
                let alpha3 = directory.country(code: codes[0])?.alpha3 ?? "INT"
                serials["\(alpha3)\(day.year)", default: 0] += 1
                serials["OBS\(day.year)", default: 0] += 1
                let ref = ReferenceCode(
                    alpha3: alpha3, countrySerial: serials["\(alpha3)\(day.year)"]!,
                    month: day.month,
                    year: day.year, observatorySerial: serials["OBS\(day.year)"]!)
                pub.reference = ref.description
                caseFile = DemoCaseFile(item.story)
                if !item.story.act.outcomes.isEmpty { appeals.append((pub.id, ref, codes, item, day, 0)) }
            }
            if type == .event {
                item.eventDate = day.adding(days: 3 + Int(rng.next(upTo: 38)))
                item.untitled = rng.chance(0.15)  // legacy events listed by date alone
            }
            DemoText(language: language).write(item, into: &pub)
            publications.append(pub)
            if publications.count < count, rng.chance(0.12) {
                n += 1
                let other = rng.pick(Language.allCases.filter { $0 != language && $0 != .ar })
                var translation = pub
                translation.id = "demo-\(n)"
                translation.language = other
                translation.translationOf = pub.id
                translation.followUpOf = nil
                DemoText(language: other).write(item, into: &translation)
                publications.append(translation)
            }
        }
        var names: Set<String> = []
        organisations = (1...max(1, orgCount)).map { i in
            let country = rng.pick(weighted: countries)
            var name = ""
            for _ in 0..<20 where name.isEmpty || names.contains(name) {
                name = DemoOrganisation.random(in: country, city: rng.pick(country.cities), rng: &rng).name
            }
            if names.contains(name) { name += " (\(country.title(in: .en)))" }
            names.insert(name)
            return ArchiveOrganisation(
                id: "demo-org-\(i)", name: name,
                type: DemoOrganisation.type(named: name),
                country: country.code, workingLanguages: country.region.workingLanguages,
                networks: ["sos-torture"] + (rng.chance(0.2) ? ["observatory-partners"] : []),
                founded: 1948 + Int(rng.next(upTo: 75)), website: "https://org\(i).example")
        }
    }
}

/// A small, fast, deterministic random number generator (SplitMix64).
public struct SplitMix64: RandomNumberGenerator, Sendable {
    var state: UInt64
    public init(seed: UInt64) { state = seed }
    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func next(upTo bound: UInt64) -> UInt64 { bound == 0 ? 0 : next() % bound }
    mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) < p * 1_000_000 }
    mutating func pick<T>(_ items: [T]) -> T { items[Int(next(upTo: UInt64(items.count)))] }
    mutating func pick<T>(weighted items: [(T, Int)]) -> T {
        var roll = Int(next(upTo: UInt64(items.reduce(0) { $0 + $1.1 })))
        for (item, weight) in items {
            if roll < weight { return item }
            roll -= weight
        }
        return items[items.count - 1].0
    }
}
