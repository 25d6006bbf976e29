import Foundation
import ParleyCore
import ParleyProtocol

/// Reads the prototype's `credentials.txt` (one `username password` per line) and turns the accounts that
/// do not exist yet into `createAccount` writes with hashed passwords. Bad lines are reported, not fatal.
public struct CredentialsImport {
    public struct Result: Sendable {
        public var writes: [StoreWrite]
        /// Accounts the database had already (left as they are).
        public var skippedExisting: Int
        /// Lines (1-based) naming an account an earlier line of the file named: the first line wins.
        public var repeatedLines: [Int] = []
        /// Lines (1-based) that are not `username password` with valid values, and why (never the line itself,
        /// which holds a password).
        public var rejected: [(line: Int, reason: String)] = []

        public var rejectedLines: [Int] { rejected.map(\.line) }
    }

    public static func plan(contents: String, existing: Set<String>, hasher: PasswordHasher, now: Date) throws -> Result
    {
        var result = Result(writes: [], skippedExisting: 0)
        var fromFile: Set<String> = []
        // Any line break, CRLF included: "\r\n" is one Character, so splitting on "\n" would not see it.
        let lines = contents.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline)
        for (index, line) in lines.enumerated() {
            let fields = line.split(whereSeparator: \.isWhitespace).map(String.init)
            if fields.isEmpty { continue }
            let problem: String? =
                if fields.count != 2 {
                    "not two fields, `username password` (\(fields.count) found)"
                } else if !CredentialRules.isValidUsername(fields[0]) {
                    ErrorCode.invalidUsername.text()
                } else if !CredentialRules.isValidPassword(fields[1]) {
                    ErrorCode.invalidPassword.text()
                } else {
                    nil
                }
            if let problem {
                result.rejected.append((index + 1, problem))
                continue
            }
            guard fromFile.insert(fields[0]).inserted else {
                result.repeatedLines.append(index + 1)
                continue
            }
            guard !existing.contains(fields[0]) else {
                result.skippedExisting += 1
                continue
            }
            let hash = PasswordHash(encoded: try hasher.hash(fields[1]))
            result.writes.append(.createAccount(name: fields[0], passwordHash: hash, at: now))
        }
        return result
    }
}
