import Foundation

/// The verdict on one image against its golden reference, or on a file present on one side only.
package struct PairVerdict: Sendable {
    /// The outcome for one pair. The raw value (`pass`, `fail`, …) is the verdict in the command's JSON output.
    package enum Kind: String, Sendable {
        /// Compared and within the thresholds.
        case pass
        /// Compared and outside the thresholds, or of a different size.
        case fail
        /// A golden file with no actual file.
        case missing
        /// An actual file with no golden file.
        case extra
        /// A file that could not be read or is not a PNG.
        case unreadable
    }

    /// Whether the pair passed, failed, lacks a file on one side, or could not be read.
    package let kind: Kind
    /// The metrics, when the images could be compared.
    package let metrics: ImageMetrics?
    /// Why it failed (thresholds not met, size mismatch, the read error); empty when it passed.
    package let reasons: [String]
    /// Whether ACTUAL was scaled to the golden's size first.
    package let resized: Bool

    /// A verdict; by default without metrics, without reasons and not resized.
    package init(kind: Kind, metrics: ImageMetrics? = nil, reasons: [String] = [], resized: Bool = false) {
        self.kind = kind
        self.metrics = metrics
        self.reasons = reasons
        self.resized = resized
    }
}

/// Comparing images and folders of PNG files with their golden references.
package enum GoldenComparison {
    /// Compares decoded images. With `resize`, an ACTUAL of another size is first scaled to the golden's
    /// size (`ImageComparison.resized`); without it, a size mismatch fails.
    package static func verdict(actual: FrameImage, golden: FrameImage, thresholds: ComparisonThresholds,
                               resize: Bool) -> PairVerdict {
        var actual = actual
        var resized = false
        if actual.width != golden.width || actual.height != golden.height {
            let mismatch = ImageComparison.SizeMismatch(actual: PixelSize(width: actual.width, height: actual.height),
                                                        golden: PixelSize(width: golden.width, height: golden.height))
            guard resize else { return PairVerdict(kind: .fail, reasons: ["\(mismatch) (use --resize to compare at the golden's size)"]) }
            actual = ImageComparison.resized(actual, to: mismatch.golden)
            resized = true
        }
        // Sizes now match.
        let metrics = try! ImageComparison.metrics(actual: actual, golden: golden)
        let reasons = thresholds.failures(of: metrics)
        return PairVerdict(kind: reasons.isEmpty ? .pass : .fail, metrics: metrics, reasons: reasons, resized: resized)
    }

    /// Reads a PNG file, with an error message naming it. Blocks the calling thread while it reads and
    /// decodes (run it on `WorkPool.shared` from async code).
    @available(*, noasync, message: "reads and decodes on the calling thread; run it on WorkPool.shared in async code")
    package static func readPNG(_ path: String) -> Result<FrameImage, PNGError> {
        guard let data = FileManager.default.contents(atPath: path) else {
            var isDirectory: ObjCBool = false
            let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory)
            let why = !exists ? "no such file" : isDirectory.boolValue ? "is a folder" : "cannot be read"
            return .failure(PNGError(message: "\(path): \(why)"))
        }
        let signature: [UInt8] = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]
        guard data.count >= 8, Array(data.prefix(8)) == signature else {
            return .failure(PNGError(message: "\(path): not a PNG file"))
        }
        do {
            return .success(try FrameImage(pngData: [UInt8](data)))
        } catch {
            return .failure(PNGError(message: "\(path): damaged PNG (\(error.message))"))
        }
    }

    /// The paths of one pair: relative to the compared folders (or the file names when files were given).
    package struct Pair: Sendable, Equatable {
        /// The path below both folders (`a/b.png`), or the file names when files were given; `pairs` sorts by it.
        package let relativePath: String
        /// nil when the file exists only in GOLDEN.
        package let actual: String?
        /// nil when the file exists only in ACTUAL.
        package let golden: String?

        /// A pair; give nil for the side that has no file.
        package init(relativePath: String, actual: String?, golden: String?) {
            self.relativePath = relativePath
            self.actual = actual
            self.golden = golden
        }
    }

    /// Matches the PNG files (names ending in `.png`, any case; hidden files and other files are ignored)
    /// under two folders, recursively, by their path relative to each folder, sorted by that path.
    package static func pairs(actualFolder: String, goldenFolder: String) -> [Pair] {
        let actual = pngFiles(under: actualFolder)
        let golden = pngFiles(under: goldenFolder)
        return Set(actual).union(golden).sorted().map { relative in
            Pair(relativePath: relative,
                 actual: actual.contains(relative) ? join(actualFolder, relative) : nil,
                 golden: golden.contains(relative) ? join(goldenFolder, relative) : nil)
        }
    }

    /// Compares the files of one pair, reading and decoding them on the calling thread (run it on
    /// `WorkPool.shared` from async code).
    @available(*, noasync, message: "reads, decodes and compares on the calling thread; run it on WorkPool.shared in async code")
    package static func verdict(for pair: Pair, thresholds: ComparisonThresholds, resize: Bool) -> PairVerdict {
        guard let actualPath = pair.actual else { return PairVerdict(kind: .missing, reasons: ["no actual file for the golden \(pair.golden ?? "")"]) }
        guard let goldenPath = pair.golden else { return PairVerdict(kind: .extra, reasons: ["no golden file for \(actualPath)"]) }
        let actual = readPNG(actualPath)
        let golden = readPNG(goldenPath)
        var errors: [String] = []
        if case .failure(let error) = actual { errors.append(error.message) }
        if case .failure(let error) = golden { errors.append(error.message) }
        guard case .success(let actualImage) = actual, case .success(let goldenImage) = golden else {
            return PairVerdict(kind: .unreadable, reasons: errors)
        }
        return verdict(actual: actualImage, golden: goldenImage, thresholds: thresholds, resize: resize)
    }

    /// `folder/relative`, with one slash between them.
    package static func join(_ folder: String, _ relative: String) -> String {
        folder.hasSuffix("/") ? folder + relative : folder + "/" + relative
    }

    /// Relative paths of the visible `*.png` files under `folder`, following no symbolic links to folders.
    static func pngFiles(under folder: String) -> Set<String> {
        let root = URL(fileURLWithPath: folder).standardizedFileURL
        guard let enumerator = FileManager.default.enumerator(at: root, includingPropertiesForKeys: [.isDirectoryKey],
                                                              options: [.skipsHiddenFiles]) else { return [] }
        var found = Set<String>()
        let prefix = root.path.hasSuffix("/") ? root.path : root.path + "/"
        for case let file as URL in enumerator {
            if (try? file.resourceValues(forKeys: [.isDirectoryKey]))?.isDirectory == true { continue }
            guard file.lastPathComponent.lowercased().hasSuffix(".png") else { continue }
            let full = file.standardizedFileURL.path
            guard full.hasPrefix(prefix) else { continue }
            found.insert(String(full.dropFirst(prefix.count)))
        }
        return found
    }
}
