import ParleyProcess

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// How many terminal columns a character takes: 2 for the wide and fullwidth characters of Chinese, Japanese
/// and Korean and for emoji, nothing for combining marks and other scalars that join the one before, 1 for
/// the rest. The line editor needs it to keep what it draws on one row and its cursor where the terminal shows it.
///
/// Each scalar is measured by the C library's `wcwidth`, whose tables follow Unicode and are what terminals
/// on the same system go by, under a UTF-8 locale of its own set for the calling thread only (`uselocale`),
/// so the user's locale and other threads are untouched (`wcwidth` sits behind `_XOPEN_SOURCE`, so it comes
/// from `LibC`).
///
/// A character of several scalars (an emoji with a skin tone, a family joined by U+200D) is as wide as its
/// scalars together, as `wcswidth` counts it, and an emoji asked to look like one (U+FE0F) is two columns.
/// Terminals disagree here (tmux 3.3 draws a thumbs-up with a skin tone in four columns and a family in
/// two; terminals that join such sequences draw both in two), so the editor takes the widest reading: a
/// line thought too wide only leaves some of its row unused, while one thought too narrow wraps, and each
/// redraw would then leave a copy of it on the row above.
public enum ColumnWidth {
    public static func of(_ character: Character) -> Int {
        let scalars = character.unicodeScalars
        let columns = scalars.reduce(0) { $0 + width(of: $1) }
        return scalars.contains("\u{FE0F}") && scalars.first!.properties.isEmoji ? max(columns, 2) : columns
    }

    public static func of(_ text: some Sequence<Character>) -> Int {
        text.reduce(0) { $0 + of($1) }
    }

    /// How many of `characters`, from the first, fit in `room` columns, and how many columns those take.
    public static func prefix(of characters: some Sequence<Character>, fitting room: Int) -> (count: Int, columns: Int)
    {
        var count = 0
        var columns = 0
        for character in characters {
            let width = of(character)
            guard columns + width <= room else { break }
            columns += width
            count += 1
        }
        return (count, columns)
    }

    private static func width(of scalar: Unicode.Scalar) -> Int {
        if let measured = measure(scalar) { return min(2, max(0, measured)) }
        switch scalar.properties.generalCategory {
        case .nonspacingMark, .enclosingMark, .format: return 0
        default: return 1
        }
    }

    private typealias WcWidth = @convention(c) (Int32) -> Int32

    /// `wcwidth` and a UTF-8 locale, or nil where either is missing (then marks are 0 columns, all else 1).
    private nonisolated(unsafe) static let library: (measure: WcWidth, locale: locale_t)? = {
        guard let measure = LibC.function("wcwidth", as: WcWidth.self),
            let locale = newlocale(Int32(LC_CTYPE_MASK), "C.UTF-8", nil)
                ?? newlocale(
                    Int32(LC_CTYPE_MASK), "en_US.UTF-8", nil)
        else { return nil }
        return (measure, locale)
    }()

    private static func measure(_ scalar: Unicode.Scalar) -> Int? {
        guard scalar.value >= 0x7F else { return scalar.value >= 0x20 ? 1 : 0 }
        guard let library else { return nil }
        let previous = uselocale(library.locale)
        defer { uselocale(previous) }
        let measured = library.measure(Int32(bitPattern: scalar.value))
        return measured < 0 ? nil : Int(measured)
    }
}
