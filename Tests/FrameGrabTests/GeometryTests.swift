import FrameGrab
import TestSupport
import Testing

/// Rotation, pixel aspect and maximum size shape the image; the frame-number code must survive each.
@Suite struct GeometryTests {
    func image(_ name: String, at seconds: Double = 1.001, configure: (AssetImageGenerator) -> Void = { _ in }) async throws -> (FrameImage, AssetImageGenerator) {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        configure(generator)
        return (try await generator.image(at: MediaTime(seconds: seconds)).image, generator)
    }

    @Test func assetDescribesTheVideo() throws {
        let rotated = try MediaAsset(path: Fixtures.path("rotated90.mp4")).videoTrack
        #expect(rotated.encodedSize == PixelSize(width: 320, height: 240))
        #expect(rotated.orientation.rotation == (360 - Fixtures.video("rotated90.mp4").rotation) % 360)
        #expect(rotated.displaySize == PixelSize(width: 240, height: 320))
        let anamorphic = try MediaAsset(path: Fixtures.path("anamorphic.mp4")).videoTrack
        #expect(anamorphic.sampleAspectRatio == (4, 3))
        #expect(anamorphic.displaySize == PixelSize(width: 320, height: 240))
        let asset = try MediaAsset(path: Fixtures.path("h264-bframes.mp4"))
        #expect(asset.duration == MediaTime(value: 10, timescale: 1))
        #expect(asset.videoTrack.nominalFrameRate == 25)
        #expect(asset.videoTrack.codecName == "h264")
        #expect(asset.streams.map(\.mediaType) == [.video, .audio])
        let ts = try MediaAsset(path: Fixtures.path("h264-offset.ts"))
        #expect(ts.startTime == MediaTime(value: 114, timescale: 10))
    }

    @Test func rotationIsAppliedByDefault() async throws {
        let (upright, generator) = try await image("rotated90.mp4")
        #expect((upright.width, upright.height) == (240, 320))
        #expect(frameNumber(in: upright, orientation: generator.asset.videoTrack.orientation) == 25)
        // Read without undoing the rotation, the code is not there.
        #expect(frameNumber(in: upright) != 25)
    }

    @Test func rotationCanBeTurnedOff() async throws {
        let (stored, _) = try await image("rotated90.mp4") { $0.appliesPreferredTrackTransform = false }
        #expect((stored.width, stored.height) == (320, 240))
        #expect(frameNumber(in: stored) == 25)
    }

    @Test func productionApertureMakesPixelsSquare() async throws {
        let (square, _) = try await image("anamorphic.mp4")
        #expect((square.width, square.height) == (320, 240))
        #expect(frameNumber(in: square) == 25)
        let (encoded, _) = try await image("anamorphic.mp4") { $0.apertureMode = .encodedPixels }
        #expect((encoded.width, encoded.height) == (240, 240))
        #expect(frameNumber(in: encoded) == 25)
    }

    @Test(arguments: [
        (PixelSize(width: 160, height: 0), PixelSize(width: 160, height: 120)),
        (PixelSize(width: 0, height: 60), PixelSize(width: 80, height: 60)),
        (PixelSize(width: 100, height: 100), PixelSize(width: 100, height: 75)),
        (PixelSize(width: 1000, height: 1000), PixelSize(width: 320, height: 240)),
    ])
    func maximumSizeFitsWithoutUpscaling(maximum: PixelSize, expected: PixelSize) async throws {
        let (image, _) = try await image("h264-bframes.mp4") { $0.maximumSize = maximum }
        #expect(PixelSize(width: image.width, height: image.height) == expected)
        #expect(frameNumber(in: image) == 25)
    }

    @Test func maximumSizeAppliesToTheShownPicture() async throws {
        // The rotated video is shown 240 wide and 320 high: fitting into 120x0 halves it.
        let (image, generator) = try await image("rotated90.mp4") { $0.maximumSize = PixelSize(width: 120, height: 0) }
        #expect((image.width, image.height) == (120, 160))
        #expect(frameNumber(in: image, orientation: generator.asset.videoTrack.orientation) == 25)
    }

    @Test func opaqueVideoGivesRGB() async throws {
        let (image, _) = try await image("vp9.webm")
        #expect(image.pixelFormat == .rgb8)
    }
}
