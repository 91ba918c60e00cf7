import Foundation

/// A WebVTT file as storyboard players read it (video.js, Plyr, Vidstack, JW Player): a `WEBVTT` header,
/// then cues whose payload is `sprite.jpg#xywh=x,y,w,h`, the sprite's path relative to the VTT.
///
/// `init(parsing:)` checks the syntax (W3C WebVTT, strictly: what a spec parser would silently drop is an
/// error here); `storyboardProblems(…)` and `validatedStoryboard(at:duration:)` check what a storyboard needs
/// on top: cues in order, contiguous, covering the video, every rectangle inside its sprite.
struct WebVTT: Sendable, Equatable {
    /// A cue time, in whole milliseconds (the resolution of the format).
    struct Time: Sendable, Hashable, Comparable, CustomStringConvertible {
        let milliseconds: Int

        init(milliseconds: Int) { self.milliseconds = milliseconds }
        /// The nearest millisecond.
        init(seconds: Double) { milliseconds = Int((seconds * 1000).rounded()) }

        var seconds: Double { Double(milliseconds) / 1000 }
        /// `HH:MM:SS.mmm`.
        var description: String {
            let ms = milliseconds
            return String(format: "%02d:%02d:%02d.%03d", ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60, ms % 1000)
        }
        static func < (a: Time, b: Time) -> Bool { a.milliseconds < b.milliseconds }

        /// Parses `HH:MM:SS.mmm` (hours: two digits or more) or `MM:SS.mmm`, as the WebVTT spec defines them.
        init?(parsing text: Substring) {
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            guard parts.count == 2 || parts.count == 3 else { return nil }
            func digits(_ part: Substring, count: ClosedRange<Int>) -> Int? {
                guard count.contains(part.count), part.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
                return Int(part)
            }
            let secondsParts = parts[parts.count - 1].split(separator: ".", omittingEmptySubsequences: false)
            guard secondsParts.count == 2,
                  let hours = parts.count == 3 ? digits(parts[0], count: 2...9) : 0,
                  let minutes = digits(parts[parts.count - 2], count: 2...2), minutes < 60,
                  let seconds = digits(secondsParts[0], count: 2...2), seconds < 60,
                  let millis = digits(secondsParts[1], count: 3...3) else { return nil }
            milliseconds = ((hours * 60 + minutes) * 60 + seconds) * 1000 + millis
        }
    }

    /// A rectangle of a sprite image, as a `#xywh=x,y,w,h` media fragment gives it (pixels).
    struct Region: Sendable, Hashable, CustomStringConvertible {
        /// The sprite's path relative to the VTT, percent-decoded (a file name on disk).
        let file: String
        let x: Int, y: Int, width: Int, height: Int
        var description: String { "\(file)#xywh=\(x),\(y),\(width),\(height)" }
    }

    struct Cue: Sendable, Equatable, CustomStringConvertible {
        /// The identifier line before the timings, if any.
        var identifier: String?
        var start: Time
        var end: Time
        /// Cue settings after the end time (`line:0 align:start`…), empty when none.
        var settings: String
        /// The payload lines, joined by `\n`.
        var payload: String

        /// The sprite region when the payload is exactly one `path#xywh=x,y,w,h` reference (a relative
        /// path, no query; `pixel:` unit allowed); nil otherwise.
        var region: Region? { WebVTT.region(in: payload) }
        var description: String { "\(start) --> \(end) \(payload)" }
    }

    struct SyntaxError: Error, CustomStringConvertible {
        /// 1-based line in the file.
        let line: Int
        let message: String
        var description: String { "WebVTT line \(line): \(message)" }
    }

    /// Every problem found in a storyboard VTT.
    struct ValidationFailure: Error, CustomStringConvertible {
        let file: String
        let problems: [String]
        var description: String { "\(file) is not a valid storyboard:\n  " + problems.joined(separator: "\n  ") }
    }

    var cues: [Cue]

    init(cues: [Cue]) { self.cues = cues }

    /// Parses a whole file's text (line ends LF, CRLF or CR; an optional byte order mark).
    init(parsing text: String) throws(SyntaxError) {
        var text = Substring(text)
        if text.first == "\u{FEFF}" { text = text.dropFirst() }
        // Swift treats "\r\n" as one Character: split on all three line ends.
        let lines = text.split(omittingEmptySubsequences: false) { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }.map(String.init)
        func isBlank(_ line: String) -> Bool { line.isEmpty }
        guard let first = lines.first, first == "WEBVTT" || first.hasPrefix("WEBVTT ") || first.hasPrefix("WEBVTT\t") else {
            throw SyntaxError(line: 1, message: "the file does not start with the WEBVTT header line (found \(lines.first.map { "\"\($0.prefix(40))\"" } ?? "nothing"))")
        }
        var index = 1
        // Header lines, up to the first blank line.
        while index < lines.count, !isBlank(lines[index]) {
            if lines[index].contains("-->") {
                throw SyntaxError(line: index + 1, message: "a cue timing line right after the header: a blank line must separate the header from the first cue")
            }
            index += 1
        }
        var cues: [Cue] = []
        while index < lines.count {
            if isBlank(lines[index]) { index += 1; continue }
            // A block: lines up to the next blank line.
            let blockStart = index
            while index < lines.count, !isBlank(lines[index]) { index += 1 }
            let block = Array(lines[blockStart..<index])
            let keyword = block[0].split(whereSeparator: { $0 == " " || $0 == "\t" }).first.map(String.init) ?? ""
            if ["NOTE", "STYLE", "REGION"].contains(keyword), !block[0].contains("-->") {
                if keyword != "NOTE", !cues.isEmpty {
                    throw SyntaxError(line: blockStart + 1, message: "a \(keyword) block after the first cue (only allowed before the cues)")
                }
                if let bad = block.firstIndex(where: { $0.contains("-->") }) {
                    throw SyntaxError(line: blockStart + bad + 1, message: "\"-->\" inside a \(keyword) block")
                }
                continue
            }
            var timingAt = 0
            var identifier: String?
            if !block[0].contains("-->") {
                guard block.count > 1, block[1].contains("-->") else {
                    throw SyntaxError(line: blockStart + 1, message: "a block that is not a cue (no \"start --> end\" timing line): \"\(block[0].prefix(60))\"")
                }
                identifier = block[0]
                timingAt = 1
            }
            let lineNumber = blockStart + timingAt + 1
            let (start, end, settings) = try WebVTT.timings(block[timingAt], line: lineNumber)
            let payload = block[(timingAt + 1)...]
            if let bad = payload.firstIndex(where: { $0.contains("-->") }) {
                throw SyntaxError(line: blockStart + bad + 1, message: "\"-->\" in a cue payload (is a blank line missing between two cues?)")
            }
            cues.append(Cue(identifier: identifier, start: start, end: end, settings: settings, payload: payload.joined(separator: "\n")))
        }
        self.cues = cues
    }

    /// Reads and parses a file (UTF-8).
    init(contentsOf url: URL) throws {
        let data = try Data(contentsOf: url)
        guard let text = String(data: data, encoding: .utf8) else {
            throw SyntaxError(line: 1, message: "\(url.path) is not UTF-8 text")
        }
        try self.init(parsing: text)
    }

    /// `start --> end [settings]`: times per the spec, separated from the arrow by spaces or tabs.
    private static func timings(_ line: String, line number: Int) throws(SyntaxError) -> (Time, Time, String) {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count >= 3, fields[1] == "-->", !line.hasPrefix(" "), !line.hasPrefix("\t") else {
            throw SyntaxError(line: number, message: "malformed cue timing line \"\(line)\" (want \"HH:MM:SS.mmm --> HH:MM:SS.mmm\")")
        }
        guard let start = Time(parsing: fields[0]) else {
            throw SyntaxError(line: number, message: "malformed start time \"\(fields[0])\" (want HH:MM:SS.mmm)")
        }
        guard let end = Time(parsing: fields[2]) else {
            throw SyntaxError(line: number, message: "malformed end time \"\(fields[2])\" (want HH:MM:SS.mmm)")
        }
        return (start, end, fields.dropFirst(3).joined(separator: " "))
    }

    /// The region a payload names, when it is exactly `path#xywh=[pixel:]x,y,w,h` with a relative path.
    static func region(in payload: String) -> Region? {
        let text = payload.trimmingCharacters(in: .whitespaces)
        guard !text.contains("\n"), let hash = text.firstIndex(of: "#") else { return nil }
        let path = text[..<hash]
        var fragment = text[text.index(after: hash)...]
        guard fragment.hasPrefix("xywh=") else { return nil }
        fragment = fragment.dropFirst(5)
        if fragment.hasPrefix("pixel:") { fragment = fragment.dropFirst(6) }
        let numbers = fragment.split(separator: ",", omittingEmptySubsequences: false)
        guard numbers.count == 4, numbers.allSatisfy({ !$0.isEmpty && $0.count < 9 && $0.allSatisfy { $0.isASCII && $0.isNumber } }) else { return nil }
        let values = numbers.map { Int($0)! }
        // A relative reference to a file: no scheme, not absolute, no query; percent escapes decoded.
        guard !path.isEmpty, !path.hasPrefix("/"), !path.contains("?"), !path.contains("\\"),
              path.range(of: "^[A-Za-z][A-Za-z0-9+.-]*:", options: .regularExpression) == nil,
              let file = String(path).removingPercentEncoding else { return nil }
        return Region(file: file, x: values[0], y: values[1], width: values[2], height: values[3])
    }
}

// MARK: Storyboard checks

extension WebVTT {
    /// Pixel size of an image file.
    typealias ImageSizer = (URL) throws -> (width: Int, height: Int)

    /// What is wrong with these cues as a storyboard of a video lasting `duration` seconds, sprites being
    /// relative to `folder`: empty when nothing.
    ///
    /// - at least one cue; the first starts at 0 (when `startsAtZero`); each ends after it starts;
    /// - cues in order of start time, each ending where the next starts (no gap, no overlap);
    /// - the last ends at `duration`, within 1 ms;
    /// - every payload is one `sprite#xywh=x,y,w,h`, the sprite exists beside the VTT, and the rectangle
    ///   (non-empty) lies inside it.
    func storyboardProblems(folder: URL, duration: Double, startsAtZero: Bool = true,
                            imageSize: ImageSizer = WebVTT.probeImageSize) -> [String] {
        var problems: [String] = []
        guard let first = cues.first, let last = cues.last else { return ["no cues"] }
        if startsAtZero, first.start.milliseconds != 0 { problems.append("the first cue starts at \(first.start), not 00:00:00.000") }
        for (index, cue) in cues.enumerated() {
            if cue.end <= cue.start { problems.append("cue \(index + 1) (\(cue)) does not end after it starts") }
            guard index + 1 < cues.count else { continue }
            let next = cues[index + 1]
            if next.start < cue.start {
                problems.append("cue \(index + 2) (\(next.start)) starts before cue \(index + 1) (\(cue.start)): cues out of order")
            } else if next.start != cue.end {
                problems.append("cue \(index + 1) ends at \(cue.end) but cue \(index + 2) starts at \(next.start): "
                                + (next.start > cue.end ? "a gap" : "an overlap"))
            }
        }
        if abs(last.end.seconds - duration) > 0.001 + 1e-9 {
            problems.append("the last cue ends at \(last.end), not at the video's duration \(String(format: "%.6f", duration)) s (within 1 ms)")
        }
        var sizes: [String: Result<(width: Int, height: Int), Error>] = [:]
        for (index, cue) in cues.enumerated() {
            guard let region = cue.region else {
                problems.append("cue \(index + 1): payload \"\(cue.payload)\" is not one relative \"sprite#xywh=x,y,w,h\" reference")
                continue
            }
            if region.width <= 0 || region.height <= 0 { problems.append("cue \(index + 1): empty rectangle \(region)") }
            let file = folder.appendingPathComponent(region.file)
            if sizes[region.file] == nil {
                sizes[region.file] = Result { try imageSize(file) }
            }
            switch sizes[region.file]! {
            case .failure(let error):
                problems.append("cue \(index + 1): sprite \(file.path): \(error)")
            case .success(let size):
                if region.x + region.width > size.width || region.y + region.height > size.height {
                    problems.append("cue \(index + 1): \(region) goes outside its \(size.width)×\(size.height) sprite")
                }
            }
        }
        return problems
    }

    /// Parses the VTT at `url` and checks it as a storyboard of a `duration`-second video (see
    /// `storyboardProblems`); throws a `SyntaxError` or a `ValidationFailure` listing every problem.
    static func validatedStoryboard(at url: URL, duration: Double, startsAtZero: Bool = true,
                                    imageSize: ImageSizer = WebVTT.probeImageSize) throws -> WebVTT {
        let vtt = try WebVTT(contentsOf: url)
        let problems = vtt.storyboardProblems(folder: url.deletingLastPathComponent(), duration: duration,
                                              startsAtZero: startsAtZero, imageSize: imageSize)
        guard problems.isEmpty else { throw ValidationFailure(file: url.path, problems: problems) }
        return vtt
    }

    struct ProbeError: Error, CustomStringConvertible { let description: String }

    /// An image's size as ffprobe reads it (JPEG, PNG, WebP…).
    static func probeImageSize(_ url: URL) throws -> (width: Int, height: Int) {
        guard FileManager.default.fileExists(atPath: url.path) else { throw ProbeError(description: "no such file") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height",
                             "-of", "csv=p=0:s=x", url.path]
        let output = Pipe(), errors = Pipe()
        process.standardOutput = output
        process.standardError = errors
        process.standardInput = FileHandle.nullDevice
        try process.run()
        // ffprobe's output is a few bytes: reading one pipe to its end cannot block on the other.
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        let problem = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let numbers = text.trimmingCharacters(in: .whitespacesAndNewlines).split(separator: "x").compactMap { Int($0) }
        guard process.terminationStatus == 0, numbers.count == 2, numbers[0] > 0, numbers[1] > 0 else {
            throw ProbeError(description: "ffprobe cannot read its size (status \(process.terminationStatus)): \(problem)\(text)")
        }
        return (numbers[0], numbers[1])
    }
}
