import Foundation
import FrameGrab
import Synchronization

/// A program that uses FrameGrab as a library user's program would, to show that generators leave Swift's
/// cooperative pool free: `framegrab-heartbeat GENERATORS VIDEO...` runs GENERATORS generators at once in a
/// task group, each asking for every frame of one of the videos (in turn) four times over, while a task
/// sleeps 10 ms in a loop. It prints one line: `images N seconds S wakeups W expected E latest L` (L: the
/// latest wake-up, in seconds late). A process of its own, so that nothing else shares its pool.
@main
struct Heartbeat {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst()
        guard let generators = arguments.first.flatMap(Int.init), arguments.count > 1 else {
            FileHandle.standardError.write(Data("usage: framegrab-heartbeat GENERATORS VIDEO...\n".utf8))
            exit(64)
        }
        let videos = Array(arguments.dropFirst())
        let stop = Flag()
        async let beats = sleep(every: .milliseconds(10), until: stop)
        let started = ContinuousClock.now
        let images = try await withThrowingTaskGroup(of: Int.self) { group in
            for number in 0..<generators {
                group.addTask {
                    let path = videos[number % videos.count]
                    var count = 0
                    for _ in 0..<4 {
                        let asset = try await MediaAsset.open(path: path)
                        let duration = asset.duration.seconds
                        let rate = asset.videoTrack.nominalFrameRate ?? 25
                        let times = (0..<Int(duration * rate)).map { MediaTime(seconds: Double($0) / rate) }
                        for await result in AssetImageGenerator(asset: asset).images(for: times) {
                            _ = try result.image
                            count += 1
                        }
                    }
                    return count
                }
            }
            var total = 0
            for try await count in group { total += count }
            return total
        }
        let elapsed = ContinuousClock.now - started
        stop.set()
        let (wakeUps, latest) = await beats
        print("images \(images) seconds \(seconds(elapsed)) wakeups \(wakeUps) expected \(Int(elapsed / .milliseconds(10))) latest \(seconds(latest))")
    }

    /// Sleeps `interval` in a loop until `flag` is set: how many times it woke, and the latest wake-up.
    static func sleep(every interval: Duration, until flag: Flag) async -> (wakeUps: Int, latest: Duration) {
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

    final class Flag: Sendable {
        private let value = Atomic<Bool>(false)
        func set() { value.store(true, ordering: .relaxed) }
        var isSet: Bool { value.load(ordering: .relaxed) }
    }

    static func seconds(_ duration: Duration) -> String {
        let (whole, attoseconds) = duration.components
        return String(format: "%.4f", Double(whole) + Double(attoseconds) / 1e18)
    }
}
