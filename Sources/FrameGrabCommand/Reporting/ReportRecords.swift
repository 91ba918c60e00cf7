import Foundation
import FrameGrab

/// What the command says about one thing that happened: rendered to JSON by `JSONValue.text` (`--json`) or
/// to a plain line, by `Reporter`, the one place that prints either.
package protocol ReportRecord: Sendable {
    /// The record as one JSON object, keys in the documented order.
    var json: JSONValue { get }
    /// The record as plain output.
    var plain: PlainLine { get }
}

/// Where a record goes without `--json`.
package enum PlainLine: Sendable, Equatable {
    /// A result line: stdout (stderr when stdout carries an image).
    case result(String)
    /// A message on stderr.
    case message(String)
    /// Nothing is said.
    case silent
}

/// Prints records, as JSON lines or plain lines.
package struct Reporter: Sendable {
    package let output: Output
    package let json: Bool

    package init(output: Output, json: Bool) {
        self.output = output
        self.json = json
    }

    package func emit(_ record: some ReportRecord) {
        if json {
            output.result(record.json.text)
            return
        }
        switch record.plain {
        case .result(let text): output.result(text)
        case .message(let text): output.standardError(text)
        case .silent: break
        }
    }
}

/// A time as JSON: exact decimal seconds, or null when unknown.
func seconds(_ time: MediaTime) -> JSONValue { time.isNumeric ? .decimal(time.decimalSeconds) : .null }

/// The shot a `--shots` request stands for, as JSON fields (`shot`, its `start` and `end`); none otherwise.
func shotFields(_ shot: Shot?) -> [JSONValue.Field] {
    guard let shot else { return [] }
    return [.init("shot", .int(shot.number)), .init("start", seconds(shot.start)), .init("end", seconds(shot.end))]
}

/// What `--skip-blank` did, as JSON fields: `"moved":"blank"` when the image is another frame than the one
/// at the requested time because that one was blank, `"blank":true` when it is blank and nothing in the
/// window was not; nothing otherwise (and without `--skip-blank`).
func blankFields(_ check: BlankFrameCheck?) -> [JSONValue.Field] {
    switch check {
    case .moved: return [.init("moved", .string("blank"))]
    case .blank: return [.init("blank", .bool(true))]
    case .notBlank, nil: return []
    }
}

/// The fields every image record starts with: `input`, `index`, `requested`, `actual`, the path under
/// `pathKey`, `width`, `height`, `keyframe`.
package struct ImageFacts: Sendable {
    package let input: String
    package let index: Int
    package let requested: MediaTime
    package let actual: MediaTime
    package let width: Int
    package let height: Int
    package let keyframe: Bool
    /// What `--skip-blank` did (nil without it).
    package let blank: BlankFrameCheck?
    /// The shot a `--shots` request stands for.
    package let shot: Shot?

    package init(input: String, index: Int, requested: MediaTime, generated: GeneratedImage, shot: Shot? = nil) {
        self.init(input: input, index: index, requested: requested, actual: generated.actualTime,
                  width: generated.image.width, height: generated.image.height, keyframe: generated.isKeyframe,
                  blank: generated.blankFrameCheck, shot: shot)
    }

    package init(input: String, index: Int, requested: MediaTime, actual: MediaTime, width: Int, height: Int, keyframe: Bool,
                 blank: BlankFrameCheck? = nil, shot: Shot? = nil) {
        self.input = input
        self.index = index
        self.requested = requested
        self.actual = actual
        self.width = width
        self.height = height
        self.keyframe = keyframe
        self.blank = blank
        self.shot = shot
    }

    func fields(pathKey: String, path: String) -> [JSONValue.Field] {
        [.init("input", .string(input)), .init("index", .int(index)), .init("requested", seconds(requested)),
         .init("actual", seconds(actual)), .init(pathKey, .string(path)), .init("width", .int(width)),
         .init("height", .int(height)), .init("keyframe", .bool(keyframe))] + blankFields(blank) + shotFields(shot)
    }
}

/// An image written for a request. Plain: its path (nothing when the image itself went to stdout).
package struct ImageRecord: ReportRecord {
    package let image: ImageFacts
    package let path: String
    /// `-o -`: the image went to stdout, which the path line must not follow.
    package let toStandardOutput: Bool

    package var json: JSONValue { .object(image.fields(pathKey: "path", path: path)) }
    package var plain: PlainLine { toStandardOutput ? .silent : .result(path) }
}

/// A request that got no image.
package struct RequestFailureRecord: ReportRecord {
    package let input: String
    package let index: Int
    package let requested: MediaTime
    package let error: FrameGrabError

    package var json: JSONValue {
        .object([.init("input", .string(input)), .init("index", .int(index)), .init("requested", seconds(requested)),
                 .init("error", .string(error.message)), .init("code", .string(error.code.rawValue))])
    }
    package var plain: PlainLine { .message("framegrab: \(error.message)") }
}

/// An input that could not be used as a whole.
package struct InputFailureRecord: ReportRecord {
    package let input: String
    package let error: FrameGrabError

    package var json: JSONValue {
        .object([.init("input", .string(input)), .init("error", .string(error.message)), .init("code", .string(error.code.rawValue))])
    }
    package var plain: PlainLine { .message("framegrab: \(error.message)") }
}

/// A request answered by an image already there (`--skip-existing`). Said only in JSON.
package struct SkipRecord: ReportRecord {
    package let input: String
    package let index: Int
    package let requested: MediaTime
    package let path: String

    package var json: JSONValue {
        .object([.init("input", .string(input)), .init("index", .int(index)), .init("requested", seconds(requested)),
                 .init("path", .string(path)), .init("skipped", .bool(true))])
    }
    package var plain: PlainLine { .silent }
}

/// A file found in a folder that is not a video: said once, and not a failure of the run.
package struct NotVideoRecord: ReportRecord {
    package let input: String
    /// `<input>: not a video, left out (<reason>)`.
    package let message: String

    package init(input: String, error: FrameGrabError) {
        self.input = input
        let reason = error.message.hasPrefix(input + ": ") ? String(error.message.dropFirst(input.count + 2)) : error.message
        message = "\(input): not a video, left out (\(reason))"
    }

    package var json: JSONValue {
        .object([.init("input", .string(input)), .init("error", .string(message)), .init("code", .string("notVideo"))])
    }
    package var plain: PlainLine { .message("framegrab: \(message)") }
}

/// A comparison's verdict: of a pair of files (`compare`), or of a generated image and its golden file
/// (`grab --golden`).
package struct VerdictRecord: ReportRecord {
    package enum Subject: Sendable {
        /// `compare`: the pair's relative path, and its two files (nil when missing).
        case pair(relativePath: String, actual: String?, golden: String?)
        /// `grab --golden`: the image made, and the golden file it was compared with.
        case image(ImageFacts, golden: String)
    }

    package let subject: Subject
    /// The verdict with every reason, notes of the run included.
    package let verdict: PairVerdict
    package var updated = false
    package var allowed = false
    /// The difference image written for a failing pair.
    package var diff: String?

    package init(subject: Subject, verdict: PairVerdict, updated: Bool = false, allowed: Bool = false, diff: String? = nil) {
        self.subject = subject
        self.verdict = verdict
        self.updated = updated
        self.allowed = allowed
        self.diff = diff
    }

    package var json: JSONValue {
        var fields: [JSONValue.Field]
        switch subject {
        case .pair(let relativePath, let actual, let golden):
            fields = [.init("path", .string(relativePath)), .init("actual", .optional(actual)), .init("golden", .optional(golden))]
        case .image(let image, let golden):
            fields = image.fields(pathKey: "golden", path: golden)
        }
        fields += [.init("verdict", .string(verdict.kind.rawValue)), .init("allowed", .bool(allowed))]
        if let metrics = verdict.metrics {
            fields += [.init("maxDiff", .int(metrics.maxDifference)), .init("differingPixels", .int(metrics.differingPixels)),
                       .init("pixels", .int(metrics.pixelCount)), .init("psnr", .number(metrics.psnr)),
                       .init("ssim", .decimal(String(format: "%.6f", metrics.ssim))), .init("peak", .int(metrics.peak)),
                       .init("resized", .bool(verdict.resized))]
        }
        fields += [.init("reasons", .array(verdict.reasons.map(JSONValue.string))), .init("updated", .bool(updated))]
        if let diff { fields.append(.init("diff", .string(diff))) }
        return .object(fields)
    }

    package var plain: PlainLine {
        let path: String
        switch subject {
        case .pair(let relativePath, _, _): path = relativePath
        case .image(_, let golden): path = golden
        }
        return .result(ComparisonReport.line(verdict, path: path, updated: updated, allowed: allowed, diff: diff))
    }
}

/// The last words of a run over inputs: `{"summary":{…}}` among the results in JSON mode, and a line on
/// stderr. A run that lists shots (`listsShots`) counts shots where the others count images written and skipped.
package struct RunSummaryRecord: ReportRecord {
    package let counts: RunCounts.Snapshot
    package let files: Int
    package let elapsed: Double
    package var listsShots = false

    package var json: JSONValue {
        let found: [JSONValue.Field] = listsShots ? [.init("shots", .int(counts.shots))]
            : [.init("written", .int(counts.written))]
        let skipped: [JSONValue.Field] = listsShots ? [] : [.init("skipped", .int(counts.skipped))]
        return .object([.init("summary", .object([.init("files", .int(files))] + found + [.init("failed", .int(counts.failed))] + skipped + [
            .init("notVideo", .int(counts.notVideo)), .init("seconds", .decimal(String(format: "%.3f", elapsed))),
        ]))])
    }

    package var plain: PlainLine {
        var text = listsShots ? "framegrab: \(counts.shots) shot\(counts.shots == 1 ? "" : "s"), \(counts.failed) failed"
            : "framegrab: \(counts.written) written, \(counts.failed) failed, \(counts.skipped) skipped"
        if counts.notVideo > 0 { text += ", \(counts.notVideo) not video" }
        text += String(format: " (%d file%@, %.1f s)", files, files == 1 ? "" : "s", elapsed)
        return .message(text)
    }
}

/// The last words of `compare`: the counts of each verdict and the exit status.
package struct CompareSummaryRecord: ReportRecord {
    package let pairs: Int
    package let counts: [PairVerdict.Kind: Int]
    package let updated: Int
    package let status: Int32

    private var numbers: [(String, Int)] {
        [("pairs", pairs), ("passed", counts[.pass] ?? 0), ("failed", counts[.fail] ?? 0), ("missing", counts[.missing] ?? 0),
         ("extra", counts[.extra] ?? 0), ("unreadable", counts[.unreadable] ?? 0), ("updated", updated)]
    }

    package var json: JSONValue {
        .object([.init("summary", .object(numbers.map { .init($0.0, .int($0.1)) } + [.init("status", .int(Int(status)))]))])
    }

    package var plain: PlainLine {
        .result("framegrab compare: " + numbers.map { "\($0.1) \($0.0)" }.joined(separator: ", ")
                + (status == 0 ? " — ok" : status == 1 ? " — FAILED" : " — unreadable input"))
    }
}
