/// The rules for usernames and passwords (SPEC section 2, rule 6).
public enum CredentialRules {
    /// 1–32 characters of `A–Z a–z 0–9 . _ -`, case-sensitive.
    public static func isValidUsername(_ name: String) -> Bool {
        let scalars = name.unicodeScalars
        guard (1...32).contains(scalars.count) else { return false }
        return scalars.allSatisfy { scalar in
            switch scalar {
            case "A"..."Z", "a"..."z", "0"..."9", ".", "_", "-": true
            default: false
            }
        }
    }

    /// 1–128 characters without whitespace.
    public static func isValidPassword(_ password: String) -> Bool {
        (1...128).contains(password.count) && !password.contains(where: \.isWhitespace)
    }

    /// 1–4096 characters, no line breaks.
    public static func messageTextProblem(_ text: String) -> ErrorCode? {
        if text.isEmpty || text.allSatisfy(\.isWhitespace) { return .invalidArguments }
        if text.contains(where: \.isNewline) { return .invalidArguments }
        if text.count > ProtocolLimits.maxMessageCharacters { return .messageTooLong }
        return nil
    }
}
