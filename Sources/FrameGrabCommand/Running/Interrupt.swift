import Dispatch
import Foundation
import FrameGrab
import Locking

/// SIGINT and SIGTERM: the first one cancels the work (finished images are still written, the rest are
/// reported as cancelled); a second SIGINT exits at once. Atomic writes mean no partial PNG is ever left
/// under a final name either way.
package final class Interrupt: Sendable {
    private let state = Lock<(signal: Int32?, handler: (@Sendable () -> Void)?)>((nil, nil))
    private nonisolated(unsafe) var sources: [DispatchSourceSignal] = []

    /// Where signals are handled: a serial queue of its own, which (unlike the width-limited global
    /// queues, whose threads busy work can hold) always gets a thread to run on.
    private static let queue = DispatchQueue(label: "framegrab.signals", qos: .userInteractive)

    /// Blocks SIGINT and SIGTERM in the calling thread, and so in every thread it creates later: the
    /// process must call it first thing, before any thread exists. Dispatch receives the signals of its
    /// sources through a `signalfd`, which sees a signal only while every thread blocks it; a thread
    /// that did not would take the signal itself, and with the disposition `SIG_IGN` it would be lost.
    package static func blockSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &signals, nil)
    }

    /// Undoes `blockSignals()` in the calling thread, for commands that install no `Interrupt`: the kernel
    /// then delivers SIGINT and SIGTERM to this thread, whose default action ends the process at once.
    package static func unblockSignals() {
        var signals = sigset_t()
        sigemptyset(&signals)
        sigaddset(&signals, SIGINT)
        sigaddset(&signals, SIGTERM)
        pthread_sigmask(SIG_UNBLOCK, &signals, nil)
    }

    static func install() -> Interrupt {
        let interrupt = Interrupt()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: queue)
            source.setEventHandler { interrupt.received(signalNumber) }
            source.resume()
            interrupt.sources.append(source)
        }
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
