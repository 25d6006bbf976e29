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

    /// 1–4096 characters, no line breaks, no NUL (which no terminal shows, and PostgreSQL's text cannot hold,
    /// so a stored message would fail in one store and not the other).
    public static func messageTextProblem(_ text: String) -> ErrorCode? {
        switch asciiMessageTextVerdict(text) {
        case .acceptable: return nil
        case .refused(let problem): return problem
        case .notASCII: break
        }
        if text.isEmpty || text.allSatisfy(\.isWhitespace) { return .invalidArguments }
        if text.contains(where: \.isNewline) || text.unicodeScalars.contains("\u{0}") { return .invalidArguments }
        // Counted in Unicode scalars, not in what a reader sees as one character: an emoji family is one
        // `Character` of 25 bytes, so 4,096 of them would not fit in a line (ProtocolLimits.defaultMaxLineBytes),
        // while 4,096 scalars do however they are escaped (12 bytes each at most, as a `\u` surrogate pair).
        if text.unicodeScalars.count > ProtocolLimits.maxMessageCharacters { return .messageTooLong }
        return nil
    }

    private enum Verdict {
        case acceptable
        case refused(ErrorCode)
        case notASCII
    }

    /// The same rule in one pass over the bytes when the text is ASCII (most chat is), since walking
    /// `Character`s three times was a visible part of every message's cost; over the string's own buffer
    /// where it has one (a native string always does), since stepping through `String.UTF8View` index by
    /// index was still 2 % of the server's time at full speed.
    private static func asciiMessageTextVerdict(_ text: String) -> Verdict {
        text.utf8.withContiguousStorageIfAvailable(asciiMessageTextVerdict) ?? asciiMessageTextVerdict(text.utf8)
    }

    private static func asciiMessageTextVerdict<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> Verdict {
        var onlyWhitespace = true
        for byte in bytes {
            guard byte < 0x80 else { return .notASCII }
            switch byte {
            case 0x0A...0x0D: return .refused(.invalidArguments)  // \n, vertical tab, form feed, \r: line breaks
            case 0x00: return .refused(.invalidArguments)
            case 0x09, 0x20: break
            default: onlyWhitespace = false
            }
        }
        if onlyWhitespace { return .refused(.invalidArguments) }  // also the empty text
        // All ASCII: one character per byte.
        return bytes.count > ProtocolLimits.maxMessageCharacters ? .refused(.messageTooLong) : .acceptable
    }
}
