import Foundation

/// Writes to standard error (progress, warnings, errors). Used from one thread at a time (the command's own).
///
/// A progress line (`status`) is redrawn in place on a terminal and always fits its width, so it never wraps; any other
/// message first ends an open progress line, so it starts on a fresh line.
enum Console {
    static let isTerminal = isatty(STDERR_FILENO) != 0

    /// True while the last thing written is a progress line without its newline.
    nonisolated(unsafe) private static var statusOpen = false

    static func error(_ message: String) { writeLine(message) }

    static func info(_ message: String) { writeLine(message) }

    /// Overwrites the current terminal line with `message`, cut to `columns − 1` characters (terminals only).
    static func status(_ message: String) {
        write("\r\u{1B}[2K" + fitted(message, columns: columns))
        statusOpen = true
    }

    /// Ends an open progress line (keeps it on screen); does nothing when none is open.
    static func endStatus() {
        if statusOpen { write("\n") }
        statusOpen = false
    }

    /// The width of the terminal on standard error (ioctl TIOCGWINSZ), 80 when it is not a terminal or says 0.
    static var columns: Int {
        var size = winsize()
        guard ioctl(STDERR_FILENO, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 else { return 80 }
        return Int(size.ws_col)
    }

    /// `text` cut to at most `columns − 1` characters (a line that fills the last column wraps on some terminals),
    /// ending in "…" when cut.
    static func fitted(_ text: String, columns: Int) -> String {
        let limit = max(1, columns - 1)
        guard text.count > limit else { return text }
        return String(text.prefix(limit - 1)) + "…"
    }

    private static func writeLine(_ message: String) {
        write((statusOpen ? "\n" : "") + message + "\n")
        statusOpen = false
    }

    private static func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
