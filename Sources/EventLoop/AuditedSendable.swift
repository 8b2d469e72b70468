#if canImport(Glibc)
import Glibc
#endif

// The module's only `@unchecked Sendable` types, kept together so they are audited together: `Locked`
// (a value behind a mutex) and `LoopContextSlot` (a value confined to one loop's thread). Nothing else in
// the sources opts out of the compiler's checks.

/// A value guarded by a pthread mutex: the one lock type the server uses between threads.
///
/// It has the shape of the standard library's `Mutex` (`withLock`, `sending` in and out) but
/// stands on `pthread_mutex_t`, which ThreadSanitizer intercepts: on Linux `Synchronization.Mutex`
/// takes its lock word in code TSan does not instrument, so TSan saw no happens-before between
/// two `withLock` calls and reported a race on the guarded value (the inbox's job list) that could
/// not happen. With this type, `scripts/test-sanitizers thread` reports only races that exist.
/// Uncontended it costs the same as `Mutex` (one atomic each way).
///
/// Audited `@unchecked Sendable`: `value` is only touched inside `withLock`, between lock and
/// unlock of the mutex this instance owns.
public final class Locked<Value: ~Copyable>: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private var value: Value

    public init(_ initial: consuming sending Value) {
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        pthread_mutex_init(mutex, nil)
        value = initial
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    /// Runs `body` with exclusive access to the value.
    @inline(__always)
    public func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&value)
    }
}

/// The context of one loop. Audited `@unchecked Sendable`: `value` is written on the loop's
/// thread, once before the loop serves anything and once (to nil) after it stopped, and read
/// only by jobs `LoopHandle.execute` runs on that thread; the slot only travels between threads
/// inside handles, untouched.
final class LoopContextSlot<Context>: @unchecked Sendable {
    var value: Context?

    /// Set before the loop's first pass; a job cannot run before it or after the loop ended.
    var context: Context {
        guard let value else { preconditionFailure("a loop job ran outside its loop's lifetime") }
        return value
    }
}
