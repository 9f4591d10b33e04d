import Foundation
import ObservatoryCore
import PropertyBased
import Testing

/// The retention rule alone, without HTTP: periods, what is due, extensions and the administrators' form.
@Suite struct RetentionRuleTests {
    static let day: Int64 = 86_400

    /// Whatever the period, the last activity and the extension: a record is never due before its notice window,
    /// always expired at its expiry, and an extension only ever moves the expiry later.
    @Test func aRecordIsDueOnlyWithinItsWindowAndAnExtensionNeverShortensIt() async {
        await propertyCheck(
            count: 1_000, input: Gen.int(in: 1...36_500), Gen.int(in: 0...40_000),
            Gen.int(in: -500...50_000), Gen.int(in: 0...2)
        ) { days, last, offset, extended in
            // setup
            let policy = RetentionPolicy(days: [.closedCase: days])
            let lastActivity = Int64(last) * Self.day, now = lastActivity + Int64(offset) * Self.day
            let until: Int64? = extended == 0 ? nil : lastActivity + Int64(offset + extended * 10) * Self.day
            // act
            let expiry = policy.expiry(.closedCase, lastActivity: lastActivity, extendedUntil: until)
            let state = policy.state(.closedCase, lastActivity: lastActivity, extendedUntil: until, now: now)
            // assert
            #expect(expiry >= lastActivity + Int64(days) * Self.day, "an extension never shortens the period")
            let notice = Int64(RetentionPolicy.noticeDays(period: days)) * Self.day
            switch state {
            case .kept: #expect(now < expiry - notice)
            case .dueSoon(let at): #expect(at == expiry && now >= expiry - notice && now < expiry)
            case .expired(let at): #expect(at == expiry && now >= expiry)
            }
            if state != .kept {
                #expect(
                    lastActivity <= policy.noticeCutoff(.closedCase, now: now),
                    "the query's cutoff never leaves out a due record")
            }
        }
    }

    @Test func defaultsAndTheNoticeWindow() {
        let policy = RetentionPolicy()
        #expect(RetainedKind.allCases.allSatisfy { policy.period($0) == $0.defaultDays })
        #expect(RetentionPolicy.noticeDays(period: 3_650) == 30)
        #expect(RetentionPolicy.noticeDays(period: 90) == 9)
        #expect(RetentionPolicy.noticeDays(period: 1) == 1)
        #expect(RetainedKind.allCases.filter { !$0.decided } == [.signIn], "only sign-in rows are purged unasked")
    }

    /// The periods form: a whole number of days in range is taken; anything else is refused by name and changes
    /// nothing, whatever is typed.
    @Test func thePeriodsFormRefusesAnythingButWholeDaysInRange() async {
        let typed = Gen.oneOf(Gen.int(in: -100...40_000).map(String.init), Gen.latin1.string(of: 0...12))
        await propertyCheck(count: 1_000, input: typed, Gen.int(in: 0...5)) { value, k in
            let kind = RetainedKind.allCases[k]
            let current = RetentionPolicy(days: [kind: 77])
            switch current.parse([kind.rawValue: value]) {
            case .success(let next):
                let n = Int(value.trimmingCharacters(in: .whitespaces))
                #expect(n != nil && (1...36_500).contains(n!))
                #expect(next.period(kind) == n)
            case .failure(let refusal):
                #expect(refusal.field == kind.rawValue)
                let n = Int(value.trimmingCharacters(in: .whitespaces))
                #expect(n == nil || !(1...36_500).contains(n!))
            }
        }
        #expect(RetentionPolicy().parse([:]) == .success(RetentionPolicy()), "a missing field keeps the period")
    }

    @Test func anExtensionNeedsAReasonAndADateAfterTodayWithinTenYears() async {
        let today = CivilDate("2026-12-01")!
        #expect(
            RetentionExtension.parse(reason: "trial in appeal", until: "2027-06-30", today: today)
                == .success(RetentionExtension(reason: "trial in appeal", until: CivilDate("2027-06-30")!)))
        for (reason, until, field) in [
            ("", "2027-01-01", "reason"), ("  \n", "2027-01-01", "reason"),
            (String(repeating: "x", count: 501), "2027-01-01", "reason"),
            ("r", "2026-12-01", "until"), ("r", "2026-11-30", "until"),
            ("r", "2037-01-01", "until"), ("r", "tomorrow", "until"), ("r", "", "until")
        ] {
            guard case .failure(let refusal) = RetentionExtension.parse(reason: reason, until: until, today: today)
            else { Issue.record("accepted \(reason.prefix(10)) / \(until)"); continue }
            #expect(refusal.field == field)
        }
        await propertyCheck(count: 500, input: Gen.int(in: -400...4_000)) { offset in
            let until = today.adding(days: offset).description
            let parsed = RetentionExtension.parse(reason: "r", until: until, today: today)
            if case .success(let ext) = parsed {
                #expect(offset >= 1 && offset <= 3_653)
                #expect(ext.seconds / 86_400 == Int64(today.daysSinceEpoch + offset), "the end of the chosen day")
            } else {
                #expect(offset < 1 || offset > 3_653)
            }
        }
    }
}
