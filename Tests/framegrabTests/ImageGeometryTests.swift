import Foundation
import FrameGrab
import TestSupport
import Testing

/// `--max-size`, `--no-autorotate` and `--aperture`: the size and orientation of the images written.
@Suite struct ImageGeometryTests {
    /// Grabs one image at 2 s (frame 50 of every 25 fps fixture) and returns it decoded.
    func grab(_ name: String, _ options: [String], sourceLocation: SourceLocation = #_sourceLocation) throws -> (FrameImage?, JSONRecord?) {
        try Scratch.with { scratch in
            let result = try scratch.run([Fixtures.path(name), "--json", "-o", "out/image.png", "-t", "2"] + options,
                                         sourceLocation: sourceLocation)
            #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
            let record = jsonRecords(result, sourceLocation: sourceLocation).first
            let image = decodePNG(scratch.url("out/image.png"), sourceLocation: sourceLocation)
            #expect(record?.width == image?.width && record?.height == image?.height, "JSON size matches the file: \(result)",
                    sourceLocation: sourceLocation)
            #expect(scratch.expectOnlyPNGs(under: "out", sourceLocation: sourceLocation).count == 1, sourceLocation: sourceLocation)
            return (image, record)
        }
    }

    @Test(arguments: [
        ("160x0", 160, 120), ("0x60", 80, 60), ("100x100", 100, 75), ("1000x1000", 320, 240), ("320x240", 320, 240),
        ("0x0", 320, 240), ("640x0", 320, 240),
    ])
    func maxSizeFitsWithoutEnlarging(size: String, width: Int, height: Int) throws {
        let (image, _) = try grab(bframesName, ["--max-size", size])
        #expect(image?.width == width && image?.height == height, "--max-size \(size): got \(image.map { "\($0.width)x\($0.height)" } ?? "nothing")")
        if let image, image.width >= 160 { expectShows(image, frame: 50, "--max-size \(size)") }
    }

    @Test func rotationIsAppliedByDefault() throws {
        let video = Fixtures.video("rotated90.mp4")
        let (image, _) = try grab("rotated90.mp4", [])
        #expect(image?.width == 240 && image?.height == 320)
        // The frame number is drawn across the stored picture, so read it where the rotation put it.
        expectShows(image, frame: 50, orientation: video.displayOrientation, "rotated90.mp4, rotation applied")
        #expect(video.displayOrientation.swapsDimensions)
    }

    @Test func noAutorotateKeepsTheStoredOrientation() throws {
        let (image, _) = try grab("rotated90.mp4", ["--no-autorotate"])
        #expect(image?.width == 320 && image?.height == 240)
        expectShows(image, frame: 50, "rotated90.mp4 --no-autorotate")
    }

    @Test func maxSizeAppliesToTheRotatedPicture() throws {
        let (image, _) = try grab("rotated90.mp4", ["--max-size", "0x160"])
        #expect(image?.width == 120 && image?.height == 160)
        let (stored, _) = try grab("rotated90.mp4", ["--max-size", "0x160", "--no-autorotate"])
        #expect(stored?.width == 213 && stored?.height == 160)
    }

    @Test func productionApertureSquaresThePixels() throws {
        let (image, _) = try grab("anamorphic.mp4", [])
        #expect(image?.width == 320 && image?.height == 240)
        expectShows(image, frame: 50, "anamorphic.mp4")
        let (production, _) = try grab("anamorphic.mp4", ["--aperture", "production"])
        #expect(production == image)
    }

    @Test func encodedApertureKeepsTheStoredPixels() throws {
        let (image, _) = try grab("anamorphic.mp4", ["--aperture", "encoded"])
        #expect(image?.width == 240 && image?.height == 240)
        expectShows(image, frame: 50, "anamorphic.mp4 --aperture encoded")
    }

    /// Compression levels change the file, never the pixels.
    @Test func pngCompressionKeepsThePixels() throws {
        let (reference, _) = try grab(bframesName, [])
        for level in ["0", "fast", "best", "default", "9"] {
            let (image, _) = try grab(bframesName, ["--png-compression", level])
            #expect(image != nil && image == reference, "--png-compression \(level)")
        }
    }
}
