import ParleyProtocol
import Testing

@testable import ParleyClient

@Suite("Showing the reply to a command")
struct ReplyRenderingTests {
    private func lines(_ request: PendingRequest, _ reply: Reply) -> [String] {
        ReplyRendering.lines(for: request, reply: reply)
    }

    @Test func messageDeliveredNowSaysNothing() {
        #expect(lines(.message(to: "bob"), Reply(id: .number(1))) == [])
    }

    @Test func messageStoredForLater() {
        #expect(
            lines(.message(to: "bob"), Reply(id: .number(1), stored: true))
                == ["bob is offline; the message will be delivered when they log in"])
    }

    @Test func broadcastPartlyBlocked() {
        #expect(lines(.broadcast, Reply(id: .number(1))) == [])
        #expect(
            lines(.broadcast, Reply(id: .number(1), partial: true))
                == ["Your message could not be delivered to some recipients"])
    }

    @Test func blockedListsUsersOneAPerLineOrSaysThereAreNone() {
        #expect(lines(.blocked, Reply(id: .number(1), users: ["bob", "carol"])) == ["bob", "carol"])
        #expect(lines(.blocked, Reply(id: .number(1), users: [])) == ["You have not blocked anyone"])
    }

    @Test func aChangedPassword() {
        #expect(lines(.changePassword, Reply(id: .number(1))) == ["Your password has been changed"])
        #expect(
            lines(.changePassword, .failure(.number(1), .wrongCurrentPassword))
                == ["Error. That is not your current password; your password was not changed"])
    }

    @Test func whoelseListsUsersOneAPerLine() {
        #expect(lines(.whoelse, Reply(id: .number(1), users: ["bob", "carol"])) == ["bob", "carol"])
        #expect(lines(.whoelse, Reply(id: .number(1), users: [])) == ["No other users are online"])
    }

    @Test func whoelsesinceListsUsersOrSaysNone() {
        #expect(lines(.whoelsesince(seconds: 30), Reply(id: .number(1), users: ["bob"])) == ["bob"])
        #expect(
            lines(.whoelsesince(seconds: 30), Reply(id: .number(1), users: []))
                == ["No other users were online in the last 30 seconds"])
    }

    @Test func blockAndUnblock() {
        #expect(lines(.block(user: "bob"), Reply(id: .number(1))) == ["bob is blocked"])
        #expect(lines(.unblock(user: "bob"), Reply(id: .number(1))) == ["bob is unblocked"])
    }

    @Test func privateRequestsAndEnd() {
        #expect(
            lines(.startPrivate(user: "bob"), Reply(id: .number(1))) == ["Waiting for bob to accept private messaging"])
        #expect(lines(.stopPrivate(user: "bob"), Reply(id: .number(1))) == ["Private messaging with bob has ended"])
        #expect(lines(.answerPrivate(user: "bob", accept: true), Reply(id: .number(1))) == [])
        // Declining is said (accepting is, by the session starting).
        #expect(
            lines(.answerPrivate(user: "bob", accept: false), Reply(id: .number(1)))
                == ["You declined private messaging with bob"])
    }

    @Test func logoutSaysGoodbye() {
        #expect(lines(.logout, Reply(id: .number(1))) == ["Goodbye"])
    }

    @Test(arguments: [
        (PendingRequest.message(to: "bob"), ErrorCode.invalidUser, "Error. Invalid user"),
        (.message(to: "me"), .cannotMessageSelf, "Error. Cannot message yourself"),
        (
            .message(to: "bob"), .blockedByRecipient,
            "Your message could not be delivered as the recipient has blocked you"
        ),
        (.message(to: "bob"), .messageTooLong, "Error. Message too long (max 4096 characters)"),
        (.block(user: "me"), .cannotBlockSelf, "Error. Cannot block self"),
        (.unblock(user: "me"), .cannotUnblockSelf, "Error. Cannot unblock self"),
        (.unblock(user: "bob"), .notBlocked, "Error. bob was not blocked"),
        (.startPrivate(user: "me"), .cannotPrivateSelf, "Error. Cannot start private messaging with yourself"),
        (.startPrivate(user: "bob"), .userOffline, "Error. bob is offline"),
        (.startPrivate(user: "bob"), .blockedByUser, "Error. bob has blocked you"),
        (.startPrivate(user: "bob"), .privateAlreadyActive, "Error. Private messaging with bob is already active"),
        (.stopPrivate(user: "bob"), .privateNotEnabled, "Error. Private messaging to bob not enabled"),
    ])
    func errorsAreShownAsTheServerWroteThem(request: PendingRequest, code: ErrorCode, text: String) {
        let subject: String
        switch request {
        case .message(let user), .block(let user, _), .unblock(let user), .startPrivate(let user),
            .stopPrivate(let user):
            subject = user
        default:
            subject = "USER"
        }
        #expect(lines(request, .failure(.number(1), code, subject: subject)) == [text])
    }

    @Test func backgroundRepliesAreNeverShown() {
        #expect(lines(.background, .failure(.number(1), .privateNotEnabled, subject: "bob")) == [])
        #expect(lines(.background, Reply(id: .number(1))) == [])
    }
}
