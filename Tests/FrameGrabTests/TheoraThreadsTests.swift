import Foundation
import FrameGrab
import TestSupport
import Testing

/// FFmpeg 5.1's Theora decoder gives other pictures with frame threads than with one thread (issue 19). The
/// two files `scripts/make-theora-samples` makes show it: `theora-race.ogv` differs from run to run (about one
/// run in four), `theora-qps.ogv` is wrong the same way every run. With one thread FFmpeg agrees bit for bit
/// with libtheora's own decoder, so a single-threaded run is the reference here: every picture must be the one
/// it gives, whatever the thread count and however often it is asked for.
@Suite(.serialized) struct TheoraThreadsTests {
    /// The folder with the two samples (the same bytes every time): kept in the temporary folder and made when
    /// missing, in a folder of its own first, then moved into place.
    static let samples: Result<URL, TheoraSampleError> = {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let files = FileManager.default
        let folder = files.temporaryDirectory.appendingPathComponent("framegrab-theora-samples-1")
        if ["theora-race.ogv", "theora-qps.ogv"].allSatisfy({ files.fileExists(atPath: folder.appendingPathComponent($0).path) }) {
            return .success(folder)
        }
        let fresh = files.temporaryDirectory.appendingPathComponent("framegrab-theora-\(UUID().uuidString)")
        defer { try? files.removeItem(at: fresh) }
        let process = Process()
        process.executableURL = repository.appendingPathComponent("scripts/make-theora-samples")
        process.arguments = [fresh.path]
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        do { try process.run() } catch { return .failure(TheoraSampleError(description: "scripts/make-theora-samples: \(error)")) }
        let text = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            return .failure(TheoraSampleError(description: "scripts/make-theora-samples failed (\(process.terminationStatus)): \(text)"))
        }
        try? files.moveItem(at: fresh, to: folder)  // another process may have made it first: the same files
        return files.fileExists(atPath: folder.path) ? .success(folder)
            : .failure(TheoraSampleError(description: "cannot move the samples to \(folder.path)"))
    }()

    struct TheoraSampleError: Error, CustomStringConvertible { let description: String }

    /// One hash per picture (by request), or the error's code: pictures are compared, not kept.
    static func pictures(_ path: String, threads: Int, times: [MediaTime]) async throws -> [String] {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: path))
        generator.decoderThreadCount = threads
        var answers = Array(repeating: "", count: times.count)
        for await result in generator.results(for: times) {
            switch result.outcome {
            case .success(let generated):
                var hasher = Hasher()
                generated.image.pixels.withUnsafeBytes { hasher.combine(bytes: $0) }
                answers[result.requestIndex] = "\(hasher.finalize()) at \(generated.actualTime.decimalSeconds)"
            case .failure(let error):
                answers[result.requestIndex] = "\(error.code)"
            }
        }
        return answers
    }

    /// Checks `runs` runs with `threads` decoder threads against one single-threaded run.
    static func expectSameAsOneThread(_ name: String, times: [MediaTime], threads: [Int], runs: Int) async throws {
        let path = try samples.get().appendingPathComponent(name).path
        let reference = try await pictures(path, threads: 1, times: times)
        #expect(!reference.contains { !$0.contains(" at ") }, "\(name): one thread failed somewhere: \(reference)")
        for count in threads {
            for run in 1...runs {
                let answers = try await pictures(path, threads: count, times: times)
                let differing = zip(times, zip(answers, reference)).filter { $0.1.0 != $0.1.1 }.map { $0.0.decimalSeconds }
                let differingPictures = differing.count
                #expect(differingPictures == 0, "\(name), \(count) threads, run \(run): \(differingPictures) of \(times.count) pictures differ from one thread's, at \(differing.prefix(12).joined(separator: ", "))")
            }
        }
    }

    /// Every frame of the seconds around the bursts, where the pictures differ.
    @Test func raceSampleGivesOneThreadsPictures() async throws {
        var times: [MediaTime] = []
        for second in [3, 7, 11, 15] {
            for frame in 0..<30 { times.append(MediaTime(value: Int64(second * 15 + frame) * 2 + 1, timescale: 30)) }
        }
        try await Self.expectSameAsOneThread("theora-race.ogv", times: times, threads: [8], runs: 3)
    }

    /// Every frame.
    @Test func quantizerSampleGivesOneThreadsPictures() async throws {
        let times = (0..<50).map { MediaTime(value: Int64($0) * 2 + 1, timescale: 50) }
        try await Self.expectSameAsOneThread("theora-qps.ogv", times: times, threads: [2, 8], runs: 1)
    }
}
