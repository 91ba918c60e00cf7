import Foundation
import FrameGrab
import TestSupport
import Testing

/// `probe` says where the video truly ends, and `--count` spreads over that length, for files whose container
/// misstates it (issue 19): a raw stream whose duration libavformat works out from the bit rate (a few ms) or
/// not at all, a fragmented MP4 whose headers say 335,544 s, an FLV whose duration covers audio that runs on,
/// an FLV cut short whose metadata still says 10 s. The true end is the manifest's `video_end` (where the last
/// frame stops being shown, on the requested-time scale).
@Suite struct TrueLengthTests {
    static let names = ["mpeg1.m1v", "mpeg2-raw.m2v", "h264-raw.h264", "h264-dts-order.mp4",
                        "fragmented-duration.mp4", "overstated.flv", "cut-short.flv"]

    static func videoEnd(_ name: String) -> Double { Fixtures.entry(name)["video_end"] as! Double }

    @Test(arguments: names)
    func probeSaysWhereTheVideoEnds(name: String) throws {
        let end = Self.videoEnd(name)
        #expect(abs(end - Fixtures.video(name).end.seconds) < 1e-6, "the manifest's video_end is where its last frame ends")
        try Scratch.with { scratch in
            let result = try scratch.run(["probe", "--json", Fixtures.path(name)])
            #expect(result.status == 0, "\(result)")
            let object = try #require(jsonRecords(result).first?.object)
            let onlyVideo = (object["otherStreams"] as? [Any])?.isEmpty == true
            let video = object["videoDuration"] as? Double, duration = object["duration"] as? Double
            #expect(video.map { abs($0 - end) < 0.0005 } == true, "\(name): videoDuration \(video.map { "\($0)" } ?? "null"), the video ends at \(end)")
            if onlyVideo {
                #expect(duration.map { abs($0 - end) < 0.0005 } == true, "\(name): duration \(duration.map { "\($0)" } ?? "null"), the video ends at \(end)")
            }
        }
    }

    /// `--count 4` asks for the middles of four equal parts of the video, and gets the frames on screen there.
    @Test(arguments: names)
    func countSpreadsOverTheVideo(name: String) throws {
        let video = Fixtures.video(name)
        let end = Self.videoEnd(name)
        try Scratch.with { scratch in
            let result = try scratch.run([Fixtures.path(name), "--count", "4", "--json", "-q", "-o", "out/{index}.png"])
            let records = jsonRecords(result).filter { $0.index != nil }.sorted { $0.index! < $1.index! }
            #expect(result.status == 0 && records.count == 4, "\(name): \(result)")
            for (k, record) in records.enumerated() {
                let want = (Double(k) + 0.5) / 4 * end
                guard let requested = record.requested, abs(requested - want) < 0.001 else {
                    Issue.record("\(name): request \(k + 1) at \(record.requested.map { "\($0)" } ?? "?"), expected \(want) (a quarter of \(end) s)")
                    continue
                }
                let frame = video.frameShown(at: MediaTime(seconds: requested))
                let file = record.path.map { $0.hasPrefix("/") ? URL(fileURLWithPath: $0) : scratch.url($0) }
                let shown = file.flatMap { decodePNG($0) }.map { frameNumber(in: $0) }
                #expect(shown != nil && shown == frame, "\(name) at \(requested): frame \(shown.map { "\($0)" } ?? "none") (\(record)), expected \(frame.map { "\($0)" } ?? "none")")
                if let frame, let actual = record.actual {
                    #expect(abs(actual - video.time(ofFrame: frame).seconds) < 1e-6, "\(name) at \(requested): labelled \(actual), frame \(frame) is at \(video.time(ofFrame: frame).seconds)")
                }
            }
        }
    }
}
