import ArgumentParser
import Foundation
import FrameGrab

/// `framegrab probe`: what framegrab sees in each input, without decoding any picture.
struct Probe: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Describe each input: container, duration, the video stream images come from, other streams.",
        usage: "framegrab probe <input> ... [--json] [--keyframes] [--stream <n>]",
        discussion: """
            Times are seconds on framegrab's timeline (time 0 is the start of the file). With --keyframes, \
            the keyframe times are read from the packets (nothing is decoded). The video stream images come \
            from is said with why it was chosen: a moving stream over one-frame stills, else FFmpeg's own \
            choice, or --stream. Exit status: 0 every input described, 1 some input could not be read \
            (or --stream names no decodable video stream in it: code invalidStream).
            """
    )

    @Argument(help: ArgumentHelp("Video files to describe.", valueName: "input"))
    var inputs: [String]

    @Flag(help: "Print one JSON object per input instead of text.")
    var json = false

    @Flag(help: "Also list the times of the video's keyframes (reads every packet).")
    var keyframes = false

    @Option(help: ArgumentHelp("Describe the video stream of this index (as probe lists it) as the one images come from.", valueName: "n"))
    var stream: Int?

    @Flag(help: "Show FFmpeg's own log messages.")
    var verbose = false

    func validate() throws {
        if let stream, stream < 0 { throw ValidationError("--stream wants a stream index, 0 or more.") }
    }

    func run() async throws {
        FFmpegLog.setVerbose(verbose)
        let output = Output()
        var failed = false
        for input in inputs {
            do {
                let asset = try await MediaAsset.open(path: input, videoStream: stream)
                let keyframeTimes = keyframes ? try await asset.keyframeTimes() : nil
                output.standardOutput(json ? Probe.jsonLine(asset, keyframes: keyframeTimes)
                                           : Probe.text(asset, keyframes: keyframeTimes))
            } catch {
                failed = true
                if json {
                    output.standardOutput(JSONLine.inputError(input, error).text)
                } else {
                    output.standardError("framegrab: \(error.message)")
                }
            }
        }
        if failed { throw ExitCode(1) }
    }

    static func seconds(_ time: MediaTime) -> String { time.isNumeric ? time.decimalSeconds : "null" }

    static func ratio(_ value: (numerator: Int, denominator: Int)) -> String { "\(value.numerator):\(value.denominator)" }

    static func jsonLine(_ asset: MediaAsset, keyframes: [MediaTime]?) -> String {
        let track = asset.videoTrack
        var video = JSONLine()
        video.add("index", track.streamIndex)
        video.add("chosenBecause", asset.videoStreamSelection.rawValue)
        video.add("codec", track.codecName)
        video.add("decodable", track.isDecodable)
        video.add("width", track.encodedSize.width)
        video.add("height", track.encodedSize.height)
        video.add("displayWidth", track.displaySize.width)
        video.add("displayHeight", track.displaySize.height)
        video.add("rotation", track.orientation.rotation)
        video.add("mirrored", track.orientation.mirrored)
        video.add("sampleAspectRatio", ratio(track.sampleAspectRatio))
        if let rate = track.frameRate {
            video.add("frameRate", "\(rate.numerator)/\(rate.denominator)")
            video.add(frameRateSeconds: "fps", Double(rate.numerator) / Double(rate.denominator))
        } else {
            video.addRaw("frameRate", "null")
        }
        video.addOptional("frameCount", track.frameCount)
        video.addOptional("pixelFormat", track.pixelFormatName)
        video.addOptional("colorRange", track.colorRange)
        video.addOptional("colorPrimaries", track.colorPrimaries)
        video.addOptional("colorTransfer", track.colorTransfer)
        video.addOptional("colorSpace", track.colorSpace)
        let others = asset.streams.filter { $0.index != track.streamIndex }.map { stream -> String in
            var line = JSONLine()
            line.add("index", stream.index)
            line.add("type", stream.isAttachedPicture ? "coverArt" : stream.mediaType.rawValue)
            line.add("codec", stream.codecName)
            if stream.mediaType == .video {
                line.add("width", stream.size.width)
                line.add("height", stream.size.height)
                line.add("decodable", stream.isDecodable)
                line.addOptional("frameCount", stream.frameCount)
                line.add("oneFrameStill", stream.isOneFrameStill)
            }
            if stream.mediaType == .audio {
                line.add("sampleRate", stream.sampleRate)
                line.add("channels", stream.channelCount)
            }
            line.addOptional("language", stream.language)
            return line.text
        }
        var line = JSONLine()
        line.add("input", asset.path)
        line.add("container", asset.formatName)
        line.addRaw("duration", seconds(asset.duration))
        line.addRaw("startTime", asset.startTime.decimalSeconds)
        line.addRaw("video", video.text)
        line.addRaw("otherStreams", "[" + others.joined(separator: ",") + "]")
        if let keyframes { line.addRaw("keyframes", "[" + keyframes.map(seconds).joined(separator: ",") + "]") }
        return line.text
    }

    static func text(_ asset: MediaAsset, keyframes: [MediaTime]?) -> String {
        let track = asset.videoTrack
        var lines = [
            "\(asset.path):",
            "  container: \(asset.formatName)",
            "  duration: \(asset.duration.isNumeric ? asset.duration.decimalSeconds + " s" : "unknown")",
            "  start time: \(asset.startTime.decimalSeconds) s",
            "  video stream \(track.streamIndex): \(track.codecName)\(track.isDecodable ? "" : " (no decoder)") (chosen: \(chosenBecause(asset)))",
            "    size: \(track.encodedSize), display size: \(track.displaySize)",
            "    rotation: \(track.orientation.rotation)\(track.orientation.mirrored ? " mirrored" : ""), sample aspect ratio: \(ratio(track.sampleAspectRatio))",
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
            lines.append("  keyframes (\(keyframes.count)): " + keyframes.map(seconds).joined(separator: " "))
        }
        return lines.joined(separator: "\n")
    }

    /// Why the video stream is the one images come from, in words (the text output's "chosen: …").
    static func chosenBecause(_ asset: MediaAsset) -> String {
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

extension JSONLine {
    mutating func addOptional(_ key: String, _ value: String?) {
        if let value { add(key, value) } else { addRaw(key, "null") }
    }
    mutating func addOptional(_ key: String, _ value: Int?) {
        if let value { add(key, value) } else { addRaw(key, "null") }
    }
    mutating func add(frameRateSeconds key: String, _ value: Double) { add(key, seconds: value) }
}
