import Foundation
import FrameGrab
import TestSupport
import Testing

/// Shares of the length (`50%`, `--count`, sheets, storyboards) are placed within the video itself: audio
/// that runs on after the last picture does not push times past it, and a file that states no duration is
/// measured from its packets.
@Suite struct VideoLengthTests {
    @Test func audioThatRunsOnDoesNotPushTimesPastTheLastPicture() throws {
        try Scratch.with { scratch in
            // 2 s of 25 fps video (frame numbers drawn by testsrc are not needed: the last frame is 49), 3 s of audio.
            try FFmpegTool.run(["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=d=2:r=25:s=160x120", "-f", "lavfi", "-i", "sine=d=3",
                                "-c:v", "libx264", "-c:a", "aac", "clip.mp4"], in: scratch.url)
            let probe = try #require(jsonRecords(try scratch.run(["probe", "--json", "clip.mp4"])).first)
            let duration = try #require(probe.object["duration"] as? Double), video = try #require(probe.object["videoDuration"] as? Double)
            #expect(duration > 2.9 && abs(video - 2) < 0.001, "\(probe)")
            let grab = try scratch.run(["clip.mp4", "-t", "100%", "-t", "99%", "--json", "-o", "out/"])
            #expect(grab.status == 0, "\(grab)")
            let actual = jsonRecords(grab).compactMap(\.actual)
            #expect(actual.count == 2 && actual.allSatisfy { abs($0 - 1.96) < 0.001 }, "100% is the last frame: \(grab)")
            let sheet = try scratch.run(["sheet", "clip.mp4", "--count", "8", "--json", "-q"])
            #expect(sheet.status == 0, "\(sheet)")
        }
    }

    @Test func aFileThatStatesNoDurationIsMeasured() throws {
        try Scratch.with { scratch in
            // ffmpeg's animated PNG states no duration: 10 frames at 10 fps, 1 s.
            try FFmpegTool.run(["-loglevel", "error", "-f", "lavfi", "-i", "testsrc=d=1:r=10:s=64x48", "-plays", "0", "a.apng"], in: scratch.url)
            let probe = try #require(jsonRecords(try scratch.run(["probe", "--json", "a.apng"])).first)
            // The container states none; the video is all the file holds: its measured length is the file's.
            #expect(probe.object["duration"] as? Double == 1 && probe.object["videoDuration"] as? Double == 1, "\(probe)")
            let grab = try scratch.run(["a.apng", "--count", "2", "--json", "-o", "out/"])
            #expect(grab.status == 0, "\(grab)")
            #expect(jsonRecords(grab).compactMap(\.requested).sorted() == [0.25, 0.75], "\(grab)")
            let board = try scratch.run(["storyboard", "a.apng", "--every", "0.5", "--format", "png", "-q"])
            #expect(board.status == 0, "\(board)")
            let vtt = try String(contentsOf: scratch.url("a.vtt"), encoding: .utf8)
            #expect(vtt.contains("00:00:00.500 --> 00:00:01.000\n"), "the last cue ends where the last frame does: \(vtt)")
        }
    }
}
