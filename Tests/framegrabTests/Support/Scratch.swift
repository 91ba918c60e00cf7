import Foundation
import FrameGrab
import TestSupport
import Testing

/// A fresh temporary folder for one test, removed when the test's body returns.
struct Scratch {
    let url: URL

    /// Runs `body` with a new empty folder, then removes the folder.
    static func with<T>(_ body: (Scratch) throws -> T) throws -> T {
        let url = FileManager.default.temporaryDirectory
            .appendingPathComponent("framegrab-cli-tests-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: url) }
        return try body(Scratch(url: url))
    }

    /// A path inside the folder.
    func url(_ relative: String) -> URL { url.appendingPathComponent(relative) }
    func path(_ relative: String) -> String { url(relative).path }

    /// Writes a file (creating its folder) and returns its path.
    @discardableResult
    func write(_ relative: String, _ bytes: [UInt8]) throws -> String {
        let file = url(relative)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(bytes).write(to: file)
        return file.path
    }

    /// Runs framegrab with this folder as its working directory.
    func run(_ arguments: [String], stdin: Data? = nil, timeout: Double = 60,
             sourceLocation: SourceLocation = #_sourceLocation) throws -> CommandResult {
        let result = try Framegrab.run(arguments, stdin: stdin, in: url, timeout: timeout, sourceLocation: sourceLocation)
        expectNoCrash(result, sourceLocation: sourceLocation)
        return result
    }

    /// Every file under `relative` (hidden ones included), as paths relative to it, sorted.
    func files(under relative: String) -> [String] {
        let root = url(relative).standardizedFileURL
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isRegularFileKey]) else { return [] }
        var found: [String] = []
        for case let file as URL in enumerator {
            let values = try? file.resourceValues(forKeys: [.isDirectoryKey])
            if values?.isDirectory == true { continue }
            let full = file.standardizedFileURL.path
            found.append(String(full.dropFirst(root.path.count + 1)))
        }
        return found.sorted()
    }

    /// Checks that every file under `relative` is a complete PNG named `*.png` (no temporary files, nothing
    /// else) and returns them decoded, by path relative to `relative`.
    @discardableResult
    func expectOnlyPNGs(under relative: String, sourceLocation: SourceLocation = #_sourceLocation) -> [String: FrameImage] {
        var images: [String: FrameImage] = [:]
        for file in files(under: relative) {
            let name = (file as NSString).lastPathComponent
            #expect(name.hasSuffix(".png") && !name.hasPrefix("."), "unexpected file \(relative)/\(file)", sourceLocation: sourceLocation)
            if let image = decodePNG(url(relative).appendingPathComponent(file), sourceLocation: sourceLocation) {
                images[file] = image
            }
        }
        return images
    }
}

/// Decodes a PNG file, recording an issue when it is missing or not a complete PNG.
func decodePNG(_ url: URL, sourceLocation: SourceLocation = #_sourceLocation) -> FrameImage? {
    guard let data = FileManager.default.contents(atPath: url.path) else {
        Issue.record("\(url.path) does not exist or cannot be read", sourceLocation: sourceLocation)
        return nil
    }
    let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
    guard Array(data.prefix(8)) == signature else {
        Issue.record("\(url.path) is not a PNG file (\(data.count) bytes)", sourceLocation: sourceLocation)
        return nil
    }
    do {
        return try FrameImage(pngData: [UInt8](data))
    } catch {
        Issue.record("\(url.path) does not decode as PNG: \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// A crash, a signal or a hang is never the right answer.
func expectNoCrash(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(result.killedBy == nil, "framegrab died of a signal\n\(result)", sourceLocation: sourceLocation)
    #expect(!result.timedOut, "\(result)", sourceLocation: sourceLocation)
}

/// Lines FFmpeg's logger writes: `[h264 @ 0x55d…] message`, `[mov,mp4,m4a,3gp,3g2,mj2 @ 0x…] …`,
/// `[NULL @ 0x…] …`, or its bare continuation lines of known phrases.
func isFFmpegChatter(_ line: String) -> Bool {
    if line.range(of: #"^\s*\[[^\]]*@ ?(0x)?[0-9a-fA-F]+\]"#, options: .regularExpression) != nil { return true }
    if line.range(of: #"\[(h264|hevc|vp9|mov,mp4|matroska|mpegts|NULL|swscaler|aac)[^\]]*\]"#, options: .regularExpression) != nil { return true }
    return false
}

// MARK: JSON lines

/// One line of `--json` output.
struct JSONRecord: @unchecked Sendable, CustomStringConvertible {
    let line: String
    let object: [String: Any]

    var keys: Set<String> { Set(object.keys) }
    var input: String? { object["input"] as? String }
    var index: Int? { number("index").flatMap { Int(exactly: $0) } }
    var requested: Double? { number("requested") }
    var actual: Double? { number("actual") }
    var path: String? { object["path"] as? String }
    var width: Int? { number("width").flatMap { Int(exactly: $0) } }
    var height: Int? { number("height").flatMap { Int(exactly: $0) } }
    var error: String? { object["error"] as? String }
    var code: String? { object["code"] as? String }
    /// The keyframe flag, only when the line holds a JSON `true` or `false` for it.
    var keyframe: Bool? {
        switch raw("keyframe") {
        case "true": return true
        case "false": return false
        default: return nil
        }
    }

    var isImage: Bool { object["path"] != nil }
    var description: String { line }

    /// A value written as a plain JSON number (not a string, boolean or null).
    private func number(_ key: String) -> Double? {
        guard let text = raw(key), text.range(of: #"^-?[0-9]+(\.[0-9]+)?$"#, options: .regularExpression) != nil else { return nil }
        return Double(text)
    }

    /// The text of a scalar value (number, boolean, null) as it appears on the line.
    private func raw(_ key: String) -> String? {
        guard let range = line.range(of: "\"\(key)\":") else { return nil }
        let rest = line[range.upperBound...]
        return String(rest.prefix { $0 != "," && $0 != "}" })
    }

    /// The keys in the order they appear on the line.
    var keyOrder: [String] {
        object.keys.compactMap { key -> (String, String.Index)? in
            guard let range = line.range(of: "\"\(key)\":") else { return nil }
            return (key, range.lowerBound)
        }.sorted { $0.1 < $1.1 }.map(\.0)
    }

    static let imageKeys = ["input", "index", "requested", "actual", "path", "width", "height", "keyframe"]
    static let requestFailureKeys = ["input", "index", "requested", "error", "code"]
    static let inputFailureKeys = ["input", "error", "code"]
}

/// Parses every stdout line as one JSON object, recording an issue for any line that is not one.
func jsonRecords(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) -> [JSONRecord] {
    var records: [JSONRecord] = []
    for line in result.stdoutLines {
        guard let data = line.data(using: .utf8),
              let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            Issue.record("stdout line is not a JSON object: \(line)\n\(result)", sourceLocation: sourceLocation)
            continue
        }
        records.append(JSONRecord(line: line, object: object))
    }
    return records
}

/// Checks that a record has exactly these keys, in this order.
func expectKeys(_ record: JSONRecord, _ keys: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(record.keyOrder == keys, "keys of \(record.line)", sourceLocation: sourceLocation)
}

// MARK: Fixtures

let bframesName = "h264-bframes.mp4"
let bframesPath = Fixtures.path(bframesName)
let bframes = Fixtures.video(bframesName)

extension Fixtures.Video {
    /// The frame whose presentation time is `seconds` (within a microsecond).
    func frame(atSeconds seconds: Double) -> Int? {
        frames.indices.first { abs(time(ofFrame: $0).seconds - seconds) < 1e-6 }
    }

    /// How the picture is turned for display: ffprobe reports the display matrix's counter-clockwise angle.
    var displayOrientation: Orientation { Orientation(rotation: -rotation) }

    /// When frame `index` stops being shown: the next frame's time, or the end for the last frame.
    func shownUntil(_ index: Int) -> MediaTime {
        index + 1 < frames.count ? time(ofFrame: index + 1) : end
    }

    /// The keyframe nearest `time` among those shown at some instant of `[time - before, time + after]`, if any.
    func nearestKeyframe(to time: MediaTime, before: MediaTime = .positiveInfinity, after: MediaTime = .positiveInfinity) -> Int? {
        keyframeIndices
            .filter { self.time(ofFrame: $0) <= time + after && shownUntil($0) > time - before }
            .min { abs((self.time(ofFrame: $0) - time).seconds) < abs((self.time(ofFrame: $1) - time).seconds) }
    }
}

/// A time written in decimal seconds, exactly (as the command parses it).
func seconds(_ text: String) -> MediaTime {
    let parts = text.split(separator: ".", omittingEmptySubsequences: false)
    let fraction = parts.count > 1 ? String(parts[1]) : ""
    var scale: Int64 = 1
    for _ in fraction { scale *= 10 }
    return MediaTime(value: Int64(String(parts[0]) + fraction)!, timescale: Int32(scale))
}

/// Checks that an image shows `frame` of `video` (read from the number drawn in its pixels).
func expectShows(_ image: FrameImage?, frame: Int?, orientation: Orientation = .identity, _ comment: String = "",
                 sourceLocation: SourceLocation = #_sourceLocation) {
    guard let image else { return }
    #expect(frameNumber(in: image, orientation: orientation) == frame, "frame in the pixels \(comment)", sourceLocation: sourceLocation)
}
