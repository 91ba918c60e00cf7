@testable import FrameGrab
import Foundation
import TestSupport
import Testing

/// `MediaAsset.shots()` through the library's public API on the video the tests build (`ShotVideos`), and
/// `CutDetector`'s rules on made-up frames.
@Suite struct ShotTests {
    @Test func theShotsOfTheBuiltVideo() async throws {
        let asset = try await MediaAsset.open(path: try ShotVideos.path.get())
        var shots: [Shot] = []
        for try await shot in asset.shots() { shots.append(shot) }
        let frames = shots.map { Int(($0.start.seconds * Double(ShotVideos.frameRate)).rounded()) }
        #expect(ShotVideos.matches(frames), "shots start at frames \(frames), expected \(ShotVideos.starts)")
        #expect(shots.map(\.number) == Array(1...shots.count))
        #expect(zip(shots, shots.dropFirst()).allSatisfy { $0.end == $1.start })
        #expect(shots.last?.end == MediaTime(value: Int64(ShotVideos.frameCount), timescale: Int32(ShotVideos.frameRate)))
    }

    @Test func startsAreFrameTimes() async throws {
        // Starts are frame times on the generator's timeline: for a start and for the time one frame before
        // it, the generator gives frames at exactly those times.
        let asset = try await MediaAsset.open(path: try ShotVideos.path.get())
        var starts: [MediaTime] = []
        for try await shot in asset.shots() where shot.number > 1 { starts.append(shot.start) }
        let frame = MediaTime(value: 1, timescale: Int32(ShotVideos.frameRate))
        let generator = AssetImageGenerator(asset: asset)
        var actual: [Double] = []
        let requested = starts + starts.map { $0 - frame }
        for await result in generator.images(for: requested) {
            if case .success(_, _, let time) = result { actual.append(time.seconds) }
        }
        let micro = { (values: [Double]) in values.map { ($0 * 1e6).rounded() }.sorted() }
        #expect(micro(actual) == micro(requested.map(\.seconds)), "\(actual)")
    }

    @Test func stoppingEarlyEndsTheScan() async throws {
        let asset = try await MediaAsset.open(path: try ShotVideos.path.get())
        var seen = 0
        for try await _ in asset.shots() {
            seen += 1
            break
        }
        #expect(seen == 1)
    }

    // MARK: The detector's rules, on made-up frames

    /// A textured frame (seeded noise on a grid), scaled by `level` (0: black).
    static func texture(_ seed: UInt64, level: Double = 1, base: Double = 0) -> FrameSignature {
        var generator = SplitMix64(seed: seed)
        let planes = (0..<(3 * FrameSignature.sampleCount)).map { _ in
            UInt8(clamping: Int((base + level * Double(UInt8.random(in: 0...255, using: &generator))).rounded()))
        }
        return FrameSignature(planes: planes, limitedRange: false)
    }

    static func flat(_ value: UInt8) -> FrameSignature {
        FrameSignature(planes: [UInt8](repeating: value, count: FrameSignature.sampleCount)
                       + [UInt8](repeating: 128, count: 2 * FrameSignature.sampleCount), limitedRange: false)
    }

    /// A sequence that moves a little every frame (another seed mixed in), like a shot's own motion.
    static func shot(_ seed: UInt64, frames: Int, level: Double = 1) -> [FrameSignature] {
        (0..<frames).map { i in mix(texture(seed, level: level), texture(seed + 1000 + UInt64(i), level: level), 0.05) }
    }

    static func mix(_ a: FrameSignature, _ b: FrameSignature, _ t: Double) -> FrameSignature {
        FrameSignature(planes: zip(a.samples, b.samples).map { UInt8(clamping: Int((Double($0) * (1 - t) + Double($1) * t).rounded())) },
                       limitedRange: false)
    }

    static func cuts(_ frames: [FrameSignature]) -> [Int64] {
        var detector = CutDetector()
        var cuts: [Int64] = []
        for (index, frame) in frames.enumerated() { cuts += detector.add(tick: Int64(index), signature: frame) }
        return cuts + detector.finish()
    }

    @Test func blankAndBlack() {
        #expect(Self.flat(0).isBlack && Self.flat(255).isBlank && !Self.flat(255).isBlack && Self.flat(120).isBlank)
        #expect(!Self.texture(1).isBlank)
        #expect(Self.texture(1, level: 0.05).isBlack, "a fade's darkest frames are black")
    }

    @Test func aHardCutStartsAShot() {
        #expect(Self.cuts(Self.shot(1, frames: 10) + Self.shot(2, frames: 10)) == [10])
    }

    @Test func theSamePictureBrighterIsNoCut() {
        // A title card whose background goes from grey to white: far apart, but the same luma pattern.
        let dim = Self.shot(1, frames: 10, level: 0.5), bright = (0..<10).map { _ in Self.texture(1, level: 0.5, base: 120) }
        #expect(Self.cuts(dim + bright) == [])
    }

    @Test func aFineTextureIsNotBlank() {
        // A checkerboard of single pixels averages to one grey; at the grid's points it is black and white.
        let grey = [UInt8](repeating: 128, count: FrameSignature.sampleCount) + [UInt8](repeating: 128, count: 2 * FrameSignature.sampleCount)
        let points = (0..<FrameSignature.sampleCount).map { UInt8($0 % 2 == 0 ? 0 : 255) }
        #expect(FrameSignature(planes: grey, limitedRange: false).isBlank)
        #expect(!FrameSignature(planes: grey, pointLuma: points, limitedRange: false).isBlank)
    }

    @Test func aFlashInsideAShotIsNoCut() {
        #expect(Self.cuts(Self.shot(1, frames: 10) + [Self.flat(255)] + Self.shot(1, frames: 10)) == [])
        // Not a flat one either: a bright overlay for one frame.
        #expect(Self.cuts(Self.shot(1, frames: 10) + [Self.texture(9, level: 0.2, base: 200)] + Self.shot(1, frames: 10)) == [])
    }

    @Test func aCutThroughBlackStartsWhereTheNewPictureShows() {
        let fadeOut = (1...4).map { Self.texture(1, level: 1 - Double($0) / 5) }
        let fadeIn = [0.05, 0.25, 0.5, 0.75].map { Self.texture(2, level: $0) }
        let frames = Self.shot(1, frames: 10) + fadeOut + Array(repeating: Self.flat(0), count: 5) + fadeIn + Self.shot(2, frames: 10)
        // The first fade-in frame (at 5 % of its level) is black by the blank measure, and still starts the shot.
        #expect(Self.texture(2, level: 0.05).isBlack)
        #expect(Self.cuts(frames) == [19])
    }

    @Test func aDipToBlackInsideAShotAndABlackOpeningStartNone() {
        #expect(Self.cuts(Self.shot(1, frames: 10) + Array(repeating: Self.flat(0), count: 4) + Self.shot(1, frames: 10)) == [])
        #expect(Self.cuts(Array(repeating: Self.flat(0), count: 6) + Self.shot(1, frames: 10)) == [])
    }

    @Test func aDissolveStartsNone() {
        let a = Self.texture(1), b = Self.texture(2)
        let dissolve = (0..<25).map { Self.mix(a, b, Double($0) / 24) }
        #expect(Self.cuts(Array(repeating: a, count: 10) + dissolve + Array(repeating: b, count: 10)) == [])
    }
}

/// Requests that avoid blank frames, through the library's public API.
@Suite struct NonBlankRequestTests {
    @Test func aRequestMovesOffABlankFrameAndSaysSo() async throws {
        let asset = try await MediaAsset.open(path: try ShotVideos.path.get())
        let generator = AssetImageGenerator(asset: asset)
        let second = MediaTime(value: 1, timescale: 1)
        var checks: [Int: (BlankFrameCheck?, Double)] = [:]
        let requests = [FrameRequest(time: MediaTime(seconds: 0.1), nonBlankWithin: second),
                        FrameRequest(time: MediaTime(seconds: 5), nonBlankWithin: second),
                        FrameRequest(time: MediaTime(seconds: 0.1))]
        for await result in generator.results(for: requests) {
            let generated = try result.outcome.get()
            checks[result.requestIndex] = (generated.blankFrameCheck, generated.actualTime.seconds)
        }
        #expect(checks[0]?.0 == .moved && checks[0]?.1 == 0.4, "\(checks)")
        #expect(checks[1]?.0 == .notBlank && checks[1]?.1 == 5, "\(checks)")
        #expect(checks[2]?.0 == nil && checks[2]?.1 == 0.08, "without a window the blank frame is the answer: \(checks)")
    }
}

/// `MediaAsset.posterFrame()` through the library's public API.
@Suite struct PosterFrameTests {
    @Test func thePosterFrameIsNotBlankAndItsScoreSaysWhy() async throws {
        let asset = try await MediaAsset.open(path: try ShotVideos.path.get())
        let choice = try await asset.posterFrame()
        let frame = Int((choice.time.seconds * Double(ShotVideos.frameRate)).rounded())
        #expect(!Set(0..<10).union([ShotVideos.flash]).union(284...296).contains(frame), "the poster is frame \(frame)")
        #expect(choice.score.total == (choice.score.sharpness + choice.score.typicality) / 2)
        #expect(choice.score.candidates > 16, "keyframes, then frames around the best: \(choice.score)")
        // The best of the candidates it measured: no other of the spread beats it.
        #expect(choice.score.total > 0.5, "\(choice.score)")
    }

    @Test func aTypicalSharpFrameBeatsAFlashAndABlur() {
        let plain = (0..<64).map { UInt8(($0 * 37) % 256) }
        func image(_ f: (Int, Int) -> UInt8) -> FrameImage {
            var pixels: [UInt8] = []
            for y in 0..<40 { for x in 0..<64 { let v = f(x, y); pixels += [v, v, v] } }
            return FrameImage(width: 64, height: 40, pixelFormat: .rgb8, pixels: pixels)
        }
        let sharp = PosterCandidate(time: .zero, image: image { x, _ in plain[x] })
        let blurred = PosterCandidate(time: MediaTime(value: 1, timescale: 1), image: image { x, _ in UInt8((Int(plain[x]) + Int(plain[(x + 1) % 64])) / 2) })
        let flash = PosterCandidate(time: MediaTime(value: 2, timescale: 1), image: image { x, _ in x % 2 == 0 ? 250 : 255 })
        let ranked = PosterCandidate.ranked([flash, blurred, sharp, sharp])
        #expect(ranked.first?.time == .zero, "\(ranked.map(\.time))")
    }
}
