import Dispatch

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// The client's line editor on a real terminal: raw mode, editing keys, history, completion with Tab, a
/// password prompt without echo, and messages printed above the line being typed with that line redrawn intact.
///
/// Written by hand because there is no line-editing package for Swift on Linux (libedit and readline are C
/// libraries with no Swift package here, and neither can print above a half-typed line from another
/// thread safely). The pieces that decide things are pure and tested on their own: `KeyDecoder` (bytes to
/// keys), `LineEditor` (line, cursor, history) and `LineRenderer` (escape sequences); this actor only
/// moves bytes between them and the terminal.
///
/// Pastes are bracketed (`LineRenderer.bracketedPasteOn`): pasted text lands in the line whole, its line
/// breaks as spaces, so pasting a few lines never sends them as commands one by one; Enter sends the line.
///
/// Lines are handed out one per `requestLine`. Keys typed while no line is requested (while a reply is
/// awaited) are kept and replayed into the next line, so fast typing is never lost; Ctrl-C is acted on at
/// once even then.
public actor TerminalLineReader {
    public enum Input: Sendable, Hashable {
        case line(String)
        /// Ctrl-C, Ctrl-D on an empty line, or the terminal closed.
        case end
    }

    /// What the word before the cursor may become, given the whole words before it and its typed part.
    public typealias Completer = @Sendable (_ previousWords: [String], _ partial: String) -> [String]

    private let input: Int32
    private let output: Int32
    private var editor = LineEditor()
    private var decoder = KeyDecoder()
    private var prompt: (text: String, secret: Bool)?
    private var completer: Completer?
    private var typeahead: [Key] = []
    private var rawMode: RawMode?
    private var thread: InputThread?
    private var feeding: Task<Void, Never>?
    private var resizes: (any DispatchSourceSignal)?
    private var continuations: (any DispatchSourceSignal)?
    private var deliver: (@Sendable (Input) -> Void)?

    public init(input: Int32 = STDIN_FILENO, output: Int32 = STDOUT_FILENO) {
        self.input = input
        self.output = output
    }

    /// Enters raw mode and starts reading keys; what the user enters goes to `deliver`.
    public func start(deliver: @escaping @Sendable (Input) -> Void) throws(RawMode.Failure) {
        rawMode = try RawMode.enable(on: input)
        emit(LineRenderer.bracketedPasteOn)
        self.deliver = deliver
        let (chunks, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        thread = InputThread(descriptor: input) { bytes in
            if let bytes { continuation.yield(bytes) } else { continuation.finish() }
        }
        feeding = Task {
            for await chunk in chunks { self.feed(chunk) }
            self.inputEnded()
        }
        // SIGWINCH: the window changed size. Its default is to do nothing, so taking it over changes nothing else.
        resizes = Self.watch(SIGWINCH) { [weak self] in await self?.resized() }
        // SIGCONT: the process goes on after a stop, whoever stopped it (the shell gave the terminal back, in
        // whatever mode). Continuing happens whatever its disposition; taking it over only adds the redraw.
        continuations = Self.watch(SIGCONT) { [weak self] in await self?.continued() }
    }

    /// Runs `handler` for every `signal` the process gets, instead of the signal's default action.
    private static func watch(_ number: Int32, _ handler: @escaping @Sendable () async -> Void)
        -> any DispatchSourceSignal
    {
        signal(number, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
        source.setEventHandler { Task { await handler() } }
        source.resume()
        return source
    }

    /// Ctrl-Z: the terminal is given back as it was found (cooked, pastes unbracketed) with the line left
    /// on its row, the process stops as a shell job, and once continued it is raw again and the line redrawn.
    private func suspend() {
        emit(LineRenderer.bracketedPasteOff + "\r\n")
        rawMode?.restore()
        JobControl.stop(by: SIGTSTP)  // as a terminal in cooked mode sends it for Ctrl-Z
        // Here at once if the kernel discarded the stop (no shell controls the job); after a real stop the
        // SIGCONT watch draws the same line once more, which changes nothing on the screen.
        continued()
    }

    /// Raw mode back and the line redrawn, unless the shell continued the client in the background (`bg`),
    /// where the terminal is the shell's: it is left alone until `fg` continues the client again.
    private func continued() {
        guard let rawMode, !JobControl.isInBackground(of: input) else { return }
        rawMode.reapply()
        emit(LineRenderer.bracketedPasteOn + redraw())
    }

    /// The line is drawn again for the new width at once, not at the next key. A narrower window may have
    /// moved part of the old row below the cursor (terminals that rewrap their rows do), so everything
    /// below it is cleared too.
    private func resized() {
        guard prompt != nil else { return }
        emit(LineRenderer.clearBelow + redraw())
    }

    /// Shows `prompt` and lets the user type the next line; with a `completer`, Tab completes words.
    public func requestLine(prompt text: String, secret: Bool, completer: Completer? = nil) {
        // The same question while it is being answered (the session asks again after a line it entered on the
        // user's behalf, say, one kept while reconnecting): what the user has typed so far stays.
        if let prompt, prompt.text == text, prompt.secret == secret {
            self.completer = completer
            return
        }
        let columns = RawMode.columns(of: output)
        if !LineRenderer.fits(text, columns: columns) {
            // Too wide for its row, where only its end is shown: the whole question once above it.
            emit(wrapped(text) + "\r\n")
        }
        prompt = (text, secret)
        self.completer = completer
        editor.reset(secret: secret)
        emit(redraw())
        let pending = typeahead
        typeahead = []
        for key in pending { process(key) }
    }

    /// Prints `line` above the line being typed, which is then redrawn as it was; a line wider than the
    /// terminal is wrapped with its later rows indented (`LineRenderer.wrap`).
    public func show(_ line: String) {
        if prompt != nil {
            emit(LineRenderer.printAbove(wrapped(line), thenRedraw: redraw()))
        } else {
            emit(wrapped(line) + "\r\n")
        }
    }

    private func wrapped(_ line: String) -> String {
        let columns = RawMode.columns(of: output)
        return LineRenderer.wrap(
            line, columns: columns, indent: LineRenderer.continuationIndent(of: line, columns: columns)
        ).joined(separator: "\r\n")
    }

    /// Clears the prompt, restores the terminal's settings and stops reading.
    public func stop() {
        if prompt != nil { emit(LineRenderer.clearRow) }
        prompt = nil
        if rawMode != nil { emit(LineRenderer.bracketedPasteOff) }
        rawMode?.restore()
        rawMode = nil
        thread?.stop()
        thread = nil
        resizes?.cancel()
        resizes = nil
        continuations?.cancel()
        continuations = nil
        feeding?.cancel()
        feeding = nil
    }

    /// Ends the session as Ctrl-C would (a signal arrived).
    public func interrupt() {
        deliver?(.end)
    }

    private func feed(_ bytes: [UInt8]) {
        for key in decoder.decode(bytes) { process(key) }
    }

    private func inputEnded() {
        guard rawMode != nil else { return }
        deliver?(.end)
    }

    private func process(_ key: Key) {
        if key == .suspend { return suspend() }
        if key == .clearScreen { return emit(LineRenderer.clearScreen + redraw()) }
        guard prompt != nil else {
            if key == .interrupt {
                typeahead = []
                deliver?(.end)
            } else {
                typeahead.append(key)
            }
            return
        }
        handle(editor.apply(key))
    }

    private func handle(_ outcome: LineEditor.Outcome) {
        switch outcome {
        case .unchanged:
            break
        case .completionWanted:
            guard let completer else { break }
            let (previousWords, partial) = editor.completionContext
            handle(editor.complete(from: completer(previousWords, partial)))
        case .choices(let words):
            emit(LineRenderer.printAbove(wrapped(LineRenderer.choices(words)), thenRedraw: redraw()))
        case .edited:
            emit(redraw())
        case .submitted(let line):
            if let prompt, !prompt.secret,
                let whole = LineRenderer.entered(prompt: prompt.text, line: line, columns: RawMode.columns(of: output))
            {
                emit(whole)
            }
            emit("\r\n")
            prompt = nil
            deliver?(.line(line))
        case .interrupted, .endOfInput:
            emit(LineRenderer.clearRow)
            prompt = nil
            deliver?(.end)
        }
    }

    private func redraw() -> String {
        guard let prompt else { return "" }
        return LineRenderer.refresh(
            prompt: prompt.text, characters: editor.characters, cursor: editor.cursor, secret: prompt.secret,
            columns: RawMode.columns(of: output))
    }

    private func emit(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { write(output, $0.baseAddress! + offset, $0.count - offset) }
            if written < 0 {
                if errno == EINTR { continue }
                return  // The terminal is gone; the session ends through the input side.
            }
            offset += written
        }
    }
}
