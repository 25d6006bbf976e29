import ParleyProtocol
import Testing

@Suite struct RulesAndTextsTests {
    @Test func usernames() {
        #expect(CredentialRules.isValidUsername("a"))
        #expect(CredentialRules.isValidUsername("Alice.B_c-9"))
        #expect(CredentialRules.isValidUsername(String(repeating: "x", count: 32)))
        #expect(!CredentialRules.isValidUsername(String(repeating: "x", count: 33)))
        #expect(!CredentialRules.isValidUsername(""))
        #expect(!CredentialRules.isValidUsername("al ice"))
        #expect(!CredentialRules.isValidUsername("émile"))
    }

    @Test func passwords() {
        #expect(CredentialRules.isValidPassword("p"))
        #expect(CredentialRules.isValidPassword(String(repeating: "x", count: 128)))
        #expect(!CredentialRules.isValidPassword(String(repeating: "x", count: 129)))
        #expect(!CredentialRules.isValidPassword("with space"))
        #expect(!CredentialRules.isValidPassword(""))
    }

    @Test func messageText() {
        #expect(CredentialRules.messageTextProblem("hi") == nil)
        #expect(CredentialRules.messageTextProblem(String(repeating: "é", count: 4096)) == nil)
        #expect(CredentialRules.messageTextProblem(String(repeating: "é", count: 4097)) == .messageTooLong)
        #expect(CredentialRules.messageTextProblem("") == .invalidArguments)
        #expect(CredentialRules.messageTextProblem("two\nlines") == .invalidArguments)
        #expect(CredentialRules.messageTextProblem("nul\u{0}inside") == .invalidArguments)
        #expect(CredentialRules.messageTextProblem("é nul\u{0}inside") == .invalidArguments)
        // Characters are Unicode scalars: what fits in 4,096 of them fits in a line however it is escaped.
        #expect(CredentialRules.messageTextProblem(String(repeating: "😀", count: 4096)) == nil)
        #expect(CredentialRules.messageTextProblem(String(repeating: "e\u{301}", count: 2049)) == .messageTooLong)
        let family = "👨‍👩‍👧‍👦"
        #expect(CredentialRules.messageTextProblem(String(repeating: family, count: 585)) == nil)  // 4,095 scalars
        #expect(CredentialRules.messageTextProblem(String(repeating: family, count: 2700)) == .messageTooLong)
    }

    @Test func asciiTextFollowsTheSameRuleAsAnyOtherText() {
        // The rule stated over Characters and scalars, as the slow path applies it to non-ASCII text.
        func reference(_ text: String) -> ErrorCode? {
            if text.isEmpty || text.allSatisfy(\.isWhitespace) || text.contains(where: \.isNewline)
                || text.unicodeScalars.contains("\u{0}")
            {
                return .invalidArguments
            }
            return text.unicodeScalars.count > ProtocolLimits.maxMessageCharacters ? .messageTooLong : nil
        }
        for byte in UInt8(0)..<0x80 {
            let character = String(UnicodeScalar(byte))
            for text in [character, "a" + character + "b", " " + character, character + character] {
                #expect(CredentialRules.messageTextProblem(text) == reference(text), "byte \(byte)")
            }
        }
        for text in [
            "\t \t", "\r\n", String(repeating: "x", count: 4096), String(repeating: "x", count: 4097),
            String(repeating: " ", count: 5000),
        ] {
            #expect(CredentialRules.messageTextProblem(text) == reference(text))
        }
    }

    @Test func errorTextsNameTheirSubject() {
        #expect(ErrorCode.notBlocked.text(subject: "bob") == "Error. bob was not blocked")
        #expect(ErrorCode.userOffline.text(subject: "bob") == "Error. bob is offline")
        #expect(ErrorCode.blockedByUser.text(subject: "bob") == "Error. bob has blocked you")
        #expect(
            ErrorCode.privateAlreadyActive.text(subject: "bob") == "Error. Private messaging with bob is already active"
        )
        #expect(ErrorCode.privateNotEnabled.text(subject: "bob") == "Error. Private messaging to bob not enabled")
    }

    @Test func everyCodeHasAText() {
        for code in ErrorCode.allCases {
            #expect(!code.text().isEmpty)
        }
        #expect(Set(ErrorCode.allCases.map(\.rawValue)).count == ErrorCode.allCases.count)
    }

    @Test func anIPv6AddressIsBracketedBeforeItsPort() {
        #expect(Texts.endpoint(host: "127.0.0.1", port: 4000) == "127.0.0.1:4000")
        #expect(Texts.endpoint(host: "chat.example.org", port: 4000) == "chat.example.org:4000")
        #expect(Texts.endpoint(host: "::1", port: 4000) == "[::1]:4000")
        #expect(Texts.cannotConnect(host: "::", port: 1, reason: "why") == "Cannot connect to [::]:1: why")
    }
}
