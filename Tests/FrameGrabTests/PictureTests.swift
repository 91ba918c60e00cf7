import FrameGrab
import TestSupport
import Testing

/// The library's picture settings (`outputDepth`, `hdrPolicy`, `deinterlaces`) and the geometry fixtures,
/// through the public API.
@Suite struct PictureTests {
    func image(_ name: String, at seconds: Double = 0.05, configure: (AssetImageGenerator) -> Void = { _ in }) async throws -> FrameImage {
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        configure(generator)
        return try await generator.image(at: MediaTime(seconds: seconds)).image
    }

    @Test func depthSixteenGivesSixteenBitImagesThatRoundToTheEightBitOnes() async throws {
        let eight = try await image("colour-10bit.mp4")
        let sixteen = try await image("colour-10bit.mp4") { $0.outputDepth = .sixteen }
        #expect(eight.pixelFormat == .rgb8 && sixteen.pixelFormat == .rgb16)
        var largest = 0
        for y in stride(from: 0, to: eight.height, by: 7) {
            for x in stride(from: 0, to: eight.width, by: 5) {
                for c in 0..<3 {
                    largest = max(largest, abs(Int((Double(sixteen.sample(x: x, y: y, channel: c)) / 257).rounded()) - eight.sample(x: x, y: y, channel: c)))
                }
            }
        }
        #expect(largest <= 1, "8-bit and 16-bit differ by \(largest) code values")
    }

    @Test func alphaOnlyWhereTheSourceHasIt() async throws {
        #expect(try await image("alpha-png.mov").pixelFormat == .rgba8)
        #expect(try await image("alpha-prores.mov") { $0.outputDepth = .sixteen }.pixelFormat == .rgba16)
        #expect(try await image("colour-bt709.mp4").pixelFormat == .rgb8)
    }

    @Test func hdrPolicies() async throws {
        let mapped = try await image("hdr-pq.mp4")
        #expect(mapped.pixelFormat == .rgb8 && mapped.codePoints == nil)
        let mappedWide = try await image("hdr-pq.mp4") { $0.outputDepth = .sixteen }
        #expect(mappedWide.pixelFormat == .rgb16 && mappedWide.codePoints == nil)
        let kept = try await image("hdr-hlg.mp4") { $0.hdrPolicy = .keep }
        #expect(kept.pixelFormat == .rgb16)
        #expect(kept.codePoints == CodingIndependentCodePoints(colourPrimaries: 9, transferCharacteristics: 18))
        // The kept signal is not the mapped picture.
        let mappedHLG = try await image("hdr-hlg.mp4")
        #expect(Int((Double(kept.sample(x: 64, y: 80, channel: 0)) / 257).rounded()) != mappedHLG.sample(x: 64, y: 80, channel: 0))
    }

    /// The operator's published values: hable(0) is 0, and the curve rises; PQ 0.5081 is about 100 cd/m².
    @Test func toneMappingBuildingBlocks() {
        #expect(abs(ToneMapping.hable(0)) < 1e-12)
        #expect(ToneMapping.hable(1) < ToneMapping.hable(2))
        #expect(abs(ToneMapping.pqToNits(0.5081) - 100) < 0.5)
        #expect(abs(ToneMapping.pqToNits(1) - 10_000) < 1e-6)
        #expect(abs(ToneMapping.hlgToScene(0.5) - 1.0 / 12) < 1e-9)
        let white = ToneMapping.map((1, 1, 1), transfer: .pq)
        #expect([white.0, white.1, white.2].allSatisfy { abs($0 - 1) < 1e-5 }, "the peak maps to white: \(white)")
    }

    @Test func deinterlacingCanBeTurnedOff() async throws {
        let woven = try await image("interlaced.mkv", at: 0.25) { $0.deinterlaces = false }
        let bobbed = try await image("interlaced.mkv", at: 0.25)
        #expect((woven.width, woven.height) == (160, 128) && (bobbed.width, bobbed.height) == (160, 128))
        #expect(woven != bobbed)
        #expect(frameNumber(in: bobbed) == 6 && frameNumber(in: woven) == 6)
        // Combing: woven fields of moving content differ more between neighbouring lines than the bobbed field.
        func lineDifference(_ image: FrameImage) -> Int {
            var sum = 0
            for y in image.height / 4..<(image.height - 1) {
                for x in 0..<image.width { sum += abs(image.sample(x: x, y: y, channel: 1) - image.sample(x: x, y: y + 1, channel: 1)) }
            }
            return sum
        }
        #expect(lineDifference(woven) > lineDifference(bobbed))
    }

    @Test(arguments: [("rotated180.mp4", 180, false, 128, 96), ("rotated270.mp4", 270, false, 96, 128), ("mirrored.mp4", 0, true, 128, 96)])
    func everyOrientation(_ name: String, _ rotation: Int, _ mirrored: Bool, _ width: Int, _ height: Int) async throws {
        let orientation = try await MediaAsset.open(path: Fixtures.path(name)).videoTrack.orientation
        #expect(orientation == Orientation(rotation: rotation, mirrored: mirrored))
        let upright = try await image(name, at: 0.17)
        #expect((upright.width, upright.height) == (width, height))
        #expect(frameNumber(in: upright, orientation: orientation) == 4)
    }

    @Test func oddSizesAndSizeChanges() async throws {
        let odd = try await image("odd-size.mkv", at: 0.13)
        #expect((odd.width, odd.height) == (125, 93))
        #expect(frameNumber(in: odd) == 3)
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path("size-change.ts")))
        var sizes: [Int: (Int, Int)] = [:]
        for await result in generator.results(for: (0..<20).map { MediaTime(seconds: Double($0) * 0.04 + 0.01) }) {
            guard case .success(let generated) = result.outcome else { Issue.record("\(result)"); continue }
            sizes[result.requestIndex] = (generated.image.width, generated.image.height)
            #expect(frameNumber(in: generated.image) == result.requestIndex)
        }
        for index in 0..<20 {
            let expected = index < 10 ? (128, 96) : (96, 64)
            #expect(sizes[index].map { $0 == expected } == true, "frame \(index): \(String(describing: sizes[index]))")
        }
    }
}
