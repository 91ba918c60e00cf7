import FrameGrab
import TestSupport
import Testing

/// The structures real files have and the project's first fixtures did not: open GOPs (MPEG-2 in MPEG-TS
/// and MPEG-PS, HEVC with CRA and RASL pictures), a single keyframe in MPEG-TS, a raw elementary stream, an
/// edit list starting inside a GOP, B-frames in AVI (whose index gives decode times only), ASF packets holding several keyframes, a container
/// aspect ratio that disagrees with the bitstream's, and mirrored quarter turns. Every answer is checked by
/// the frame number in its pixels, in exact, keyframe and window modes, asked in one batch and one request
/// at a time.
@Suite struct StreamStructureTests {
    static let names = ["mpeg2-opengop.ts", "mpeg2-opengop.mpg", "hevc-onekey.ts", "hevc-opengop.mp4", "mpeg1.m1v",
                        "editlist-midgop.mp4", "mpeg4-bframes.avi", "wmv-packets.wmv"]

    /// Frame starts, mid-frame times, the last tick before each keyframe (among the leading pictures of an
    /// open GOP), the last frame and one second past the end.
    static func times(_ video: Fixtures.Video) -> [MediaTime] {
        let micro = MediaTime(value: 1, timescale: 1_000_000)
        var times: [MediaTime] = [.zero]
        for index in stride(from: 1, to: video.frames.count, by: 7) {
            let t = video.time(ofFrame: index)
            times += [t, t + MediaTime(value: 1, timescale: 100)]
        }
        for index in video.keyframeIndices where index > 0 { times.append(video.time(ofFrame: index) - micro) }
        return times + [video.time(ofFrame: video.frames.count - 1), video.end + MediaTime(seconds: 1)]
    }

    /// The frame a window request must return: the keyframe nearest T among those shown in the window
    /// (the earlier of two at the same distance), else the frame on screen at T.
    static func expected(_ video: Fixtures.Video, at time: MediaTime, before: MediaTime, after: MediaTime) -> Int? {
        let lower = time - before, upper = time + after
        func distance(_ index: Int) -> Double { abs((max(video.time(ofFrame: index), lower) - time).seconds) }
        let shown = video.keyframeIndices.filter { index in
            let start = video.time(ofFrame: index)
            let end = index + 1 < video.frames.count ? video.time(ofFrame: index + 1) : video.end
            return start <= upper && end > lower
        }
        if let nearest = shown.min(by: { distance($0) < distance($1) || (distance($0) == distance($1) && $0 < $1) }) { return nearest }
        return video.frameShown(at: time)
    }

    static let modes: [(name: String, before: MediaTime, after: MediaTime)] = [
        ("exact", .zero, .zero), ("keyframe", .positiveInfinity, .positiveInfinity),
        ("window", MediaTime(seconds: 0.5), MediaTime(seconds: 0.5)),
    ]

    func check(_ name: String, times: [MediaTime], mode: (name: String, before: MediaTime, after: MediaTime)) async throws {
        let video = Fixtures.video(name)
        let generator = AssetImageGenerator(asset: try await MediaAsset.open(path: Fixtures.path(name)))
        generator.requestedTimeToleranceBefore = mode.before
        generator.requestedTimeToleranceAfter = mode.after
        var seen = 0
        for await result in generator.results(for: times) {
            seen += 1
            let where_ = "\(name) \(mode.name) at \(result.requestedTime)"
            guard let frame = Self.expected(video, at: result.requestedTime, before: mode.before, after: mode.after) else {
                if case .failure(let error) = result.outcome { #expect(error.code == .beyondEnd, "\(where_): \(error)") } else { Issue.record("\(where_): expected beyondEnd") }
                continue
            }
            let generated = try result.outcome.get()
            #expect(frameNumber(in: generated.image) == frame, "\(where_)")
            #expect(generated.actualTime == video.time(ofFrame: frame), "\(where_): \(generated.actualTime)")
        }
        #expect(seen == times.count)
    }

    @Test(arguments: names)
    func inOneBatch(name: String) async throws {
        for mode in Self.modes { try await check(name, times: Self.times(Fixtures.video(name)), mode: mode) }
    }

    @Test(arguments: names)
    func oneAtATime(name: String) async throws {
        for mode in Self.modes {
            for time in Self.times(Fixtures.video(name)) { try await check(name, times: [time], mode: mode) }
        }
    }

    /// The container's `pasp` (4:3) wins over the bitstream's (2:1), for probing and for pictures alike.
    @Test func containerAspectRatioWins() async throws {
        let asset = try await MediaAsset.open(path: Fixtures.path("pasp-mismatch.mp4"))
        #expect(asset.videoTrack.sampleAspectRatio == (4, 3))
        #expect(asset.videoTrack.displaySize == PixelSize(width: 320, height: 240))
        let image = try await AssetImageGenerator(asset: asset).image(at: .zero).image
        #expect(PixelSize(width: image.width, height: image.height) == asset.videoTrack.displaySize)
    }

    /// Display matrices with a mirror: the transpose (0 1 / 1 0, as phones write) and the anti-transpose.
    @Test(arguments: [("mirrored90.mp4", 270), ("mirrored270.mp4", 90)])
    func mirroredQuarterTurns(name: String, clockwise: Int) async throws {
        let asset = try await MediaAsset.open(path: Fixtures.path(name))
        let orientation = Orientation(rotation: clockwise, mirrored: true)
        #expect(asset.videoTrack.orientation == orientation)
        #expect(asset.videoTrack.displaySize == PixelSize(width: 96, height: 128))
        let video = Fixtures.video(name)
        let generator = AssetImageGenerator(asset: asset)
        for index in [0, 5, video.frames.count - 1] {
            let image = try await generator.image(at: video.time(ofFrame: index)).image
            #expect(frameNumber(in: image, orientation: orientation) == index, "\(name) frame \(index)")
        }
    }
}
