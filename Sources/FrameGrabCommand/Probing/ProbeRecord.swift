import Foundation
import FrameGrab

/// What `framegrab probe` says about one input: container, duration, the video stream images come from
/// and why, the other streams, and the keyframe times when asked. `videoDuration` is the video's length as
/// measured (`MediaAsset.measuredVideoDuration()`), which `%` times, `--count`, sheets and storyboards use;
/// `duration` the container's figure, or the measured length where the video is all the file holds (a raw
/// stream, whose duration FFmpeg guesses from its bit rate or not at all; a video-only file whose header
/// misstates it).
package struct ProbeRecord: ReportRecord {
    package let asset: MediaAsset
    package let videoDuration: MediaTime
    package let keyframes: [MediaTime]?

    package init(asset: MediaAsset, videoDuration: MediaTime, keyframes: [MediaTime]?) {
        self.asset = asset
        self.videoDuration = videoDuration
        self.keyframes = keyframes
    }

    /// The file's length: the container's figure, or the video's measured one where the video is all the
    /// file holds (cover art aside).
    private var duration: MediaTime {
        let onlyVideo = asset.streams.allSatisfy { $0.index == asset.videoTrack.streamIndex || $0.isAttachedPicture }
        return onlyVideo && videoDuration.isNumeric ? videoDuration : asset.duration
    }

    private static func seconds(_ time: MediaTime) -> JSONValue { time.isNumeric ? .decimal(time.decimalSeconds) : .null }
    private static func ratio(_ value: (numerator: Int, denominator: Int)) -> String { "\(value.numerator):\(value.denominator)" }

    package var json: JSONValue {
        let track = asset.videoTrack
        var video: [JSONValue.Field] = [
            .init("index", .int(track.streamIndex)), .init("chosenBecause", .string(asset.videoStreamSelection.rawValue)),
            .init("codec", .string(track.codecName)), .init("decodable", .bool(track.isDecodable)),
            .init("width", .int(track.encodedSize.width)), .init("height", .int(track.encodedSize.height)),
            .init("displayWidth", .int(track.displaySize.width)), .init("displayHeight", .int(track.displaySize.height)),
            .init("rotation", .int(track.orientation.rotation)), .init("mirrored", .bool(track.orientation.mirrored)),
            .init("sampleAspectRatio", .string(ProbeRecord.ratio(track.sampleAspectRatio))),
        ]
        if let rate = track.frameRate {
            video += [.init("frameRate", .string("\(rate.numerator)/\(rate.denominator)")),
                      .init("fps", .number(Double(rate.numerator) / Double(rate.denominator)))]
        } else {
            video.append(.init("frameRate", .null))
        }
        video += [.init("frameCount", .optional(track.frameCount)), .init("pixelFormat", .optional(track.pixelFormatName)),
                  .init("colorRange", .optional(track.colorRange)), .init("colorPrimaries", .optional(track.colorPrimaries)),
                  .init("colorTransfer", .optional(track.colorTransfer)), .init("colorSpace", .optional(track.colorSpace))]
        let others = asset.streams.filter { $0.index != track.streamIndex }.map { stream -> JSONValue in
            var fields: [JSONValue.Field] = [
                .init("index", .int(stream.index)),
                .init("type", .string(stream.isAttachedPicture ? "coverArt" : stream.mediaType.rawValue)),
                .init("codec", .string(stream.codecName)),
            ]
            if stream.mediaType == .video {
                fields += [.init("width", .int(stream.size.width)), .init("height", .int(stream.size.height)),
                           .init("decodable", .bool(stream.isDecodable)), .init("frameCount", .optional(stream.frameCount)),
                           .init("oneFrameStill", .bool(stream.isOneFrameStill))]
            }
            if stream.mediaType == .audio {
                fields += [.init("sampleRate", .int(stream.sampleRate)), .init("channels", .int(stream.channelCount))]
            }
            fields.append(.init("language", .optional(stream.language)))
            return .object(fields)
        }
        var fields: [JSONValue.Field] = [
            .init("input", .string(asset.path)), .init("container", .string(asset.formatName)),
            .init("duration", ProbeRecord.seconds(duration)), .init("videoDuration", ProbeRecord.seconds(videoDuration)),
            .init("startTime", .decimal(asset.startTime.decimalSeconds)),
            .init("video", .object(video)), .init("otherStreams", .array(others)),
        ]
        if let keyframes { fields.append(.init("keyframes", .array(keyframes.map(ProbeRecord.seconds)))) }
        return .object(fields)
    }

    package var plain: PlainLine { .result(text) }

    private var text: String {
        let track = asset.videoTrack
        var lines = [
            "\(asset.path):",
            "  container: \(asset.formatName)",
            "  duration: \(duration.isNumeric ? duration.decimalSeconds + " s" : "unknown")"
                + (videoDuration != duration && videoDuration.isNumeric ? " (video: \(videoDuration.decimalSeconds) s)" : ""),
            "  start time: \(asset.startTime.decimalSeconds) s",
            "  video stream \(track.streamIndex): \(track.codecName)\(track.isDecodable ? "" : " (no decoder)") (chosen: \(chosenBecause))",
            "    size: \(track.encodedSize), display size: \(track.displaySize)",
            "    rotation: \(track.orientation.rotation)\(track.orientation.mirrored ? " mirrored" : ""), sample aspect ratio: \(ProbeRecord.ratio(track.sampleAspectRatio))",
            "    frame rate: " + (track.frameRate.map { "\($0.numerator)/\($0.denominator) (\(String(format: "%.3f", Double($0.numerator) / Double($0.denominator))) fps)" } ?? "unknown")
                + (track.frameCount.map { $0 == 1 ? ", 1 frame" : ", \($0) frames" } ?? ""),
            "    pixel format: \(track.pixelFormatName ?? "unknown")",
            "    colour: range \(track.colorRange ?? "unspecified"), primaries \(track.colorPrimaries ?? "unspecified"), transfer \(track.colorTransfer ?? "unspecified"), matrix \(track.colorSpace ?? "unspecified")",
        ]
        for stream in asset.streams where stream.index != track.streamIndex {
            var text = "  stream \(stream.index): \(stream.isAttachedPicture ? "cover art" : stream.mediaType.rawValue) \(stream.codecName)"
            if stream.mediaType == .video {
                text += " \(stream.size)"
                if !stream.isAttachedPicture {
                    if !stream.isDecodable { text += " (no decoder)" }
                    if stream.isOneFrameStill { text += ", a one-frame still" } else if let count = stream.frameCount { text += ", \(count) frames" }
                }
            }
            if stream.mediaType == .audio { text += ", \(stream.sampleRate) Hz, \(stream.channelCount) channels" }
            if let language = stream.language { text += " [\(language)]" }
            lines.append(text)
        }
        if let keyframes {
            lines.append("  keyframes (\(keyframes.count)): " + keyframes.map { $0.isNumeric ? $0.decimalSeconds : "null" }.joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// Why the video stream is the one images come from, in words (the text output's "chosen: …").
    var chosenBecause: String {
        let others = asset.streams.filter { $0.mediaType == .video && !$0.isAttachedPicture && $0.index != asset.videoTrack.streamIndex }
        switch asset.videoStreamSelection {
        case .requested: return "--stream \(asset.videoTrack.streamIndex)"
        case .onlyVideoStream: return "the only video stream"
        case .onlyDecodable: return "the only video stream FFmpeg can decode"
        case .ffmpegDefault: return "FFmpeg's choice among \(others.count + 1) video streams"
        case .movingOverStill:
            let stills = others.filter(\.isOneFrameStill).map { String($0.index) }
            guard let last = stills.last else { return "the moving stream" }
            let these = stills.count == 1 ? "stream \(last) is a one-frame still"
                : "streams " + stills.dropLast().joined(separator: ", ") + " and \(last) are one-frame stills"
            return "the moving stream; \(these)"
        }
    }
}

/// `framegrab probe`: describes each input in turn. Returns whether every input was described.
package enum ProbeRun {
    package static func run(inputs: [String], keyframes: Bool, videoStream: Int?, json: Bool) async -> Bool {
        let reporter = Reporter(output: Output(), json: json)
        var described = true
        for input in inputs {
            do {
                let asset = try await MediaAsset.open(path: input, videoStream: videoStream)
                // Standard input cannot be measured (that reads its end first): its length is the container's, or unknown.
                let length = asset.readsOnce ? asset.videoDuration : try await asset.measuredVideoDuration()
                reporter.emit(ProbeRecord(asset: asset, videoDuration: length, keyframes: keyframes ? try await asset.keyframeTimes() : nil))
            } catch {
                described = false
                reporter.emit(InputFailureRecord(input: MediaLocation.redacted(input), error: error))
            }
        }
        return described
    }
}
