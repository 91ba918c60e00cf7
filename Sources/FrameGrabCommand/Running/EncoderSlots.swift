import Foundation
import FrameGrab
import Locking

/// How many images the whole process encodes (or compares) at once, whatever `--jobs` is: a slot is taken
/// before an image is handed to an encoder and given back when it is written. A job that finds no free
/// slot suspends; the images it holds meanwhile are counted by the library's `ImageBudget`.
final class EncoderSlots: Sendable {
    static let shared = EncoderSlots(max(2, ProcessInfo.processInfo.activeProcessorCount))

    private let state: Lock<(free: Int, waiting: [CheckedContinuation<Void, Never>])>

    init(_ count: Int) {
        state = Lock((count, []))
    }

    /// Takes a slot, suspending until one is free.
    func acquire() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let ready = state.withLock { state -> Bool in
                if state.free > 0 {
                    state.free -= 1
                    return true
                }
                state.waiting.append(continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    /// Gives a slot back (to the longest waiting job, if any).
    func release() {
        let next = state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty {
                state.free += 1
                return nil
            }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}
