import Foundation
import TestSupport
import Testing

/// The whole `--help` text of each subcommand is pinned, so a change to the interface is always deliberate:
/// after changing an option, run `FRAMEGRAB_UPDATE_HELP=1 swift test --filter HelpTextTests` and review the
/// difference in Tests/framegrabTests/Help/.
@Suite struct HelpTextTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Help")

    @Test(arguments: [("framegrab", ["--help"]), ("grab", ["help", "grab"]), ("sheet", ["help", "sheet"]), ("storyboard", ["help", "storyboard"]),
                      ("probe", ["help", "probe"]), ("shots", ["help", "shots"]), ("poster", ["help", "poster"]),
                      ("compare", ["help", "compare"])])
    func helpIsPinned(name: String, arguments: [String]) throws {
        // Help is wrapped to the terminal's width, or to $COLUMNS: pinned at 80.
        let result = try Framegrab.runInBash("COLUMNS=80 \"$FRAMEGRAB\" " + arguments.joined(separator: " "),
                                             in: FileManager.default.temporaryDirectory)
        #expect(result.status == 0, "\(result)")
        let file = Self.folder.appendingPathComponent("\(name).txt")
        if ProcessInfo.processInfo.environment["FRAMEGRAB_UPDATE_HELP"] == "1" {
            try Data(result.stdout.utf8).write(to: file)
            return
        }
        let pinned = try String(contentsOf: file, encoding: .utf8)
        #expect(result.stdout == pinned, "framegrab \(arguments.joined(separator: " ")) differs from \(file.path); see HelpTextTests")
    }
}
