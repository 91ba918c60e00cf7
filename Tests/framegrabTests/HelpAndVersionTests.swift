import Foundation
import TestSupport
import Testing

@Suite struct HelpAndVersionTests {
    /// Every option and flag declared in Sources/framegrab/Grab.swift and the option groups it uses
    /// (Options/TimeOptions.swift, with StillChoiceOptions, and Options/LimitOptions.swift), as `--long` (and `-x` when it has a short name), read from the source so that
    /// a new option cannot go unchecked.
    static let declaredOptions: [(long: String, short: String?)] = {
        let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("Sources/framegrab")
        let sources = ["Grab.swift", "Options/TimeOptions.swift", "Options/LimitOptions.swift"].compactMap {
            try? String(contentsOf: folder.appendingPathComponent($0), encoding: .utf8)
        }
        guard sources.count == 3 else { return [] }
        let source = sources.joined(separator: "\n")
        var options: [(String, String?)] = []
        let declaration = try! NSRegularExpression(pattern: #"@(?:Option|Flag)\b([\s\S]*?)\bvar\s+(\w+)"#)
        let whole = NSRange(source.startIndex..., in: source)
        for match in declaration.matches(in: source, range: whole) {
            let attribute = String(source[Range(match.range(at: 1), in: source)!])
            let property = String(source[Range(match.range(at: 2), in: source)!])
            var long = "--" + property.replacingOccurrences(of: "([a-z0-9])([A-Z])", with: "$1-$2", options: .regularExpression).lowercased()
            if let custom = attribute.range(of: #"customLong\("[^"]+"\)"#, options: .regularExpression) {
                long = "--" + attribute[custom].dropFirst("customLong(\"".count).dropLast(2)
            }
            let short = attribute.contains(".short") ? "-" + String(property.prefix(1)) : nil
            options.append((long, short))
        }
        return options
    }()

    /// The options as this test knows them; the declared ones must be the same list.
    static let knownOptions = ["--time", "--tolerance", "--tolerance-before", "--tolerance-after", "--max-size", "--no-autorotate",
                               "--aperture", "--depth", "--hdr", "--no-deinterlace", "--output", "--json", "--png-compression", "--png-filter", "--jobs", "--threads", "--verbose",
                               "--recursive", "--times-file", "--every", "--count", "--max-requests", "--skip-existing", "--shard", "--quiet",
                               "--metadata", "--golden", "--max-pixels", "--timeout", "--stream", "--format", "--quality", "--shots", "--skip-blank", "--skip-blank-window",
                               "--inputs-from", "--name"]

    @Test func theOptionListMatchesGrabSwift() {
        #expect(Set(Self.declaredOptions.map(\.long)) == Set(Self.knownOptions), "Grab.swift and its option groups declare \(Self.declaredOptions.map(\.long))")
    }

    func expectMentionsEveryOption(_ result: CommandResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(result.status == 0, "\(result)", sourceLocation: sourceLocation)
        #expect(!Self.declaredOptions.isEmpty, "no options read from Grab.swift", sourceLocation: sourceLocation)
        var missing: [String] = []
        for option in Self.declaredOptions {
            if !result.stdout.contains(option.long) { missing.append(option.long) }
            if let short = option.short, !result.stdout.contains("\(short), \(option.long)") { missing.append(short) }
        }
        #expect(missing.isEmpty, "help does not mention \(missing.joined(separator: " "))\n\(result)", sourceLocation: sourceLocation)
    }

    /// `framegrab --help` is what people type first; grabbing is the default subcommand, so its options
    /// belong in that help.
    @Test func helpMentionsEveryOption() throws {
        try Scratch.with { scratch in
            expectMentionsEveryOption(try scratch.run(["--help"]))
        }
    }

    @Test(arguments: [["grab", "--help"], ["help", "grab"], ["movie.mp4", "--help"]])
    func grabHelpMentionsEveryOption(arguments: [String]) throws {
        try Scratch.with { scratch in
            let result = try scratch.run(arguments)
            expectMentionsEveryOption(result)
            #expect(result.stdout.contains("TIME forms"), "\(result)")
        }
    }

    /// The help says what `-o -` and `--stream` do, and names the error code of a stream that is not video.
    @Test func helpExplainsStandardOutputAndStreams() throws {
        try Scratch.with { scratch in
            let result = try scratch.run(["--help"])
            let text = result.stdout.split(whereSeparator: \.isWhitespace).joined(separator: " ")
            for phrase in ["-o - writes the PNG itself to stdout", "--stream <n>", "invalidStream", "one-frame stills", "<(...)"] {
                #expect(text.contains(phrase), "--help lacks \(phrase)\n\(result.stdout)")
            }
            let probe = try scratch.run(["probe", "--help"])
            #expect(probe.stdout.contains("--stream <n>") && probe.stdout.contains("invalidStream"), "\(probe)")
        }
    }

    @Test func versionPrintsAVersion() throws {
        try Scratch.with { scratch in
            let result = try scratch.run(["--version"])
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout.range(of: #"^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?\n$"#, options: .regularExpression) != nil, "\(result)")
            #expect(result.stderr == "", "\(result)")
            #expect(scratch.files(under: ".").isEmpty)
        }
    }

    /// The command never reads its standard input: it finishes even when stdin is left open with data.
    @Test func standardInputIsIgnored() throws {
        try Scratch.with { scratch in
            let result = try scratch.run([bframesPath, "-o", "out/", "-t", "1"], stdin: Data("2\n3\n".utf8))
            #expect(result.status == 0 && result.stdoutLines == ["out/h264-bframes-1.png"], "\(result)")
            scratch.expectOnlyPNGs(under: "out")
        }
    }
}
