import ArgumentParser
import Foundation
import FrameGrab
import FrameGrabCommand

/// The grab subcommand: its own options (times, tolerances, batch and format come from the groups in
/// Options/), their checks, and the settings handed to `GrabRun`.
struct Grab: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write one image (PNG, JPEG or WebP) per requested time of each input (the default subcommand).",
        usage: "framegrab [grab] <input> ... -t <time> [-t <time> ...] [<options>]",
        discussion: """
            TIME forms: 12.5, 12.5s, 1500ms, 02:03, 01:02:03.250, 50% (of the duration; 100% is the last frame). \
            Time 0 is the start of the file's timeline. By default each image is the frame on screen at the \
            time (exact); a tolerance lets framegrab return the nearest keyframe inside [T - before, T + after] \
            instead, which is faster.

            Inputs may be folders: their files are read in sorted order, and a file found there that is not \
            video (judged by its contents) is reported once as notVideo without failing the run. The input - \
            is a video on standard input (curl ... | framegrab - --count 4), read in one forward pass: each \
            image is the exact frame, {name} is stdin unless --name names it, and what a pipe cannot give (an \
            MP4 whose index follows its frames; %, --count or --every where the container states no length) \
            fails with needsSeekableInput.

            Output: one line per written image on stdout (its path), in the order images complete; errors on \
            stderr, one line each naming the input and the time; a progress bar on stderr when it is a terminal, \
            and a summary line at the end. With --json, one JSON object per line instead, and a final \
            {"summary":...} object. Exit status: 0 all images written, 1 some request or input failed, \
            64 usage error, 130 interrupted.

            -o - writes the PNG itself to stdout, and nothing else goes there: one input file (not a folder) \
            and exactly one time (framegrab movie.mp4 -t 5 -o - | display). Messages and the summary stay on \
            stderr; with --json the JSON lines go to stderr too (in place of the summary line). A file named \
            - is ./-.

            Files with several video streams (motion photos, multi-angle recordings, thumbnail streams): \
            framegrab takes a moving stream over one-frame stills, else FFmpeg's own choice; `framegrab probe` \
            says which and why. --stream N takes the stream of index N instead; an index that is not a video \
            stream FFmpeg can decode fails the input with the code invalidStream.

            With --golden DIR nothing is written (except difference images with --diff-out): each image is \
            compared with DIR/<template> (the default template {name}-{index}.png) and one verdict line per \
            image is printed, as by `framegrab compare`. Exit status: 0 every image matches, 1 a request \
            failed or an image differs or has no golden file, 2 a golden file is unreadable or not a PNG.
            """
    )

    @Argument(help: InputListOptions.inputsHelp)
    var inputs: [String] = []

    @OptionGroup var timeOptions: TimeOptions

    @OptionGroup var tolerances: ToleranceOptions

    @OptionGroup var choice: StillChoiceOptions

    @Option(name: .customLong("max-size"), help: ArgumentHelp("Fit images inside WxH, keeping their shape and never enlarging; 0 leaves a side free (320x0).", valueName: "WxH"),
            transform: { try PixelSize(parsing: $0) })
    var maxSize: PixelSize?

    @Flag(name: .customLong("no-autorotate"), help: "Keep the stored orientation instead of applying the video's rotation.")
    var noAutorotate = false

    @Option(help: ArgumentHelp("production: square pixels (the sample aspect ratio applied); encoded: stored pixels.", valueName: "production|encoded"))
    var aperture: ApertureMode = .productionAperture

    @Option(help: ArgumentHelp("Bits per channel of the PNGs: 8, or 16 to keep the precision of 10- and 12-bit video.", valueName: "8|16"))
    var depth: OutputDepth = .eight

    @Option(help: ArgumentHelp("HDR (PQ, HLG) video: tonemap to SDR BT.709, or keep the signal as a 16-bit PNG tagged with cICP.", valueName: "tonemap|keep"))
    var hdr: HDRPolicy = .toneMap

    @Flag(name: .customLong("no-deinterlace"), help: "Keep both fields of interlaced frames instead of deinterlacing them.")
    var noDeinterlace = false

    @Option(name: [.short, .long], help: ArgumentHelp("""
        Output path template. Tokens: {name} input file name without extension, {index} request position \
        from 1 (zero-padded), {ms} requested time in milliseconds, {time} requested time as HH-MM-SS.mmm, \
        {dir} the input's folder relative to the folder argument it was found under. A value ending in / is \
        a folder for the default name. - writes the one image to stdout.
        """, valueName: "template"))
    var output: String = OutputTemplate.defaultFileName

    @Option(help: ArgumentHelp("Take images from the video stream of this index (as probe lists it) instead of the one framegrab chooses; an index that is not a decodable video stream fails the input (invalidStream).", valueName: "n"))
    var stream: Int?

    @Flag(help: "Print one JSON object per result instead of plain lines.")
    var json = false

    @Option(name: .customLong("png-compression"), help: ArgumentHelp("PNG compression: fast, default (libdeflate), best (zlib level 9) or a zlib level 0-9.", valueName: "level"))
    var pngCompression: PNGCompression?

    @Option(name: .customLong("png-filter"), help: ArgumentHelp("PNG row filter: none, sub, up, average, paeth, adaptive (libpng picks per row) or auto (one per image).", valueName: "filter"))
    var pngFilter: PNGOptions.Filter?

    @OptionGroup var formatOptions: FormatOptions

    @OptionGroup var batch: BatchOptions

    @Flag(help: "Add PNG text chunks: source file name, stream, requested and actual time.")
    var metadata = false

    @Option(help: ArgumentHelp("Compare each image with the file -o DIR/<template> would write, instead of writing it; the options below set the thresholds (as for compare).", valueName: "dir"))
    var golden: String?

    @OptionGroup
    var comparison: ComparisonOptions

    /// The preset of `--png-compression`, with `--png-filter` (if given) in place of its filter.
    private var pngOptions: PNGOptions {
        var options = pngCompression?.options ?? .default
        if let pngFilter { options.filter = pngFilter }
        return options
    }

    @OptionGroup(title: "Limits")
    var limits: LimitOptions

    func validate() throws {
        try batch.walk.list.validate(arguments: inputs, timesFile: timeOptions.timesFile, name: batch.name)
        if timeOptions.isEmpty && !choice.shots {
            throw ValidationError("Give at least one time with -t/--time, --times-file, --every, --count or --shots.")
        }
        if golden == nil && comparison.isSet {
            throw ValidationError("--max-diff, --max-differing-pixels, --min-psnr, --min-ssim, --resize and --diff-out need --golden DIR (or use framegrab compare).")
        }
        if golden != nil && batch.skipExisting {
            throw ValidationError("--skip-existing cannot be used with --golden (the golden files exist).")
        }
        if let stream, stream < 0 { throw ValidationError("--stream wants a stream index, 0 or more.") }
        if writesToStandardOutput { try validateStandardOutput() }
        if golden != nil && output.hasPrefix("/") {
            throw ValidationError("with --golden, --output is a template inside the golden folder and cannot be an absolute path.")
        }
        let format = try imageFormat()
        if format != .png {
            let why = "--format \(format.rawValue) writes 8-bit \(format.rawValue.uppercased()) files"
            if depth == .sixteen { throw ValidationError("\(why); --depth 16 needs PNG.") }
            if hdr == .keep { throw ValidationError("\(why); --hdr keep needs PNG (16 bits, tagged with cICP).") }
            if metadata { throw ValidationError("\(why); --metadata writes PNG text chunks.") }
            if golden != nil { throw ValidationError("\(why); --golden compares with PNG golden files.") }
            if pngCompression != nil || pngFilter != nil { throw ValidationError("\(why); --png-compression and --png-filter are for PNG.") }
        }
    }

    /// The images' format: --format, else the output's extension, else PNG. Without -o, the default file
    /// name takes the format's extension.
    func imageFormat() throws -> ImageFormat {
        if writesToStandardOutput || output == OutputTemplate.defaultFileName { return try formatOptions.resolve(for: "") }
        var isFolder: ObjCBool = false
        if output.hasSuffix("/") || (FileManager.default.fileExists(atPath: output, isDirectory: &isFolder) && isFolder.boolValue) {
            return try formatOptions.resolve(for: "")
        }
        return try formatOptions.resolve(for: output)
    }

    /// `-o -`: the image goes to stdout.
    var writesToStandardOutput: Bool { output == Grab.standardOutputPath }

    static let standardOutputPath = "-"

    /// `-o -` writes exactly one image to stdout: one input file and one time, nothing that writes elsewhere
    /// or looks for files. (`--every` and `--times-file` are counted once the times are known.)
    private func validateStandardOutput() throws {
        let why = "-o - writes one image to standard output"
        if golden != nil { throw ValidationError("\(why); --golden compares images instead of writing them, so it cannot be used with -o -.") }
        if batch.skipExisting { throw ValidationError("\(why); --skip-existing looks for image files, which -o - does not write.") }
        if batch.walk.list.inputsFrom != nil { throw ValidationError("\(why), so it takes one input file named on the command line, not --inputs-from.") }
        if inputs.count != 1 { throw ValidationError("\(why), so it takes one input file, not \(inputs.count).") }
        var info = stat()
        if stat(inputs[0], &info) == 0, info.st_mode & S_IFMT == S_IFDIR {
            throw ValidationError("\(why); \(inputs[0]) is a folder, which can hold many videos. Name one file, or write to a folder with -o DIR/.")
        }
        let requests = timeOptions.fixedCount
        if requests > 1 { throw ValidationError("\(why), but \(requests) times are asked for; ask for one, or write files with -o DIR/.") }
        if isatty(STDOUT_FILENO) == 1 {
            throw ValidationError("\(why), which is a terminal here; pipe it to a program (| display) or redirect it (> still.png).")
        }
    }

    func run() async throws {
        FFmpegLog.setVerbose(batch.walk.verbose)
        let goldenCheck = golden.map {
            GoldenCheck(folder: $0, thresholds: comparison.thresholds, resize: comparison.resize, diffOut: comparison.diffOut)
        }
        let format = try imageFormat()
        let defaultName = "{name}-{index}.\(format.fileExtension)"
        // Parsed once, here: a malformed template is a usage error like those of validate().
        let template: OutputTemplate
        do {
            template = try goldenCheck?.template(output)
                ?? OutputTemplate(output == OutputTemplate.defaultFileName ? defaultName : output, defaultName: defaultName)
        } catch {
            throw ValidationError("\(error)")
        }
        var settings = GrabSettings(inputs: try batch.walk.list.inputs(inputs, timesFile: timeOptions.timesFile, name: batch.name), selection: try timeOptions.selection(shots: choice.shots), template: template)
        settings.recursive = batch.walk.recursive
        settings.standardInputName = batch.name
        tolerances.apply(to: &settings.generation)
        settings.skipBlank = choice.blankSkip
        settings.generation.maximumSize = maxSize ?? .zero
        settings.generation.appliesPreferredTrackTransform = !noAutorotate
        settings.generation.apertureMode = aperture
        settings.generation.outputDepth = depth
        settings.generation.hdrPolicy = hdr
        settings.generation.deinterlaces = !noDeinterlace
        settings.generation.decoderThreadCount = batch.threads ?? 0
        settings.format = format
        settings.quality = formatOptions.quality ?? ImageFormat.defaultQuality
        settings.png = pngOptions
        settings.json = json
        if let jobs = batch.walk.jobs { settings.jobs = jobs }
        settings.skipExisting = batch.skipExisting
        settings.shard = batch.walk.shard
        settings.quiet = batch.walk.quiet
        settings.metadata = metadata
        settings.golden = goldenCheck
        settings.limits = limits.assetLimits
        settings.videoStream = stream
        settings.toStandardOutput = writesToStandardOutput
        settings.maximumRequests = timeOptions.maxRequests
        let status = await GrabRun(settings: settings).run()
        if status != 0 { throw ExitCode(status) }
    }
}
