import Foundation
import Synchronization
import FrameGrab
import TestSupport
import Testing

/// Generators never block Swift's cooperative pool: their work runs on the library's own threads and
/// `next()` suspends. A task that sleeps 10 ms in a loop keeps its rhythm while twice as many generators as
/// there are cores decode beside it. (A property of the design, with a wide margin: not a speed test.)
@Suite(.serialized) struct HeartbeatTests {
    @Test func aSleeperKeepsItsRhythmWhileGeneratorsDecode() async throws {
        let generators = 2 * ProcessInfo.processInfo.activeProcessorCount
        let names = ["h264-bframes.mp4", "vp9.webm", "h264-offset.ts", "vfr.mkv"]
        let stop = Heartbeat.Flag()
        async let beats = Heartbeat.run(every: .milliseconds(10), until: stop)
        let started = ContinuousClock.now
        let images = try await withThrowingTaskGroup(of: Int.self) { group in
            for number in 0..<generators {
                group.addTask {
                    let name = names[number % names.count]
                    let video = Fixtures.video(name)
                    // Every frame's time, exact, four times over: seconds of decoding in all.
                    let times = video.frames.indices.map { video.time(ofFrame: $0) }
                    var count = 0
                    for _ in 0..<4 {
                        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
                        for await result in generator.images(for: times) {
                            _ = try result.image
                            count += 1
                        }
                    }
                    return count
                }
            }
            return try await group.reduce(0, +)
        }
        let elapsed = ContinuousClock.now - started
        stop.set()
        let (wakeUps, latest) = await beats
        let expected = elapsed / .milliseconds(10)
        let asked = (0..<generators).reduce(0) { $0 + 4 * Fixtures.video(names[$1 % names.count]).frames.count }
        #expect(images == asked, "\(images) images of \(asked)")
        #expect(Double(wakeUps) >= expected / 2, "\(wakeUps) wake-ups in \(elapsed), about \(Int(expected)) expected")
        #expect(latest < .milliseconds(250), "a wake-up came \(latest) late")
    }
}

enum Heartbeat {
    final class Flag: Sendable {
        private let value = Mutex(false)
        func set() { value.withLock { $0 = true } }
        var isSet: Bool { value.withLock { $0 } }
    }

    /// Sleeps `interval` in a loop until `flag` is set: how many times it woke, and the latest wake-up.
    static func run(every interval: Duration, until flag: Flag) async -> (wakeUps: Int, latest: Duration) {
        var wakeUps = 0
        var latest = Duration.zero
        while !flag.isSet {
            let before = ContinuousClock.now
            try? await Task.sleep(for: interval)
            latest = max(latest, ContinuousClock.now - before - interval)
            wakeUps += 1
        }
        return (wakeUps, latest)
    }
}
