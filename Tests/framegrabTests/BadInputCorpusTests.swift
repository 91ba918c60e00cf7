import Foundation
import FrameGrab
import TestSupport
import Testing

/// The whole corpus of bad inputs in one batch: every input gets its documented answer, the run neither
/// crashes nor hangs, and only complete PNGs are left behind.
@Suite struct BadInputCorpusTests {
    @Test func everyBadInputGetsItsDocumentedAnswer() throws {
        try Scratch.with { scratch in
            let corpus = try BadInputCorpus.make(in: scratch)
            let result = try scratch.run(corpus.map(\.path) + ["--json", "-j", "2", "-o", "out/{name}-{index}.png",
                                                               "-t", BadInputCorpus.times.joined(separator: ",")],
                                         timeout: 120)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr == "", "JSON mode reports on stdout: \(result)")
            let records = jsonRecords(result)
            let written = scratch.expectOnlyPNGs(under: "out")
            for entry in corpus {
                let mine = records.filter { $0.input == entry.path }
                switch entry.expectation {
                case .inputFails(let code):
                    #expect(mine.count == 1, "\(entry.path): one line for the input: \(mine)")
                    #expect(mine.first?.code == code, "\(entry.path): \(mine)")
                    #expect(mine.first?.index == nil, "\(entry.path): an input-level line: \(mine)")
                    #expect(mine.first?.error?.contains(entry.path) == true, "the message names the input: \(mine)")
                case .damaged(let fixture, let minimumImages):
                    expectDamagedAnswers(mine, entry: entry, fixture: fixture, minimumImages: minimumImages, written: written)
                }
            }
            #expect(records.count == records.filter { record in corpus.contains { $0.path == record.input } }.count,
                    "no line about anything else")
        }
    }

    private func expectDamagedAnswers(_ records: [JSONRecord], entry: BadInputCorpus.Entry, fixture: String, minimumImages: Int,
                                      written: [String: FrameImage], sourceLocation: SourceLocation = #_sourceLocation) {
        if records.count == 1, records[0].index == nil {
            #expect(["invalidData", "noVideoStream", "unsupportedCodec", "tooLarge"].contains(records[0].code ?? ""),
                    "\(entry.path): \(records[0])", sourceLocation: sourceLocation)
            #expect(minimumImages == 0, "\(entry.path) should still give images: \(records[0])", sourceLocation: sourceLocation)
            return
        }
        #expect(records.count == BadInputCorpus.times.count, "\(entry.path): one line per request: \(records)", sourceLocation: sourceLocation)
        let byIndex = records.sorted { ($0.index ?? 0) < ($1.index ?? 0) }
        let images = byIndex.prefix { $0.isImage }
        #expect(images.count >= minimumImages, "\(entry.path): \(images.count) images before the cut, want \(minimumImages): \(records)",
                sourceLocation: sourceLocation)
        for failure in byIndex.dropFirst(images.count) {
            #expect(["decodeFailed", "beyondEnd", "invalidData"].contains(failure.code ?? ""), "\(entry.path): \(failure)",
                    sourceLocation: sourceLocation)
        }
        guard !fixture.isEmpty, minimumImages > 0 else { return }
        // Every image before the cut shows the frame on screen at its time.
        let video = Fixtures.video(fixture)
        for record in images {
            guard let path = record.path, let requested = record.requested else { continue }
            let name = String(path.dropFirst("out/".count))
            expectShows(written[name], frame: video.frameShown(at: seconds(String(requested))), "\(entry.path) at \(requested)",
                        sourceLocation: sourceLocation)
        }
    }
}
