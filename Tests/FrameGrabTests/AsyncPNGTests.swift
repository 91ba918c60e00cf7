import Foundation
import FrameGrab
import TestSupport
import Testing

/// The async PNG calls (run on the work pool) give what the blocking ones give.
@Suite struct AsyncPNGTests {
    @Test func asyncEncodingAndDecodingRoundTrip() async throws {
        let asset = try await MediaAsset.open(path: Fixtures.path("h264-bframes.mp4"))
        let image = try await AssetImageGenerator(asset: asset).image(at: MediaTime(seconds: 2)).image
        let bytes = try await image.pngData()
        let decoded = try await FrameImage.decodingPNG(bytes)
        #expect(decoded == image)
        #expect(frameNumber(in: decoded) == Fixtures.video("h264-bframes.mp4").frameShown(at: MediaTime(seconds: 2)))
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-async-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        let file = folder.appendingPathComponent("still.png")
        try await image.writePNG(to: file)
        #expect(try await FrameImage.decodingPNG(Array(Data(contentsOf: file))) == image)
    }
}
