#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// Set by the SIGINT handler, read by the training loop between steps.
private let interruptRequested = Atomic<Bool>(false)

/// Ctrl-C handling for training: the first SIGINT only sets a flag, so that the loop finishes its
/// step, writes a checkpoint and exits cleanly; the handler then restores the default action, so
/// a second Ctrl-C ends the process at once.
public enum InterruptSignal {
    /// Installs the handler (idempotent).
    public static func install() {
        signal(SIGINT) { _ in
            // Only async-signal-safe work here: an atomic store and `signal`.
            interruptRequested.store(true, ordering: .relaxed)
            signal(SIGINT, SIG_DFL)
        }
    }

    /// Whether Ctrl-C was pressed since the handler was installed (or the flag was cleared).
    public static var isRequested: Bool { interruptRequested.load(ordering: .relaxed) }

    /// Sets the flag as the handler does, for tests of the loop's response.
    public static func request() { interruptRequested.store(true, ordering: .relaxed) }

    public static func clear() { interruptRequested.store(false, ordering: .relaxed) }
}
