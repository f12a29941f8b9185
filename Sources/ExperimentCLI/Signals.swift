import ArgumentParser
import Foundation

/// The signal that asked training to stop (SIGINT from Ctrl-C, or SIGTERM), 0 while none has arrived.
nonisolated(unsafe) var interruptRequested: sig_atomic_t = 0

/// Ctrl-C and SIGTERM during training: the first one makes the runner checkpoint the current step and stop, and the
/// command then exits 128 + the signal number (130 for Ctrl-C, 143 for SIGTERM), as a shell does for a process the signal
/// killed. A second signal before that exits at once with the same status (the last checkpoint stays resumable).
enum StopSignals {
    /// Installs the handlers (call just before training starts).
    static func install() {
        for s in [SIGINT, SIGTERM] {
            signal(s) { received in
                if interruptRequested != 0 { _exit(128 + received) }
                interruptRequested = received
            }
        }
    }

    /// Restores the default actions (after training: an interrupted report dies by the signal, and writes are atomic).
    static func uninstall() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
    }

    /// True once a stop signal arrived.
    static var requested: Bool { interruptRequested != 0 }

    /// The exit status for the signal received: 128 + its number.
    static var exitCode: ExitCode { ExitCode(128 + Int32(interruptRequested)) }

    /// "Ctrl-C (SIGINT)" or "SIGTERM".
    static var name: String { interruptRequested == SIGINT ? "Ctrl-C (SIGINT)" : "SIGTERM" }
}
