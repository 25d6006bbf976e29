import Foundation
import ParleyServer
import ParleyTesting
import Testing

#if canImport(Glibc)
    import Glibc
#endif

/// One server per database: a second one is refused while the first runs, and welcome once it has stopped,
/// by which time the database is one closed file.
@Suite struct DatabaseLockTests {
    @Test func aSecondServerOnTheSameDatabaseIsRefusedUntilTheFirstStops() async throws {
        var options = ServerOptions()
        options.databasePath = TestDirectory.fresh().appendingPathComponent("parley.db").path
        let database = try #require(options.databasePath)
        let first = try await TestServer.start(options)
        await #expect {
            try await options.start()
        } throws: { error in
            "\(error)"
                == "the database \(database) is in use by another parleyd (process \(getpid())); stop that one first, "
                + "or give this one another --database"
        }
        // The first one carries on.
        let alice = try await first.login("alice")
        try await alice.ok(.whoelse)
        try await first.stop()

        let second = try await TestServer.start(options)
        try await second.login("alice").ok(.whoelse)
        try await second.stop()
    }

    @Test func aStoppedServerHasClosedTheDatabaseBeforeItIsFreed() async throws {
        var options = ServerOptions()
        options.databasePath = TestDirectory.fresh().appendingPathComponent("parley.db").path
        let database = try #require(options.databasePath)
        let server = try await TestServer.start(options)
        try await server.login("alice").ok(.whoelse)
        #expect(FileManager.default.fileExists(atPath: database + "-wal"))
        try await server.stop()
        // Still referenced here, so nothing has been freed: the store was closed by `shutdown` itself, and
        // SQLite folded the WAL into the database file as it closed the last connection.
        #expect(!FileManager.default.fileExists(atPath: database + "-wal"))
        withExtendedLifetime(server) {}
    }

    @Test func theLockFileNamesTheServerHoldingIt() async throws {
        var options = ServerOptions()
        options.databasePath = TestDirectory.fresh().appendingPathComponent("parley.db").path
        let database = try #require(options.databasePath)
        try await options.run { _ in
            let holder = try String(contentsOfFile: database + ".lock", encoding: .utf8)
            #expect(holder == "\(getpid())\n")
        }
    }
}
