#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether ops on the current thread record themselves for differentiation.
///
/// Recording is on by default. `withoutGrad` turns it off (PyTorch's `torch.no_grad()`), and the
/// backward pass runs with it off unless `createGraph` asks for a differentiable backward. The flag
/// is per thread, so a graph built on one thread is never affected by another.
public enum GradMode {
    // A pthread key rather than a global: the flag must be per thread and readable in a few ns.
    // The key's value is nil when recording (the default) and non-nil when it is switched off.
    private static let key: pthread_key_t = {
        var key = pthread_key_t()
        pthread_key_create(&key, nil)
        return key
    }()

    /// True when ops record themselves on this thread.
    public static var isEnabled: Bool {
        pthread_getspecific(key) == nil
    }

    /// Runs `body` with recording switched on or off, restoring the previous state afterwards.
    public static func with<T>(enabled: Bool, _ body: () throws -> T) rethrows -> T {
        let previous = pthread_getspecific(key)
        pthread_setspecific(key, enabled ? nil : UnsafeRawPointer(bitPattern: 1))
        defer { pthread_setspecific(key, previous) }
        return try body()
    }
}

/// Runs `body` without recording any op (PyTorch's `with torch.no_grad():`).
public func withoutGrad<T>(_ body: () throws -> T) rethrows -> T {
    try GradMode.with(enabled: false, body)
}
