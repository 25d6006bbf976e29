import Foundation

/// The `--credentials` file cannot be imported as a whole, in words (Foundation's say "The file isn't in the
/// correct format" with a domain and a code).
struct CredentialsFileProblem: Error, CustomStringConvertible {
    let path: String
    let problem: String

    var description: String { "cannot import \(path): \(problem)" }

    /// The file's text, or the reason there is none.
    static func read(_ path: String) throws -> String {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw CredentialsFileProblem(path: path, problem: "there is no such file")
        }
        guard !isDirectory.boolValue else { throw CredentialsFileProblem(path: path, problem: "it is a directory") }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw CredentialsFileProblem(path: path, problem: "it cannot be read (permissions?)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw CredentialsFileProblem(
                path: path, problem: "it is not UTF-8 text (convert it first, e.g. with iconv -f latin1 -t utf8)")
        }
        return text
    }
}
