/// The PostgreSQL schema, as named, append-only migrations (never edit a shipped one; add a new one). Each runs
/// in its own transaction and is recorded in `parley_migrations`, so a start applies only what is missing.
///
/// The tables are the SQLite store's (`StoreMigrations`), in one step since this store began with all of
/// them: times are seconds since 1970 as `double precision`, as there, so both stores give the core the same
/// dates; the login history has the same three indexes (its open session per user, each user's last logout,
/// sessions by when they ended).
enum PostgresSchema {
    struct Migration {
        let name: String
        let statements: [String]
    }

    static let bookkeeping = """
        CREATE TABLE IF NOT EXISTS parley_migrations (
            name text PRIMARY KEY,
            applied_at timestamptz NOT NULL DEFAULT now())
        """

    static let migrations: [Migration] = [
        Migration(
            name: "v1: accounts, blocks, waiting messages, sessions",
            statements: [
                """
                CREATE TABLE accounts (
                    name text PRIMARY KEY,
                    password_hash text NOT NULL,
                    failed_attempts integer NOT NULL DEFAULT 0,
                    locked_until double precision,
                    created_at double precision NOT NULL)
                """,
                """
                CREATE TABLE blocks (
                    blocker text NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
                    blocked text NOT NULL REFERENCES accounts (name) ON DELETE CASCADE,
                    PRIMARY KEY (blocker, blocked))
                """,
                """
                CREATE TABLE waiting_messages (
                    id bigint PRIMARY KEY,
                    sender text NOT NULL,
                    recipient text NOT NULL,
                    text text NOT NULL,
                    sent_at double precision NOT NULL)
                """,
                "CREATE INDEX waiting_messages_on_recipient ON waiting_messages (recipient)",
                """
                CREATE TABLE sessions (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    name text NOT NULL,
                    login_at double precision NOT NULL,
                    logout_at double precision)
                """,
                "CREATE INDEX sessions_on_name_logout_at ON sessions (name, logout_at)",
                "CREATE INDEX sessions_open ON sessions (name) WHERE logout_at IS NULL",
                "CREATE INDEX sessions_on_logout_at ON sessions (logout_at)",
            ]),
        Migration(
            name: "v2: resume grants",
            statements: [
                """
                CREATE TABLE resume_grants (
                    name text PRIMARY KEY REFERENCES accounts (name) ON DELETE CASCADE,
                    token_digest text NOT NULL,
                    ended_at double precision)
                """
            ]),
        Migration(
            name: "v3: the last batch committed",
            statements: [
                // One row: each batch writes its own mark here, so a batch whose connection broke while it
                // committed can be asked about afterwards (PostgresStore.apply).
                "CREATE TABLE parley_last_batch (mark bigint NOT NULL)",
                "INSERT INTO parley_last_batch (mark) VALUES (0)",
            ]),
    ]
}
