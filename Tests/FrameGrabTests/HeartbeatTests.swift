import Foundation
import FrameGrab
import TestSupport
import Testing

/// Generators never block Swift's cooperative pool: their work runs on the library's own threads and
/// `next()` suspends. `framegrab-heartbeat` (a program using the library as a user's would, in a process of
/// its own so that no other test shares its pool) runs twice as many generators as there are cores in a
/// task group beside a task that sleeps 10 ms in a loop: the sleeper must see at least half of its expected
/// wake-ups and none later than 250 ms. (A property of the design, with a wide margin: not a speed test.
/// Before the work pool, the same program saw 25 wake-ups of 119, one of them 0.95 s late.)
@Suite struct HeartbeatTests {
    @Test func aSleeperKeepsItsRhythmWhileGeneratorsDecode() throws {
        let folder = URL(fileURLWithPath: try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            .deletingLastPathComponent()
        let program = folder.appendingPathComponent("framegrab-heartbeat")
        try #require(FileManager.default.isExecutableFile(atPath: program.path), "\(program.path) is not built")
        let generators = 2 * ProcessInfo.processInfo.activeProcessorCount
        let videos = ["h264-bframes.mp4", "vp9.webm", "h264-offset.ts", "vfr.mkv"].map(Fixtures.path)
        let process = Process()
        process.executableURL = program
        process.arguments = [String(generators)] + videos
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(output)")
        // images N seconds S wakeups W expected E latest L
        let fields = output.split(whereSeparator: \.isWhitespace).map(String.init)
        func value(_ name: String) -> Double? { fields.firstIndex(of: name).flatMap { Double(fields[$0 + 1]) } }
        let images = try #require(value("images")), wakeUps = try #require(value("wakeups"))
        let expected = try #require(value("expected")), latest = try #require(value("latest"))
        #expect(images > 2000, "\(output)")
        #expect(wakeUps >= expected / 2, "\(output)")
        #expect(latest < 0.25, "\(output)")
    }
}
