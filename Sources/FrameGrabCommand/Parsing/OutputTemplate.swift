import Foundation
import FrameGrab

/// Where each image is written: a path with tokens replaced per request.
///
/// Tokens: `{name}` the input file name without its extension, `{index}` the request's position counted
/// from 1 and zero-padded to the width of the request count, `{ms}` the requested time in whole milliseconds,
/// `{time}` the requested time as `HH-MM-SS.mmm`, `{dir}` the input's folder relative to the folder it was
/// found under (`.` for an input named directly).
/// A template ending in `/` (or naming an existing folder) is a folder for the default name `{name}-{index}.png`.
package struct OutputTemplate: Sendable, Equatable {
    /// The file name put in a template that names a folder: `{name}-{index}.png`.
    package static let defaultFileName = "{name}-{index}.png"
    /// The tokens a template may use, by name without the braces.
    package static let tokens = ["name", "index", "ms", "time", "dir"]

    /// The template with its tokens still in it; a folder given as the template has `defaultFileName` added.
    package let pattern: String

    /// Reads a template. One ending in `/`, or naming an existing folder, gets `defaultFileName` added.
    /// Throws when a `{` is not closed, a token is not one of `tokens`, or the template is empty.
    /// `defaultName`: the file name used when `raw` is a folder.
    package init(_ raw: String, defaultName: String = OutputTemplate.defaultFileName) throws(ParseError) {
        var pattern = raw
        var isDirectory: ObjCBool = false
        if raw.hasSuffix("/") || (FileManager.default.fileExists(atPath: raw, isDirectory: &isDirectory) && isDirectory.boolValue) {
            pattern = (raw.hasSuffix("/") ? raw : raw + "/") + defaultName
        }
        var rest = Substring(pattern)
        while let open = rest.firstIndex(of: "{") {
            guard let close = rest[open...].firstIndex(of: "}") else {
                throw ParseError(text: raw, reason: "unclosed '{' in the output template")
            }
            let token = String(rest[rest.index(after: open)..<close])
            guard OutputTemplate.tokens.contains(token) else {
                throw ParseError(text: raw, reason: "unknown token {\(token)}; known tokens are " + OutputTemplate.tokens.map { "{\($0)}" }.joined(separator: ", "))
            }
            rest = rest[rest.index(after: close)...]
        }
        guard !pattern.isEmpty, !pattern.hasSuffix("/") else { throw ParseError(text: raw, reason: "the output template names no file") }
        self.pattern = pattern
    }

    /// What the tokens stand for, for one request.
    package struct Values: Sendable {
        /// Path of the input video; `{name}` is its file name without folders or extension.
        package var inputPath: String
        /// Position of the request, counted from 1, for `{index}`.
        package var index: Int
        /// Number of requests for the input: `{index}` is zero-padded to as many digits as it has.
        package var count: Int
        /// The requested time, for `{ms}` and `{time}`; a time that is not numeric gives `invalid`.
        package var requestedTime: MediaTime
        /// The input's folder relative to the folder argument it was found under (`a/b`), empty for none.
        package var directory: String

        /// The values for one request; `directory` is empty (no folder) unless given.
        package init(inputPath: String, index: Int, count: Int, requestedTime: MediaTime, directory: String = "") {
            self.inputPath = inputPath
            self.index = index
            self.count = count
            self.requestedTime = requestedTime
            self.directory = directory
        }
    }

    /// Whether the path depends on the requested time (so a percentage must be resolved first).
    package var usesTime: Bool { pattern.contains("{ms}") || pattern.contains("{time}") }

    /// The path for one request: each token replaced by its value. `{name}` is made one safe path component
    /// (`safeComponent`), `{dir}` cannot leave the output folder, and `{dir}/` is dropped for an input
    /// directly in its folder argument (or with no folder).
    package func path(for values: Values) -> String {
        let name = OutputTemplate.baseName(values.inputPath)
        let width = String(max(values.count, 1)).count
        let index = String(values.index)
        let ms = values.requestedTime.isNumeric ? String(values.requestedTime.convertScale(1000, rounding: .down).value) : "invalid"
        let folder = OutputTemplate.safeRelativeFolder(values.directory)
        // An input directly in its folder argument: `out/{dir}/x.png` is `out/x.png`, not `out/./x.png`.
        let base = folder == "." ? pattern.replacingOccurrences(of: "{dir}/", with: "") : pattern
        return base
            .replacingOccurrences(of: "{name}", with: OutputTemplate.safeComponent(name))
            .replacingOccurrences(of: "{index}", with: String(repeating: "0", count: max(0, width - index.count)) + index)
            .replacingOccurrences(of: "{ms}", with: ms)
            .replacingOccurrences(of: "{time}", with: OutputTemplate.clockName(values.requestedTime))
            .replacingOccurrences(of: "{dir}", with: folder)
    }

    /// A time as `HH-MM-SS.mmm` (rounded down to the millisecond; hours grow past two digits when needed).
    package static func clockName(_ time: MediaTime) -> String {
        guard time.isNumeric else { return "invalid" }
        let ms = time.convertScale(1000, rounding: .down).value
        guard ms >= 0 else { return "invalid" }
        let hours = ms / 3_600_000, minutes = ms / 60_000 % 60, seconds = ms / 1000 % 60, millis = ms % 1000
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(pad(hours, 2))-\(pad(minutes, 2))-\(pad(seconds, 2)).\(pad(millis, 3))"
    }

    /// A relative folder that stays inside the output folder: empty, `.` and `..` components are dropped or
    /// defused (`..` becomes `_..`), a leading `/` is ignored; nothing left gives `.`.
    static func safeRelativeFolder(_ folder: String) -> String {
        let components = folder.split(separator: "/", omittingEmptySubsequences: true)
            .filter { $0 != "." }
            .map { $0 == ".." ? "_.." : String($0) }
        return components.isEmpty ? "." : components.joined(separator: "/")
    }

    /// The file name without folders and without its extension (`a/b.c.mp4` → `b.c`; `.hidden` stays).
    static func baseName(_ path: String) -> String {
        // A URL's last path component, without query or fragment (`https://h/v/clip.mp4?sig=…` → `clip`).
        let file = MediaLocation.fileName(path)
        guard let dot = file.lastIndex(of: "."), dot != file.startIndex else { return file }
        return String(file[..<dot])
    }

    /// Text taken from an input's name, made safe to use as one path component: it cannot climb out of the
    /// output folder (`..`), start a new folder (`/`), be empty, or carry control characters (a newline
    /// would split the one-path-per-line output); each of those becomes `_`. Everything else, spaces, quotes
    /// and non-ASCII letters included, is kept.
    package static func safeComponent(_ text: String) -> String {
        var safe = String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            scalar == "/" || scalar.value < 0x20 || scalar.value == 0x7F ? "_" : scalar
        }))
        if safe == "." || safe == ".." || safe.isEmpty { safe = "_" + safe }
        return safe
    }

    /// A relative folder path taken from input (for example an input's folder under a scanned root), made
    /// safe to put inside the output folder: every component passes through `safeComponent`, a leading `/`
    /// and `.` components are dropped, so the result never leaves the folder it is put in. Empty for none.
    package static func safeRelativePath(_ text: String) -> String {
        text.split(separator: "/", omittingEmptySubsequences: true)
            .filter { $0 != "." }
            .map { safeComponent(String($0)) }
            .joined(separator: "/")
    }
}
