import Foundation
import ParleyStore
import Testing

/// scrypt password hashes: self-describing, salted, verified in constant time, malformed ones never match.
@Suite struct PasswordHasherTests {
    @Test func aHashNamesItsParametersSaltAndKey() throws {
        let encoded = try fastHasher.hash("correct horse")
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        #expect(parts.count == 6)
        #expect(Array(parts.prefix(4)) == ["scrypt", "1024", "8", "1"])
        #expect(Data(base64Encoded: parts[4])?.count == 16)
        #expect(Data(base64Encoded: parts[5])?.count == 32)
        #expect(!encoded.contains("correct horse"))
    }

    @Test func theSamePasswordGetsADifferentSaltEachTime() throws {
        let first = try fastHasher.hash("secret")
        let second = try fastHasher.hash("secret")
        #expect(first != second)
        #expect(first.split(separator: "$")[4] != second.split(separator: "$")[4])
        #expect(fastHasher.verify("secret", against: first))
        #expect(fastHasher.verify("secret", against: second))
    }

    @Test func theRightPasswordMatchesAndOthersDoNot() throws {
        let encoded = try fastHasher.hash("Tr0ub4dor&3")
        #expect(fastHasher.verify("Tr0ub4dor&3", against: encoded))
        for wrong in ["tr0ub4dor&3", "Tr0ub4dor&", "Tr0ub4dor&33", "", " Tr0ub4dor&3"] {
            #expect(!fastHasher.verify(wrong, against: encoded), "\(wrong)")
        }
    }

    @Test func nonASCIIPasswordsWork() throws {
        let encoded = try fastHasher.hash("pässwörd-🔑")
        #expect(fastHasher.verify("pässwörd-🔑", against: encoded))
        #expect(!fastHasher.verify("passwort-🔑", against: encoded))
    }

    @Test func verificationUsesTheParametersStoredInTheHash() throws {
        let encoded = try fastHasher.hash("secret")
        let otherHasher = PasswordHasher(rounds: 1 << 11, blockSize: 4, parallelism: 2)
        #expect(otherHasher.verify("secret", against: encoded))
        #expect(!otherHasher.verify("Secret", against: encoded))
    }

    @Test func malformedHashesNeverMatch() throws {
        let good = try fastHasher.hash("secret")
        let parts = good.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        func with(_ index: Int, _ value: String) -> String {
            var copy = parts
            copy[index] = value
            return copy.joined(separator: "$")
        }
        let malformed = [
            "", "secret", "scrypt", "h:secret", parts.dropLast().joined(separator: "$"), good + "$extra",
            with(0, "bcrypt"), with(1, "many"), with(1, "1000"), with(1, "0"), with(1, "1"), with(1, "-1024"),
            with(1, "\(Int.min)"), with(1, "\(1 << 62)"), with(2, "x"), with(2, "0"), with(2, "-8"),
            with(2, "\(Int.max)"), with(3, "0"), with(3, "-1"), with(3, "\(Int.max)"),
            with(4, "not base64!"), with(5, "not base64!"), with(5, ""),
            with(5, Data(repeating: 0, count: 32).base64EncodedString()),
        ]
        for encoded in malformed {
            #expect(!fastHasher.verify("secret", against: encoded), "\(encoded)")
        }
    }

    @Test func aTamperedKeyDoesNotMatch() throws {
        let good = try fastHasher.hash("secret")
        var parts = good.split(separator: "$", omittingEmptySubsequences: false).map(String.init)
        var key = try #require(Data(base64Encoded: parts[5]))
        key[0] ^= 1
        parts[5] = key.base64EncodedString()
        #expect(!fastHasher.verify("secret", against: parts.joined(separator: "$")))
    }

    @Test func theStandardParametersAreScryptsInteractiveOnes() {
        #expect(PasswordHasher.standard.rounds == 1 << 14)
        #expect(PasswordHasher.standard.blockSize == 8)
        #expect(PasswordHasher.standard.parallelism == 1)
    }
}
