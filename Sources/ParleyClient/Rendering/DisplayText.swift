/// Text written by other people or sent by the server, made safe to print on a terminal. Control characters
/// (escape sequences among them) could clear the screen, move the cursor over the line being typed or retitle
/// the window, so each is shown as U+FFFD instead; everything else is printed as sent. Applied to every line
/// the session shows (`ClientSession.show`) and to every prompt the server words.
enum DisplayText {
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var result = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            result.append(isControl(scalar) ? "\u{FFFD}" : scalar)
        }
        return String(result)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        scalar.properties.generalCategory == .control
    }
}
