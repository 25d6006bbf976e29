import Foundation

/// parleyd's own lines on standard output and standard error.
///
/// parleyd ignores SIGPIPE (`Parleyd.run`): a chat server must not stop because whatever read its output (a
/// `tee`, a log shipper) went away. A write to such a pipe then fails with EPIPE instead, which
/// FileHandle's old `write(_:)` would turn into a crash, so these use the throwing call and drop the failure:
/// there is nowhere left to say anything.
enum Output {
    static func say(_ text: String) {
        try? FileHandle.standardOutput.write(contentsOf: Data(text.utf8))
    }

    static func complain(_ text: String) {
        try? FileHandle.standardError.write(contentsOf: Data(text.utf8))
    }
}
