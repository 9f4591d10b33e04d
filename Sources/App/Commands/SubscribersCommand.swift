import Fluent
import Foundation
import ObservatoryCore
import Vapor

/// `observatory subscribers import --file FILE`: brings an existing mailing list over (its people already agreed, so
/// they are active at once). One subscriber a line: `address[,languages[,scope[,bulletin]]]`, e.g.
/// `ana@example.org,fr;en,all,bulletin`. Bad lines are named and skipped; known addresses are left as they are.
struct SubscribersCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "import or count")
        var action: String
        @Option(name: "file", help: "The list to import.")
        var file: String?
    }

    var help: String {
        "Imports an existing list of subscribers (address[,languages[,scope[,bulletin]]] a line), or counts them."
    }

    func run(using context: CommandContext, signature: Signature) async throws {
        let app = context.application
        try await migrateStorage(app)
        switch signature.action {
        case "count":
            let counts = try await MailQueue.counts(on: app.db).subscribers
            for status in ["active", "pending", "unsubscribed", "bounced"] {
                context.console.print("\(status)\t\(counts[status] ?? 0)")
            }
        case "import":
            guard let path = signature.file, let text = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw CommandFailure("subscribers import: cannot read \(signature.file ?? "(no file given)")")
            }
            var rejected = 0
            let now = app.site.clock.now(), cipher = app.site.cipher
            var good: [(String, SubscriptionPreferences)] = []
            for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                let line = raw.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !line.isEmpty, !line.hasPrefix("#") else { continue }
                switch Self.parse(line) {
                case .failure(let problem):
                    rejected += 1
                    standardError("line \(index + 1): \(problem.description)")
                case .success(let parsed): good.append(parsed)
                }
            }
            // Every subscriber and the entry that records them commit together, or none of them.
            let (added, known) = try await app.db.write { [good, rejected] tx in
                var added = 0, known = 0
                for (email, preferences) in good {
                    let (subscriber, kind) = try await SubscriberStore.request(
                        email: email, preferences: preferences,
                        now: now, cipher: cipher, on: tx)
                    if kind == "manage" { known += 1; continue }
                    try await SubscriberStore.setStatus(subscriber.id, .active, now: now, on: tx)
                    added += 1
                }
                try await AuditLog.record(
                    AuditEvent(
                        actor: "command line", action: "subscribers.import",
                        detail: "\(added) added, \(known) known, \(rejected) rejected"),
                    now: now, on: tx)
                return (added, known)
            }
            context.console.print(
                "Imported \(path): \(added) added, \(known) already subscribed, \(rejected) rejected.")
            if rejected > 0 { throw CommandFailure("subscribers import: \(rejected) line(s) rejected") }
        default:
            throw CommandFailure(
                "subscribers: unknown action \(signature.action.prefix(20)); use import --file FILE, or count")
        }
    }

    struct Problem: Error, CustomStringConvertible { let description: String }

    static func parse(_ line: String) -> Result<(String, SubscriptionPreferences), Problem> {
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        let email = AccountStore.normalise(email: fields[0])
        guard AccountStore.isPlausible(email: email), MIME.isSafeAddress(email) else {
            return .failure(Problem(description: "address: not an e-mail address"))
        }
        var languages: [Language] = [.en]
        if fields.count > 1, !fields[1].isEmpty {
            languages = fields[1].split(separator: ";").compactMap { Language(rawValue: String($0)) }
            guard languages.count == fields[1].split(separator: ";").count else {
                return .failure(Problem(description: "languages: use en, fr, es, ar separated by ;"))
            }
        }
        var scope = SubscriptionPreferences.Scope.all
        if fields.count > 2, !fields[2].isEmpty {
            guard let chosen = SubscriptionPreferences.Scope(rawValue: fields[2]), chosen != .selected else {
                return .failure(Problem(description: "scope: use all or none"))
            }
            scope = chosen
        }
        let bulletin = fields.count > 3 && fields[3] == "bulletin"
        if fields.count > 3 && !fields[3].isEmpty && !bulletin {
            return .failure(Problem(description: "bulletin: write bulletin or leave empty"))
        }
        let preferences = SubscriptionPreferences(languages: languages, scope: scope, bulletin: bulletin)
        if preferences.problem != nil {
            return .failure(Problem(description: "scope: none without the bulletin would send nothing"))
        }
        return .success((email, preferences))
    }
}
