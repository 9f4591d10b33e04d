import Testing

@testable import ObservatoryCore

@Suite struct CivilDateTests {
    @Test func parsesRealDatesAndRejectsImpossibleOnes() {
        // act / assert
        #expect(CivilDate("2018-01-19")?.longEnglish == "January 19, 2018")
        #expect(CivilDate("2020-02-29") != nil)
        #expect(CivilDate("2019-02-29") == nil)
        #expect(CivilDate("2019-02-30") == nil)
        #expect(CivilDate("2019-13-01") == nil)
        #expect(CivilDate("2019-1-01") == nil)
        #expect(CivilDate("19-01-2019") == nil)
        #expect(CivilDate("2019-01-01T00:00") == nil)
        #expect(CivilDate("２０１９-01-01") == nil)
    }

    @Test func daysSinceEpochRoundTrips() {
        for days in stride(from: -30_000, to: 60_000, by: 97) {
            #expect(CivilDate(daysSinceEpoch: days).daysSinceEpoch == days)
        }
        #expect(CivilDate(daysSinceEpoch: 0).description == "1970-01-01")
        #expect(CivilDate("2024-03-01")!.adding(days: -1).description == "2024-02-29")
    }
}

@Suite struct ReferenceCodeTests {
    @Test func parsesAndPrintsTheArchiveScheme() throws {
        let code = try #require(ReferenceCode("MEX 001 / 0916 / OBS 077"))
        #expect(code.alpha3 == "MEX")
        #expect(code.countrySerial == 1)
        #expect(code.month == 9)
        #expect(code.year == 16)
        #expect(code.observatorySerial == 77)
        #expect(code.followUp == nil)
        #expect(code.description == "MEX 001 / 0916 / OBS 077")
        #expect(code.followUp(2).description == "MEX 001 / 0916 / OBS 077.2")
        #expect(ReferenceCode("MEX 001 / 0916 / OBS 077.2")?.original == code)
    }

    @Test(arguments: [
        "", "MEX 001 / 1316 / OBS 077", "mex 001 / 0916 / OBS 077", "MEX 001 / 0916 / ABC 077",
        "MEX / 0916 / OBS 077", "MEX 001 / 0916 / OBS 077.", "MEX 001 / 0916 / OBS 077.0", "MEXICO 001 / 0916 / OBS 1"
    ])
    func rejectsMalformedCodes(_ text: String) {
        #expect(ReferenceCode(text) == nil)
    }
}

@Suite struct CountryDirectoryTests {
    let directory = CountryDirectory.shared

    @Test func resolvesCodesInAnyCase() {
        #expect(directory.resolve("MX")?.name == "Mexico")
        #expect(directory.resolve("mx")?.code == "MX")
        #expect(directory.resolve("EU")?.name == "European Union (EU)")
        #expect(directory.country(code: "ZZ") == nil)
    }

    @Test(arguments: [
        ("Russian Federation", "RU"), ("Congo, Democratic Republic", "CD"), ("Lao People's Democ. Rep.", "LA"),
        ("Lao People's Democratic Republic", "LA"), ("European Union (EU)", "EU"), ("cote d'ivoire", "CI"),
        ("Viet Nam", "VN"), ("Palestine, State of", "PS"), ("Tanzania, United Republic of", "TZ"), ("  Mexico ", "MX")
    ])
    func resolvesArchiveNamesAndLegacySpellings(_ name: String, _ code: String) {
        #expect(directory.resolve(name)?.code == code)
    }

    @Test func knowsEveryISOCountryPlusTheEU() {
        #expect(directory.all.count == 250)
        #expect(directory.resolve("Atlantis") == nil)
        #expect(directory.resolve("") == nil)
    }
}

@Suite struct HTMLTests {
    @Test func interpolationEscapesTextAndKeepsMarkup() {
        let name = "<script>alert('x')</script> & \"q\""
        let inner: HTML = "<b>ok</b>"
        let html: HTML = "<p title=\"\(name)\">\(name)\(inner)</p>"
        #expect(
            html.rendered
                == """
                <p title=\"&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; \
                &quot;q&quot;\">&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;<b>ok</b></p>
                """
        )
    }
}
