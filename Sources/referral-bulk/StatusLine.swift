import Glibc
import ReferralReport
import Synchronization

/// The one live line at the bottom of a terminal (standard error): redrawn
/// in place, never wider than the terminal (its width is read at every
/// redraw, so a resize, SIGWINCH, is followed at the next one), and cleared
/// before any other line is printed, so no refresh or message leaves a
/// broken line behind. Without a terminal (cron) there is no live line: a
/// log line every five seconds instead.
final class StatusLine: Sendable {
    static let standardError = StatusLine()

    let isTerminal = FileOutput.standardError.isTerminal
    /// The live line as last drawn, nil when none is shown.
    private let shown = Mutex<String?>(nil)

    /// Prints `text` on lines of its own, then the live line again below it.
    func message(_ text: String) {
        shown.withLock { current in
            let clear = current == nil ? "" : "\r\u{1B}[K"
            FileOutput.standardError.write(clear + text + "\n" + (current ?? ""))
        }
    }

    /// Redraws the line every 200 ms (a log line every 5 s without a
    /// terminal) until cancelled, then leaves its last state in place.
    func run(line: @escaping @Sendable (_ terminal: Bool) -> String) async {
        let interval: Duration = isTerminal ? .milliseconds(200) : .seconds(5)
        while !Task.isCancelled {
            try? await Task.sleep(for: interval)
            guard !Task.isCancelled else { break }
            draw(line(isTerminal))
        }
        guard isTerminal else { return }
        draw(line(true))
        shown.withLock { current in
            FileOutput.standardError.write("\n")
            current = nil
        }
    }

    private func draw(_ line: String) {
        guard isTerminal else {
            FileOutput.standardError.write(line + "\n")
            return
        }
        let fitted = ProgressLine.fitted(line, columns: Self.columns())
        shown.withLock { current in
            current = "\r" + fitted + "\u{1B}[K"
            FileOutput.standardError.write(current!)
        }
    }

    /// The terminal's width now (80 when it cannot be read).
    static func columns() -> Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }
}
