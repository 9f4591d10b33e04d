import ObservatoryCore
import Vapor

/// `observatory key new`: prints a new encryption key for confidential fields (for `OBSERVATORY_KEY_FILE`).
struct KeyCommand: AsyncCommand {
    struct Signature: CommandSignature {
        @Argument(name: "action", help: "new")
        var action: String
    }

    var help: String { "Prints a new key for OBSERVATORY_KEY_FILE / OBSERVATORY_KEY (keep it apart from the database backups)." }

    struct Failure: Error, CustomStringConvertible { let description: String }

    func run(using context: CommandContext, signature: Signature) async throws {
        guard signature.action == "new" else { throw Failure(description: "key: unknown action \(signature.action.prefix(20)); use: key new") }
        context.console.print(FieldCipher.newKeyText())
    }
}
