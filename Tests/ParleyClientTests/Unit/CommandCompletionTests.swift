import ParleyClient
import Testing

@Suite("What Tab completes at the command prompt")
struct CommandCompletionTests {
    private let users = ["bob", "bobby", "carol"]

    private func candidates(_ previousWords: [String], _ partial: String) -> [String] {
        CommandCompletion.candidates(previousWords: previousWords, partial: partial, users: users)
    }

    @Test func theFirstWordIsACommandName() {
        #expect(candidates([], "mes") == ["message"])
        #expect(candidates([], "who") == ["whoelse", "whoelsesince"])
        #expect(candidates([], "blo") == ["block", "blocked"])
        #expect(candidates([], "zz") == [])
    }

    @Test func aUserWhereTheCommandTakesOne() {
        #expect(candidates(["message"], "bo") == ["bob", "bobby"])
        #expect(candidates(["block"], "") == users)
        #expect(candidates(["startprivate"], "c") == ["carol"])
    }

    @Test func nothingWhereTheCommandTakesSomethingElseOrNothingMore() {
        #expect(candidates(["message", "bob"], "bo") == [])  // TEXT
        #expect(candidates(["broadcast"], "bo") == [])
        #expect(candidates(["whoelsesince"], "1") == [])
        #expect(candidates(["whoelse"], "b") == [])
        #expect(candidates(["block", "bob"], "c") == [])
        #expect(candidates(["nonsense"], "b") == [])
    }
}
