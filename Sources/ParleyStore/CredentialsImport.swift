import Foundation
import ParleyCore
import ParleyProtocol

/// Reads the prototype's `credentials.txt` (one `username password` per line) and turns the accounts that
/// do not exist yet into `createAccount` writes with hashed passwords. Bad lines are reported, not fatal.
public struct CredentialsImport {
    public struct Result: Sendable {
        public var writes: [StoreWrite]
        public var skippedExisting: Int
        /// Line numbers (1-based) that were not `username password` with valid values.
        public var rejectedLines: [Int]
    }

    public static func plan(contents: String, existing: Set<String>, hasher: PasswordHasher, now: Date) throws -> Result
    {
        var result = Result(writes: [], skippedExisting: 0, rejectedLines: [])
        var seen = existing
        // Any line break, CRLF included: "\r\n" is one Character, so splitting on "\n" would not see it.
        let lines = contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, line) in lines.enumerated() {
            let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
            if fields.isEmpty { continue }
            guard fields.count == 2, CredentialRules.isValidUsername(fields[0]),
                CredentialRules.isValidPassword(fields[1])
            else {
                result.rejectedLines.append(index + 1)
                continue
            }
            guard seen.insert(fields[0]).inserted else {
                result.skippedExisting += 1
                continue
            }
            let hash = PasswordHash(encoded: try hasher.hash(fields[1]))
            result.writes.append(.createAccount(name: fields[0], passwordHash: hash, at: now))
        }
        return result
    }
}
