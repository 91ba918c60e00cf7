import Foundation
import FrameGrab
import TestSupport
import Testing

/// Files that are not usable videos fail with a typed error that names the file; nothing crashes.
@Suite struct AssetErrorTests {
    let folder: URL

    init() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-errors-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    func file(_ name: String, _ bytes: [UInt8]) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(bytes).write(to: url)
        return url.path
    }

    func openError(_ path: String) -> FrameGrabError? {
        do {
            _ = try MediaAsset(path: path)
            return nil
        } catch {
            return error
        }
    }

    @Test func missingFile() {
        let path = folder.appendingPathComponent("nope.mp4").path
        let error = openError(path)
        #expect(error?.code == .notFound)
        #expect(error?.message.contains(path) == true)
        #expect(error?.path == path)
    }

    @Test func emptyFile() throws {
        let path = try file("empty.mp4", [])
        #expect(openError(path)?.code == .emptyFile)
    }

    @Test func randomBytes() throws {
        var state: UInt32 = 12345
        let bytes = (0..<100_000).map { _ -> UInt8 in
            state = state &* 1664525 &+ 1013904223
            return UInt8(state >> 24)
        }
        let path = try file("random.mp4", bytes)
        let error = openError(path)
        #expect(error?.code == .invalidData)
        #expect(error?.message.contains("random.mp4") == true)
    }

    @Test func textFile() throws {
        let path = try file("notes.mkv", Array(String(repeating: "just some words\n", count: 200).utf8))
        #expect(openError(path)?.code == .invalidData)
    }

    @Test func folderInsteadOfFile() throws {
        let path = folder.appendingPathComponent("clip.mp4").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        #expect(openError(path)?.code == .isDirectory)
    }

    @Test func audioOnly() {
        let error = openError(Fixtures.path("audio-only.m4a"))
        #expect(error?.code == .noVideoStream)
        #expect(error?.message.contains("audio") == true)
    }

    @Test func truncatedFileStillYieldsEveryFrameBeforeTheCut() async throws {
        // MPEG-TS has no index: cut it in half and the frames before the cut must still come out right.
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.path("h264-offset.ts")))
        let path = try file("half.ts", [UInt8](data.prefix(data.count / 2)))
        let video = Fixtures.video("h264-offset.ts")
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: path))
        var images = 0
        var failures: [FrameGrabError] = []
        for await result in generator.results(for: [0.5, 1.0, 1.5, 5.9].map { MediaTime(seconds: $0) }) {
            switch result.outcome {
            case .success(let generated):
                images += 1
                #expect(frameNumber(in: generated.image) == video.frameShown(at: result.requestedTime))
            case .failure(let error):
                failures.append(error)
            }
        }
        #expect(images == 3)
        #expect(failures.count == 1)
        #expect(failures.first.map { [.beyondEnd, .decodeFailed].contains($0.code) } == true)
        #expect(failures.first?.requestedTime == MediaTime(seconds: 5.9))
    }

    @Test func invalidTimeIsAPerRequestFailure() async throws {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path("h264-bframes.mp4")))
        var codes: [Int: FrameGrabError.Code?] = [:]
        for await result in generator.results(for: [.invalid, MediaTime(seconds: 1)]) {
            codes[result.requestIndex] = (try? result.outcome.get()) == nil ? result.outcome.failureCode : nil
        }
        #expect(codes[0] == .invalidTime)
        #expect(codes[1] == .some(nil))
    }
}

extension Result where Failure == FrameGrabError {
    var failureCode: FrameGrabError.Code? {
        if case .failure(let error) = self { return error.code }
        return nil
    }
}
