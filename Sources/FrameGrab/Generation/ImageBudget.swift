import Locking

/// The memory, shared by every run of the process, that decoded images may take until their consumer is
/// done with them (in the command: until they are encoded): runs answer ahead of their consumers only while
/// it has room. The image a consumer is waiting for is always made, budget or not, so every run makes
/// progress: at most the budget, plus one image per waiting consumer, plus what consumers hold.
package final class ImageBudget: Sendable {
    /// The process's budget: 256 MiB (about forty 1080p RGB images, or four 4K 16-bit RGBA ones).
    package static let shared = ImageBudget(bytes: 256 << 20)

    /// Bytes images may take in all.
    package let capacity: Int

    private struct State {
        var used = 0
        var waiters: [@Sendable () -> Void] = []
    }

    private let state = Lock(State())

    /// A budget of `bytes` bytes, none of them used; a negative count is zero. Generators draw on `shared`.
    package init(bytes: Int) {
        capacity = max(0, bytes)
    }

    /// Bytes taken by images now.
    package var used: Int { state.withLock { $0.used } }

    /// Takes `bytes` if they fit.
    func tryReserve(_ bytes: Int) -> Bool {
        state.withLock { state in
            guard state.used + bytes <= capacity else { return false }
            state.used += bytes
            return true
        }
    }

    /// Takes `bytes` whether they fit or not (for the image a consumer waits for).
    func reserve(_ bytes: Int) {
        state.withLock { $0.used += bytes }
    }

    /// Gives `bytes` back and tells everyone who waited for room (as jobs on the work pool: a caller may
    /// hold a lock a waiter needs).
    func release(_ bytes: Int) {
        guard bytes > 0 else { return }
        let waiters = state.withLock { state -> [@Sendable () -> Void] in
            state.used = max(0, state.used - bytes)
            defer { state.waiters.removeAll() }
            return state.waiters
        }
        for waiter in waiters { WorkPool.shared.submit(waiter) }
    }

    /// Calls `body` once, the next time room is freed.
    func notifyWhenFreed(_ body: @escaping @Sendable () -> Void) {
        state.withLock { $0.waiters.append(body) }
    }

    /// Bytes taken for one image, given back when the image's last holder lets it go (`GeneratedImage`
    /// carries it): the budget counts images until their consumer is done with them, not only until they
    /// are handed over.
    final class Share: Sendable {
        let budget: ImageBudget
        let bytes: Int
        init(_ budget: ImageBudget, bytes: Int) {
            self.budget = budget
            self.bytes = bytes
        }
        deinit { budget.release(bytes) }
    }

    /// The memory one image of a run takes: its output size at the output's bytes per pixel.
    static func bytes(of track: VideoTrack, settings: GenerationSettings) -> Int {
        let size = settings.imageSize(of: track)
        return size.width * size.height * settings.bytesPerPixel
    }
}
