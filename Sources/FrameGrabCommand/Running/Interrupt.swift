import Dispatch
import Foundation
import FrameGrab
import Locking
import Synchronization

/// SIGINT and SIGTERM: the first one cancels the work (finished images are still written, the rest are
/// reported as cancelled); a second SIGINT exits at once. Atomic writes mean no partial PNG is ever left
/// under a final name either way.
package final class Interrupt: Sendable {
    private let state = Lock<(signal: Int32?, handler: (@Sendable () -> Void)?)>((nil, nil))
    private nonisolated(unsafe) var sources: [DispatchSourceSignal] = []

    /// Where signals are handled: a serial queue of its own, which (unlike the width-limited global
    /// queues, whose threads busy work can hold) always gets a thread to run on.
    private static let queue = DispatchQueue(label: "framegrab.signals", qos: .userInteractive)

    /// The first SIGINT or SIGTERM that came before a run's sources were registered (0: none), kept by
    /// `keepEarlySignal` until `install()` hands it on.
    private static let early = Atomic<Int32>(0)

    /// Blocks SIGINT and SIGTERM in the calling thread, and so in every thread it creates later: the
    /// process must call it first thing, before any thread exists. Dispatch receives the signals of its
    /// sources through a `signalfd`, which sees a signal only while the thread it reaches blocks it.
    /// One thread never does: with an async `main`, libdispatch parks the main thread in `sigsuspend`
    /// with nothing blocked, and the signals that reach it go to the process's handler. Until a run has
    /// registered its sources (Dispatch's handler then passes them on to the sources), that handler keeps
    /// the first signal for the run (`install()`), so that none is lost and none ends the process half way.
    package static func blockSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
        // Initialised here, not in the handler (a lazy static's first use is not safe in a signal handler).
        _ = early.load(ordering: .relaxed)
        signal(SIGINT, keepEarlySignal)
        signal(SIGTERM, keepEarlySignal)
    }

    /// Undoes `blockSignals()` in the calling thread, for commands that install no `Interrupt`: the kernel
    /// then delivers SIGINT and SIGTERM to this thread, whose default action ends the process at once (one
    /// that came already ends it now).
    package static func unblockSignals() {
        signal(SIGINT, SIG_DFL)
        signal(SIGTERM, SIG_DFL)
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
        let signalNumber = early.load(ordering: .relaxed)
        if signalNumber != 0 { kill(getpid(), signalNumber) }
    }

    /// The handler from `blockSignals()` until Dispatch replaces it: keeps the first signal (an atomic
    /// store, safe in a signal handler).
    private static let keepEarlySignal: @convention(c) (Int32) -> Void = { signalNumber in
        _ = early.compareExchange(expected: 0, desired: signalNumber, ordering: .relaxed)
    }

    /// Hears SIGINT and SIGTERM from the moment it returns, and one that came since `blockSignals()`.
    ///
    /// It waits for Dispatch to register the sources: only then is Dispatch's handler in place. (It used to
    /// set `SIG_IGN` and return at once: a signal before the registration reached the main thread, was
    /// ignored, and the run went on as if none had come.)
    static func install() async -> Interrupt {
        let interrupt = Interrupt()
        let registered = DispatchGroup()
        for signalNumber in [SIGINT, SIGTERM] {
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { interrupt.received(signalNumber) }
            registered.enter()
            source.setRegistrationHandler { registered.leave() }
            source.resume()
            interrupt.sources.append(source)
        }
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            registered.notify(queue: queue) { continuation.resume() }
        }
        let signalNumber = early.load(ordering: .relaxed)
        if signalNumber != 0 { queue.async { interrupt.received(signalNumber) } }
        return interrupt
    }

    /// The first signal received, if any.
    var received: Int32? { state.withLock { $0.signal } }

    /// Runs `handler` when a signal arrives (at once if one already has).
    func onSignal(_ handler: @escaping @Sendable () -> Void) {
        let already = state.withLock { state -> Bool in
            state.handler = handler
            return state.signal != nil
        }
        if already { handler() }
    }

    private func received(_ signalNumber: Int32) {
        let (first, handler) = state.withLock { state -> (Bool, (@Sendable () -> Void)?) in
            if state.signal != nil { return (false, nil) }
            state.signal = signalNumber
            return (true, state.handler)
        }
        if !first {
            // Second signal: leave now. Temporary files may remain, but never a partial file under a final name.
            _exit(128 + signalNumber)
        }
        handler?()
    }
}
