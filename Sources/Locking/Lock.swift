import Glibc

/// State reached only under a lock: the package's one lock, used in place of the `Synchronization`
/// module's `Mutex`, with the same `withLock` shape.
///
/// Why not `Mutex`: on Linux it locks with a futex, and when a thread has to wait for it, the kernel hands
/// it the lock (`FUTEX_LOCK_PI`, `FUTEX_UNLOCK_PI`), out of ThreadSanitizer's sight. TSan then sees no order
/// between the two threads' critical sections and reports the accesses inside them as data races: false
/// reports, which would hide real ones (see `scripts/tsan-test`). TSan intercepts `pthread_mutex_t`, so
/// it checks the code under this lock instead; uncontended, either lock is a few nanoseconds each way.
///
/// ```swift
/// let counts = Lock((written: 0, failed: 0))
/// counts.withLock { $0.written += 1 }
/// ```
///
/// Like `Mutex`, it is `Sendable` whatever the state, which goes in and comes out as `sending`. Not
/// reentrant: calling `withLock` on a lock from inside its own body deadlocks.
package final class Lock<State>: @unchecked Sendable {
    // Both on the heap: a `pthread_mutex_t` must not move once initialised, and the state reached
    // through a pointer needs no dynamic exclusivity check (the lock already makes access exclusive).
    @usableFromInline let mutex: UnsafeMutablePointer<pthread_mutex_t>
    @usableFromInline let state: UnsafeMutablePointer<State>

    package init(_ state: consuming sending State) {
        self.state = .allocate(capacity: 1)
        self.state.initialize(to: state)
        mutex = .allocate(capacity: 1)
        mutex.initialize(to: pthread_mutex_t())
        let status = pthread_mutex_init(mutex, nil)
        precondition(status == 0, "pthread_mutex_init failed (\(status))")
    }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
        state.deinitialize(count: 1)
        state.deallocate()
    }

    /// Runs `body` with the state while holding the lock, and returns what it returns.
    @inlinable
    package func withLock<Result, E: Error>(_ body: (inout sending State) throws(E) -> sending Result) throws(E) -> sending Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body(&state.pointee)
    }
}
