import GRDB

/// The schema, as named, append-only migrations. Never edit a shipped migration; add a new one.
enum StoreMigrations {
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1: accounts, blocks, waiting messages, sessions") { db in
            try db.create(table: "accounts") { t in
                t.primaryKey("name", .text)
                t.column("password_hash", .text).notNull()
                t.column("failed_attempts", .integer).notNull().defaults(to: 0)
                t.column("locked_until", .double)
                t.column("created_at", .double).notNull()
            }
            try db.create(table: "blocks") { t in
                t.column("blocker", .text).notNull().references("accounts", onDelete: .cascade)
                t.column("blocked", .text).notNull().references("accounts", onDelete: .cascade)
                t.primaryKey(["blocker", "blocked"])
            }
            try db.create(table: "waiting_messages") { t in
                t.primaryKey("id", .integer)
                t.column("sender", .text).notNull()
                t.column("recipient", .text).notNull().indexed()
                t.column("text", .text).notNull()
                t.column("sent_at", .double).notNull()
            }
            try db.create(table: "sessions") { t in
                t.autoIncrementedPrimaryKey("id")
                t.column("name", .text).notNull().indexed()
                t.column("login_at", .double).notNull()
                t.column("logout_at", .double)
            }
        }
        // The login history grows by a row per login. Indexed on the name alone, a logout looked through
        // all of the user's earlier sessions for the open one, and a start grouped the whole table for each
        // user's last logout: with 3 million sessions, 4-6 ms per logout on the store's one writer and 4 s to
        // start (docs/BENCHMARKS.md). These two answer both in steps that do not grow with the history.
        migrator.registerMigration("v2: sessions indexed for the open one and each user's last logout") { db in
            try db.create(index: "sessions_on_name_logout_at", on: "sessions", columns: ["name", "logout_at"])
            try db.create(
                index: "sessions_open", on: "sessions", columns: ["name"], condition: Column("logout_at") == nil)
            try db.drop(index: "sessions_on_name")
        }
        // Sessions that ended long ago are forgotten (`SQLiteStore.forgetLoginHistory`); this finds them
        // without reading the whole history.
        migrator.registerMigration("v3: sessions indexed by when they ended") { db in
            try db.create(index: "sessions_on_logout_at", on: "sessions", columns: ["logout_at"])
        }
        // Resume grants (`ChatCore+Resume`): at most one per account, the token's digest and when its session
        // ended (NULL while it lasts).
        migrator.registerMigration("v4: resume grants") { db in
            try db.create(table: "resume_grants") { t in
                t.primaryKey("name", .text).references("accounts", onDelete: .cascade)
                t.column("token_digest", .text).notNull()
                t.column("ended_at", .double)
            }
        }
        return migrator
    }
}
