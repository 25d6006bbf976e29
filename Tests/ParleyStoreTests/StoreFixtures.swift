import Foundation
import ParleyCore
import ParleyStore

/// A fresh directory under the system's temporary directory, removed when the value goes away.
final class TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent(
            "parley-store-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    deinit {
        try? FileManager.default.removeItem(at: url)
    }

    /// The path of `name` inside the directory.
    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    /// The bytes of every file in the directory whose name starts with `prefix` (a database and its WAL).
    func bytesOfFiles(startingWith prefix: String) throws -> [String: Data] {
        var result: [String: Data] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: url.path) where name.hasPrefix(prefix) {
            result[name] = try Data(contentsOf: url.appendingPathComponent(name))
        }
        return result
    }
}

/// Cheap scrypt parameters, so hashing in tests takes milliseconds.
let fastHasher = PasswordHasher(rounds: 1 << 10, blockSize: 8, parallelism: 1)
