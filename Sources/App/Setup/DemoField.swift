import Fluent
import Foundation
import ObservatoryCore
import SQLKit

/// What the demo adds around its archive so every public page has something to show: a published mission report,
/// an open call for input and a campaign. Its confidential fields read like
/// a real mission's and stay in the office.
enum DemoField {
    static func load(
        _ publications: [ArchivePublication], today: CivilDate, cipher: FieldCipher, on db: any Database
    ) async throws {
        let now = Date(timeIntervalSince1970: TimeInterval(today.daysSinceEpoch) * 86_400)
        let originals = publications.filter { $0.translationOf == nil }.sorted { $0.published > $1.published }
        if let report = originals.first(where: { $0.type == .report }), let country = report.countries.first,
            CountryDirectory.shared.country(code: country) != nil
        {
            let preliminary = originals.first {
                $0.type == .statement && $0.countries.contains(country) && $0.published < report.published
            }
            let ends = report.published.adding(days: -30)
            let name = CountryDirectory.shared.country(code: country)?.name ?? country
            let mission = Mission(
                id: "mission-demo", kind: .factFinding, country: country,
                dates: MissionDates(starts: ends.adding(days: -4), ends: ends),
                title: Confidential("Fact-finding mission on defenders at risk: \(name)"),
                members: Confidential("Two lawyers of partner organisations of the network."),
                objectives: Confidential(
                    "Meet defenders, their lawyers and the authorities; "
                        + "collect testimonies on judicial harassment."),
                logistics: Confidential(
                    "Travel booked by the Geneva office; local transport "
                        + "arranged with a partner organisation."),
                securityPlan: Confidential(
                    "A check-in call with the Geneva office every evening; "
                        + "no meeting at a defender's home."),
                findings: Confidential(
                    "Preliminary findings shared with the partners before the "
                        + "report."),
                preliminaryID: preliminary?.id, reportID: report.id)
            try await MissionStore.save(mission, isNew: true, by: "demo", now: now, cipher: cipher, on: db)
        }
        try await CallStore.save(
            id: "women-defenders-needs", title: "Women human rights defenders: your needs and challenges",
            text:
                """
                Tell us what you need to work safely: protection, legal support, networks. Answers are read only \
                by the Observatory's staff.
                """,
            deadline: today.adding(days: 60).description, open: true, by: "demo", now: now, on: db)
        let appeals = originals.filter { $0.kind == .urgentAppeal }.prefix(4).map(\.id)
        try await CampaignStore.save(
            id: "humans-against-torture", title: "#HumansAgainstTorture",
            text: "A year of mobilisation against torture and ill-treatment of defenders.",
            publications: Array(appeals), cases: [], published: true, image: nil, by: "demo", now: now, on: db)
    }
}
