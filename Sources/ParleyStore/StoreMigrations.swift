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
        return migrator
    }
}
