import Foundation
import ParleyCore
import ParleyProtocol
import Testing

/// The exact words of SPEC sections 2 and 3 for every error a user can see, and secrets kept out of effects.
@Suite struct SpecTextTests {
    static let specTexts: [(ErrorCode, String)] = [
        (.wrongPassword, "Invalid Password. Please try again"),
        (.accountLockedNow, "Invalid Password. Your account has been blocked. Please try again later"),
        (.accountLocked, "Your account is blocked due to multiple login failures. Please try again later"),
        (.newUser, "This is a new user. Please confirm your password: "),
        (.passwordMismatch, "Passwords do not match. Please try again"),
        (.invalidUser, "Error. Invalid user"),
        (.alreadyLoggedIn, "This user is already logged in"),
        (.invalidCommand, "Error. Invalid command"),
        (.invalidArguments, "Error. Invalid command"),
        (.cannotMessageSelf, "Error. Cannot message yourself"),
        (.blockedByRecipient, "Your message could not be delivered as the recipient has blocked you"),
        (.messageTooLong, "Error. Message too long (max 4096 characters)"),
        (.cannotBlockSelf, "Error. Cannot block self"),
        (.cannotUnblockSelf, "Error. Cannot unblock self"),
        (.notBlocked, "Error. bob was not blocked"),
        (.cannotPrivateSelf, "Error. Cannot start private messaging with yourself"),
        (.userOffline, "Error. bob is offline"),
        (.blockedByUser, "Error. bob has blocked you"),
        (.privateAlreadyActive, "Error. Private messaging with bob is already active"),
        (.privateNotEnabled, "Error. Private messaging to bob not enabled"),
    ]

    @Test(arguments: specTexts)
    func errorTextIsTheSpecs(code: ErrorCode, text: String) {
        #expect(code.text(subject: "bob") == text)
        #expect(Reply.failure(.number(1), code, subject: "bob").error == ErrorBody(code: code, message: text))
    }

    @Test func everyErrorHasAText() {
        for code in ErrorCode.allCases {
            #expect(!code.text(subject: "bob").isEmpty, "\(code)")
        }
    }

    @Test func promptsAreTheSpecs() {
        #expect(Texts.welcome == "Welcome to the greatest messaging application ever!")
        #expect(Texts.confirmPasswordPrompt == ErrorCode.newUser.text())
        #expect(Texts.usernamePrompt == "Username: ")
        #expect(Texts.passwordPrompt == "Password: ")
    }

    /// Passwords go only to the hashing effects; the store gets the hasher's output and logs get nothing.
    @Test func passwordsNeverReachTheStoreOrTheLog() {
        let h = CoreHarness(accounts: ["alice"])
        let secret = "Sw0rdf1sh-unique"
        let connection = h.connectAndGreet()
        h.send(connection, .login(username: "alice", password: secret))
        h.send(connection, .register(username: "bob", password: secret, confirmation: secret))
        h.send(connection, .logout)
        h.send(h.connectAndGreet(), .login(username: "alice", password: "pw-alice"))
        #expect(h.persisted.contains(.createAccount(name: "bob", passwordHash: CoreHarness.hash(secret), at: h.now)))
        for effect in h.allEffects {
            switch effect {
            case .verifyPassword, .hashPassword, .persist(.createAccount):
                continue
            default:
                #expect(!"\(effect)".contains(secret), "\(effect)")
                #expect(!"\(effect)".contains("pw-alice"), "\(effect)")
            }
        }
    }
}
