import Foundation
import FrameGrab
import Testing

@Suite struct MediaTimeTests {
    @Test func exactRationalComparison() {
        #expect(MediaTime(value: 1001, timescale: 30000) == MediaTime(value: 1001 * 2, timescale: 60000))
        #expect(MediaTime(value: 1, timescale: 3) < MediaTime(value: 333_334, timescale: 1_000_000))
        #expect(MediaTime(value: 1, timescale: 3) > MediaTime(value: 333_333, timescale: 1_000_000))
        #expect(MediaTime.positiveInfinity > MediaTime(value: Int64.max, timescale: 1))
        #expect(MediaTime.negativeInfinity < MediaTime(value: Int64.min, timescale: 1))
        #expect(Set([MediaTime(value: 1, timescale: 2), MediaTime(value: 2, timescale: 4)]).count == 1)
    }

    @Test func arithmeticIsExact() {
        // 1/3 + 1/6 = 1/2, with no floating-point rounding.
        #expect(MediaTime(value: 1, timescale: 3) + MediaTime(value: 1, timescale: 6) == MediaTime(value: 1, timescale: 2))
        // 30000/1001 frame durations add up exactly.
        let frame = MediaTime(value: 1001, timescale: 30000)
        var sum = MediaTime.zero
        for _ in 0..<30000 { sum += frame }
        #expect(sum == MediaTime(value: 1001, timescale: 1))
        #expect(frame * 3 - frame == frame * 2)
        #expect((MediaTime.positiveInfinity - .positiveInfinity).isValid == false)
        #expect(MediaTime.positiveInfinity + frame == .positiveInfinity)
    }

    @Test func seconds() {
        #expect(MediaTime(seconds: 12.5) == MediaTime(value: 25, timescale: 2))
        #expect(MediaTime(seconds: 12.5).seconds == 12.5)
        #expect(MediaTime(seconds: .infinity) == .positiveInfinity)
        #expect(!MediaTime(seconds: .nan).isValid)
        #expect(MediaTime(value: 1, timescale: 25).decimalSeconds == "0.04")
        #expect(MediaTime(value: -3, timescale: 2).decimalSeconds == "-1.5")
    }

    @Test func convertScaleRounds() {
        let third = MediaTime(value: 1, timescale: 3)
        #expect(third.convertScale(1000).value == 333)
        #expect(third.convertScale(1000, rounding: .up).value == 334)
        #expect(MediaTime(value: -1, timescale: 3).convertScale(1000).value == -334)
        #expect(MediaTime(value: 2, timescale: 3).convertScale(1000, rounding: .nearest).value == 667)
    }
}

@Suite struct PNGTests {
    func gradient(_ format: FrameImage.PixelFormat, width: Int = 37, height: Int = 11) -> FrameImage {
        let count = width * height * format.bytesPerPixel
        return FrameImage(width: width, height: height, pixelFormat: format, pixels: (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 13) })
    }

    /// Small images are written by libpng alone; larger 8-bit ones with one filter are filtered and
    /// deflated by PNGCodec itself: both must give back the same pixels, with every filter and strategy.
    @Test(arguments: [FrameImage.PixelFormat.rgb8, .rgba8, .rgb16, .rgba16], [(37, 11), (211, 97)])
    func roundTrip(format: FrameImage.PixelFormat, size: (width: Int, height: Int)) throws {
        let image = gradient(format, width: size.width, height: size.height)
        for level in [0, 1, 3, 9] {
            for filter in PNGOptions.Filter.allCases {
                for strategy in PNGOptions.Strategy.allCases {
                    let data = try image.pngData(options: PNGOptions(compressionLevel: level, strategy: strategy, filter: filter))
                    #expect(Array(data.prefix(8)) == [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])
                    #expect(try FrameImage(pngData: data) == image)
                }
            }
        }
    }

    /// `auto` chooses one filter per image as libpng's heuristic would: none for noise, where prediction
    /// only adds entropy, and a predicting filter for smooth pictures.
    @Test func autoFilterPicksWhatSuitsThePicture() throws {
        var state: UInt32 = 7
        let noise = FrameImage(width: 64, height: 64, pixelFormat: .rgb8, pixels: (0..<64 * 64 * 3).map { _ in
            state = state &* 1664525 &+ 1013904223
            return UInt8(state >> 24)
        })
        let smooth = FrameImage(width: 64, height: 64, pixelFormat: .rgb8,
                                pixels: (0..<64 * 64 * 3).map { UInt8(truncatingIfNeeded: ($0 / 3) % 64 * 2 + ($0 / 192)) })
        func size(_ image: FrameImage, _ filter: PNGOptions.Filter) throws -> Int {
            try image.pngData(options: PNGOptions(strategy: .rle, filter: filter)).count
        }
        #expect(try size(noise, .auto) == size(noise, .none))
        #expect(try size(smooth, .auto) < size(smooth, .none) / 2)
        // A predicting filter, chosen by the heuristic (which estimates: it may take either of two that tie).
        #expect(try [size(smooth, .up), size(smooth, .paeth)].contains(size(smooth, .auto)))
    }

    @Test func sameImageSameBytes() throws {
        let image = gradient(.rgb8)
        #expect(try image.pngData() == image.pngData())
    }

    @Test func textChunksAreWritten() throws {
        let data = try gradient(.rgb8).pngData(options: PNGOptions(textChunks: [("Source", "movie.mp4")]))
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.contains("tEXtSource\u{0}movie.mp4"))
    }

    @Test func corruptDataIsAnError() throws {
        let data = try gradient(.rgb8).pngData()
        #expect(throws: PNGError.self) { try FrameImage(pngData: Array(data.prefix(data.count / 2))) }
        #expect(throws: PNGError.self) { try FrameImage(pngData: Array("not a png".utf8)) }
    }

    @Test func writesAtomically() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-png-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        let url = folder.appendingPathComponent("a.png")
        try gradient(.rgb8).writePNG(to: url)
        #expect(try FrameImage(contentsOfPNG: url) == gradient(.rgb8))
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.png"])
        #expect(throws: (any Error).self) { try gradient(.rgb8).writePNG(to: folder.appendingPathComponent("missing/b.png")) }
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path) == ["a.png"])
    }
}
