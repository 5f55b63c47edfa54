#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Synchronization

/// The signal that asked training to stop (0: none), set by the handler and read by the training
/// loop between steps.
private let stopSignal = Atomic<Int32>(0)

/// Stopping a run from outside: Ctrl-C (SIGINT), `kill` (SIGTERM) and a closed terminal (SIGHUP)
/// each only set a flag, so that the loop finishes its step, writes a checkpoint and exits with
/// 128 + the signal's number, as a shell reports a process killed by it. The handler then restores
/// the default action, so a second signal ends the process at once.
public enum InterruptSignal {
    /// The signals that stop training cleanly.
    public static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP]

    /// Installs the handlers (idempotent).
    public static func install() {
        for number in handled {
            signal(number) { number in
                // Only async-signal-safe work here: an atomic exchange and `signal`.
                _ = stopSignal.compareExchange(expected: 0, desired: number, ordering: .relaxed)
                signal(number, SIG_DFL)
            }
        }
    }

    /// Whether a stopping signal arrived since the handlers were installed (or the flag was cleared).
    public static var isRequested: Bool { stopSignal.load(ordering: .relaxed) != 0 }

    /// The first stopping signal that arrived, or nil.
    public static var received: Int32? {
        let number = stopSignal.load(ordering: .relaxed)
        return number == 0 ? nil : number
    }

    /// The exit status a stop by `received` reports: 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP.
    public static var exitStatus: Int32 { 128 + (received ?? SIGINT) }

    /// The received signal's name, "SIGINT" when none arrived.
    public static var receivedName: String {
        switch received ?? SIGINT {
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        default: "SIGINT"
        }
    }

    /// Sets the flag as the handler does, for tests of the loop's response.
    public static func request(_ number: Int32 = SIGINT) {
        _ = stopSignal.compareExchange(expected: 0, desired: number, ordering: .relaxed)
    }

    public static func clear() { stopSignal.store(0, ordering: .relaxed) }
}
