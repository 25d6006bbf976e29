import Crypto
import Foundation
import _CryptoExtras

/// Hashes and checks passwords with scrypt (swift-crypto), a fresh random salt per account, and the
/// parameters stored with the hash: `scrypt$N$r$p$SALT$HASH` (base64). Hashing is deliberately slow,
/// so callers run it off the event loops.
public struct PasswordHasher: Sendable {
    public var rounds: Int
    public var blockSize: Int
    public var parallelism: Int

    /// scrypt's interactive-login parameters: N = 2^14, r = 8, p = 1 (about 16 MiB and tens of ms).
    public static let standard = PasswordHasher(rounds: 1 << 14, blockSize: 8, parallelism: 1)

    public init(rounds: Int, blockSize: Int, parallelism: Int) {
        self.rounds = rounds
        self.blockSize = blockSize
        self.parallelism = parallelism
    }

    public func hash(_ password: String) throws -> String {
        var salt = [UInt8](repeating: 0, count: 16)
        var generator = SystemRandomNumberGenerator()
        for index in salt.indices { salt[index] = generator.next() }
        let derived = try derive(password, salt: salt, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        return [
            "scrypt", "\(rounds)", "\(blockSize)", "\(parallelism)", Data(salt).base64EncodedString(),
            derived.base64EncodedString(),
        ]
        .joined(separator: "$")
    }

    /// Whether `password` matches `encoded`. A malformed hash never matches.
    public func verify(_ password: String, against encoded: String) -> Bool {
        let parts = encoded.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 6, parts[0] == "scrypt",
            let rounds = Int(parts[1]), let blockSize = Int(parts[2]), let parallelism = Int(parts[3]),
            Self.acceptable(rounds: rounds, blockSize: blockSize, parallelism: parallelism),
            let salt = Data(base64Encoded: String(parts[4])), let expected = Data(base64Encoded: String(parts[5])),
            let derived = try? derive(
                password, salt: salt, rounds: rounds, blockSize: blockSize, parallelism: parallelism)
        else { return false }
        return Self.constantTimeEquals(derived, expected)
    }

    /// Whether stored parameters are safe to run: scrypt traps (rather than throws) on negative or overflowing
    /// ones, and a corrupt hash must not ask for unbounded memory. `parleyd` hashes with at most N = 2^20, r = 8.
    private static func acceptable(rounds: Int, blockSize: Int, parallelism: Int) -> Bool {
        (2...(1 << 20)).contains(rounds) && rounds & (rounds - 1) == 0 && (1...16).contains(blockSize)
            && (1...16).contains(parallelism)
    }

    private func derive<Salt: DataProtocol>(
        _ password: String, salt: Salt, rounds: Int, blockSize: Int, parallelism: Int
    ) throws -> Data {
        let key = try KDF.Scrypt.deriveKey(
            from: Array(password.utf8), salt: salt, outputByteCount: 32, rounds: rounds, blockSize: blockSize,
            parallelism: parallelism)
        return key.withUnsafeBytes { Data($0) }
    }

    private static func constantTimeEquals(_ a: Data, _ b: Data) -> Bool {
        guard a.count == b.count else { return false }
        var difference: UInt8 = 0
        for (x, y) in zip(a, b) { difference |= x ^ y }
        return difference == 0
    }
}
