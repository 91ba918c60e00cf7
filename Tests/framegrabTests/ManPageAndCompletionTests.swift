import Foundation
import FrameGrab
import Testing

@Suite struct ManPageTests {
    static let manPage = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("man/framegrab.1")

    /// The page's text with roff's escaped hyphens made plain (`\-\-json` → `--json`).
    static func pageText() throws -> String {
        try String(contentsOf: manPage, encoding: .utf8).replacingOccurrences(of: "\\-", with: "-")
    }

    /// Every option of every subcommand's `--help` (`--json`, `-t`, …).
    static func optionsInHelp(_ arguments: [String]) throws -> Set<String> {
        let result = try Framegrab.run(arguments)
        #expect(result.status == 0, "\(result)")
        var options = Set<String>()
        for line in result.stdoutLines {
            // Option lines: "  -t, --time <time>   …" or "  --json   …"
            guard let match = line.range(of: #"^  (-[A-Za-z], )?--[a-z][a-z0-9-]*"#, options: .regularExpression) else { continue }
            for word in line[match].split(whereSeparator: { $0 == " " || $0 == "," }) { options.insert(String(word)) }
        }
        return options
    }

    @Test func everyOptionOfEverySubcommandIsInTheManPage() throws {
        let page = try Self.pageText()
        var checked = 0
        for arguments in [["--help"], ["grab", "--help"], ["sheet", "--help"], ["storyboard", "--help"], ["probe", "--help"], ["shots", "--help"], ["poster", "--help"]] {
            let options = try Self.optionsInHelp(arguments)
            #expect(options.count >= 3, "options read from \(arguments): \(options)")
            for option in options {
                checked += 1
                let pattern = "(^|[^a-z-])" + NSRegularExpression.escapedPattern(for: option) + "($|[^a-z-])"
                #expect(page.range(of: pattern, options: .regularExpression) != nil,
                        "framegrab \(arguments.joined(separator: " ")) has \(option); man/framegrab.1 does not")
            }
        }
        #expect(checked > 25)
        let rootHelp = try Framegrab.run(["--help"])
        #expect(rootHelp.stdout.contains("  probe ") && rootHelp.stdout.contains("  shots ") && rootHelp.stdout.contains("grab (default)"),
                "subcommands listed\n\(rootHelp)")
        #expect(page.contains("--generate-completion-script"))
        for word in ["invalidStream", "-o -", "chosenBecause", "movingOverStill", "<(seq", "WEBVTT", "#xywh=", "cellWidth", "\"tiles\""] {
            #expect(page.contains(word), "the man page does not mention \(word)")
        }
        for subcommand in ["grab", "sheet", "storyboard", "probe", "shots", "poster"] { #expect(page.contains(".B framegrab \(subcommand)"), "\(subcommand) in SYNOPSIS") }
    }

    /// Every error code of the library is in the README's table and in the man page's list (`invalidTime`
    /// too: sheet and storyboard report it for an input with too many times, or a storyboard with none).
    @Test func everyErrorCodeIsDocumented() throws {
        let page = try Self.pageText()
        let readme = try String(contentsOf: Self.manPage.deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("README.md"), encoding: .utf8)
        for code in FrameGrabError.Code.allCases.map(\.rawValue) {
            #expect(page.range(of: #"(^|[ "])"# + code + #"([ "]|$)"#, options: .regularExpression) != nil,
                    "the man page does not list \(code)")
            #expect(readme.contains("| `\(code)` |"), "the README's table of codes does not list \(code)")
        }
    }

    @Test func hasTheUsualSections() throws {
        let page = try String(contentsOf: Self.manPage, encoding: .utf8)
        let sections = page.split(separator: "\n").filter { $0.hasPrefix(".SH ") }.map { String($0.dropFirst(4)) }
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "OPTIONS", "TIME SYNTAX", "OUTPUT", "EXIT STATUS", "EXAMPLES"] {
            #expect(sections.contains(section), "no \(section) section: \(sections)")
        }
        #expect(page.contains("framegrab \(Framegrab.versionFromPage(page) ?? "?")"))
    }

    /// groff with every warning enabled has nothing to say about the page.
    @Test func rendersWithoutWarnings() throws {
        let (status, text) = try FFmpegTool.stderrOf(["groff", "-man", "-Tutf8", "-ww", "-z", Self.manPage.path])
        #expect(status == 0 && text.isEmpty, "groff: \(text)")
    }

    /// The page names the version the command reports.
    @Test func versionMatchesTheCommand() throws {
        let page = try String(contentsOf: Self.manPage, encoding: .utf8)
        let version = try Framegrab.run(["--version"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(Framegrab.versionFromPage(page) == version)
    }
}

extension Framegrab {
    /// The version in the page's `.TH` line (`"framegrab 0.1.0"`).
    static func versionFromPage(_ page: String) -> String? {
        guard let range = page.range(of: #"\"framegrab [0-9][^"]*\""#, options: .regularExpression) else { return nil }
        return String(page[range].dropFirst("\"framegrab ".count).dropLast())
    }
}

@Suite struct CompletionTests {
    @Test(arguments: ["bash", "zsh", "fish"])
    func completionScriptsKnowEverySubcommandAndOption(shell: String) throws {
        let result = try Framegrab.run(["--generate-completion-script", shell])
        #expect(result.status == 0, "\(result)")
        for word in ["probe", "keyframes", "skip-existing", "times-file", "recursive", "shard", "max-size", "stream",
                     "sheet", "storyboard", "tile-width", "format", "shots", "poster", "skip-blank"] {
            #expect(result.stdout.contains(word), "\(shell) completion lacks \(word)")
        }
    }

    @Test func bashCompletionIsValidBash() throws {
        let script = try Framegrab.run(["--generate-completion-script", "bash"]).stdout
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("framegrab-completion-\(UUID().uuidString).bash")
        try script.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/bin/bash")
        // Parse it, load it, and check that it registered a completion for framegrab.
        process.arguments = ["-c", "source \"$1\" && complete -p framegrab", "bash", file.path]
        let output = Pipe()
        process.standardOutput = output
        process.standardError = output
        try process.run()
        let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0 && text.contains("framegrab"), "\(text)")
    }
}
