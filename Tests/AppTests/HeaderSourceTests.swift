import Fluent
import Foundation
import ObservatoryCore
import PropertyBased
import Testing
import Vapor

@testable import App

/// Content-Disposition takes a file's name as typed by whoever uploaded it: generated hostile names never put a
/// control character or a quote into the header, and never make the server fail.
@Suite struct HeaderSourceTests {
    @Test(arguments: Engine.all)
    func attachmentNamesNeverReachAHeaderAsTyped(_ engine: Engine) async throws {
        try await withApp(engine) { app in
            let team = try await CaseTeam.make(app)
            let reporter = TestBrowser(app)
            let receipt = try await reporter.report(person: "Nadia", description: "a journalist", account: "Threats")
            #expect(receipt != nil)
            let cases = try await team.drafter.get("/office/cases").body
            let caseID = try #require(firstMatch("/office/cases/(case-[a-z0-9]{12})", in: cases))
            let casePath = "/office/cases/\(caseID)"
            try await team.drafter.get(casePath)
            await propertyCheck(count: 40, input: hostileText) { name in
                let file = (field: "files", filename: name + ".txt", data: Array("plain text".utf8))
                let page = try await team.drafter.postMultipart("\(casePath)/attachments", [], files: [file])
                #expect(page.status.code < 500, "upload named \(name.debugDescription)")
                expectSafeHeaders(page.headers, "upload named \(name.debugDescription)")
            }
            let body = try await team.drafter.get(casePath).body
            let regex = try NSRegularExpression(pattern: "\(casePath)/attachments/([A-Za-z0-9_-]+)")
            let ids = Set(
                regex.matches(in: body, range: NSRange(body.startIndex..., in: body))
                    .compactMap { Range($0.range(at: 1), in: body).map { String(body[$0]) } })
            #expect(ids.count >= 10, "most generated names were accepted (\(ids.count))")
            for id in ids {
                let file = try await team.drafter.get("\(casePath)/attachments/\(id)")
                #expect(file.status == .ok)
                expectSafeHeaders(file.headers, "attachment \(id)")
                let disposition = try #require(file.headers.first(name: .contentDisposition))
                #expect(disposition.hasPrefix("attachment; filename=\""))
                #expect(disposition.filter { $0 == "\"" }.count == 2, "\(disposition)")
            }
        }
    }
}
