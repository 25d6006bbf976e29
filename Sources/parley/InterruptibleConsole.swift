import ParleyClient

/// A console that a signal can end, as if the user pressed Ctrl-C.
protocol InterruptibleConsole: ClientConsole {
    func interrupt() async
}

extension LineConsole: InterruptibleConsole {}
