import Foundation
import FrameGrab
import TestSupport
import Testing

/// Which video stream images come from: the one named when the asset is opened, else a moving stream
/// over one-frame stills, else FFmpeg's own choice.
@Suite struct VideoStreamTests {
    /// The band number of the image made at each time (nil for a failed request), in request order.
    func numbers(_ asset: MediaAsset, at times: [MediaTime]) async -> [Int?] {
        var numbers = [Int?](repeating: nil, count: times.count)
        for await result in AssetImageGenerator(asset: asset).results(for: times) {
            if case .success(let generated) = result.outcome { numbers[result.requestIndex] = frameNumber(in: generated.image) }
        }
        return numbers
    }

    @Test func ffmpegsChoiceAmongTwoClips() async throws {
        let streams = Fixtures.videoStreams("two-video-streams.mp4")
        let asset = try await MediaAsset.open(path: Fixtures.path("two-video-streams.mp4"))
        // FFmpeg prefers the stream flagged default: stream 0.
        #expect(streams[0].isDefault && !streams[1].isDefault)
        #expect(asset.videoTrack.streamIndex == 0 && asset.videoStreamSelection == .ffmpegDefault)
        #expect(asset.videoTrack.encodedSize == PixelSize(width: streams[0].width, height: streams[0].height))
        #expect(asset.streams.map(\.isOneFrameStill) == [false, false])
        #expect(asset.streams.map(\.frameCount) == [10, 15])
        #expect(await numbers(asset, at: [streams[0].time(ofFrame: 3), MediaTime(seconds: 0.5)]) == [3, nil])
    }

    @Test func theStreamAskedForIsTheOneImagesComeFrom() async throws {
        let streams = Fixtures.videoStreams("two-video-streams.mp4")
        let asset = try await MediaAsset.open(url: URL(fileURLWithPath: Fixtures.path("two-video-streams.mp4")), videoStream: 1)
        #expect(asset.videoTrack.streamIndex == 1 && asset.videoStreamSelection == .requested)
        #expect(asset.videoTrack.encodedSize == PixelSize(width: 160, height: 120))
        #expect(asset.videoTrack.frameCount == 15)
        // Stream 1 runs on after stream 0 has ended (0.4 s): its frames are numbered from 100.
        let times = [MediaTime.zero, streams[1].time(ofFrame: 7), MediaTime(seconds: 0.5)]
        #expect(await numbers(asset, at: times) == [100, 107, 112])
        #expect(try await asset.keyframeTimes() == [.zero])
    }

    /// A clip beside a larger one-frame still that the container flags default, as a phone's motion photo:
    /// FFmpeg alone would take the still; the clip is taken.
    @Test func aMovingStreamWinsOverAOneFrameStill() async throws {
        let streams = Fixtures.videoStreams("clip-and-still.mp4")
        #expect(!streams[0].isDefault && streams[1].isDefault && streams[1].pts.count == 1)
        let asset = try await MediaAsset.open(path: Fixtures.path("clip-and-still.mp4"))
        #expect(asset.videoTrack.streamIndex == 0 && asset.videoStreamSelection == .movingOverStill)
        #expect(asset.streams.map(\.isOneFrameStill) == [false, true])
        #expect(asset.streams[1].size == PixelSize(width: 256, height: 192))
        #expect(await numbers(asset, at: [.zero, streams[0].time(ofFrame: 9)]) == [0, 9])
    }

    @Test func theStillCanStillBeAskedFor() async throws {
        let asset = try await MediaAsset.open(path: Fixtures.path("clip-and-still.mp4"), videoStream: 1)
        #expect(asset.videoTrack.streamIndex == 1 && asset.videoTrack.encodedSize == PixelSize(width: 256, height: 192))
        #expect(asset.videoStreamSelection == .requested)
        var outcomes: [Int: Result<GeneratedImage, FrameGrabError>] = [:]
        for await result in AssetImageGenerator(asset: asset).results(for: [.zero, MediaTime(seconds: 0.2)]) {
            outcomes[result.requestIndex] = result.outcome
        }
        #expect(try frameNumber(in: outcomes[0]!.get().image) == 200)
        guard case .failure(let error) = outcomes[1] else {
            Issue.record("the still has one frame: 0.2 s is past its end")
            return
        }
        #expect(error.code == .beyondEnd)
    }

    @Test func aFileWithOneVideoStreamSaysSo() throws {
        let asset = try MediaAsset(path: Fixtures.path("h264-bframes.mp4"))
        #expect(asset.videoTrack.streamIndex == 0 && asset.videoStreamSelection == .onlyVideoStream)
        #expect(asset.streams[0].frameCount == 250 && !asset.streams[0].isOneFrameStill && asset.streams[0].isDecodable)
        // The audio stream is no still: only video streams are.
        #expect(asset.streams[1].mediaType == .audio && !asset.streams[1].isOneFrameStill)
    }

    @Test(arguments: [
        ("h264-bframes.mp4", 1, "stream 1 is audio, not video; its video stream is 0"),
        ("h264-bframes.mp4", 2, "no stream 2 (the file has streams 0 to 1); its video stream is 0"),
        ("two-video-streams.mp4", 9, "no stream 9 (the file has streams 0 to 1); its video streams are 0 and 1"),
        ("audio-only.m4a", 0, "stream 0 is audio, not video; the file has no video stream"),
        ("h264-bframes.mp4", -1, "no stream -1 (the file has streams 0 to 1); its video stream is 0"),
    ])
    func aStreamThatIsNotVideoIsAnInputError(name: String, stream: Int, reason: String) {
        let path = Fixtures.path(name)
        do {
            _ = try MediaAsset(path: path, videoStream: stream)
            Issue.record("\(name) stream \(stream) opened")
        } catch {
            #expect(error.code == .invalidStream)
            #expect(error.message == "\(path): \(reason)")
            #expect(error.path == path && error.requestedTime == nil)
        }
    }

    /// Errors about the file itself come first: a missing file is `notFound` whatever stream is asked for.
    @Test func theFileIsCheckedBeforeTheStream() {
        #expect(throws: FrameGrabError.self) { try MediaAsset(path: "/nonexistent/a.mp4", videoStream: 3) }
        do { _ = try MediaAsset(path: "/nonexistent/a.mp4", videoStream: 3) } catch { #expect(error.code == .notFound) }
    }
}
