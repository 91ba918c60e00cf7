import Foundation
import FrameGrab
@testable import FrameGrabCommand
import Testing

/// Every kind of record, rendered to JSON (keys in the documented order, exact times) and to plain lines.
@Suite struct ReportRecordTests {
    let requested = MediaTime(value: 5, timescale: 2)
    let actual = MediaTime(value: 2_502_000, timescale: 1_000_000)

    func image() -> ImageFacts {
        ImageFacts(input: "in \"x\".mp4", index: 3, requested: requested, actual: actual, width: 640, height: 360, keyframe: false)
    }

    @Test func images() {
        let record = ImageRecord(image: image(), path: "out/a.png", toStandardOutput: false)
        #expect(record.json.text == #"{"input":"in \"x\".mp4","index":3,"requested":2.5,"actual":2.502,"path":"out/a.png","width":640,"height":360,"keyframe":false}"#)
        #expect(record.plain == .result("out/a.png"))
        #expect(ImageRecord(image: image(), path: "-", toStandardOutput: true).plain == .silent)
    }

    @Test func failuresOfRequestsAndOfInputs() {
        let error = FrameGrabError(.beyondEnd, "in.mp4 at 99s: past the end", path: "in.mp4", requestedTime: requested)
        let request = RequestFailureRecord(input: "in.mp4", index: 2, requested: .invalid, error: error)
        #expect(request.json.text == #"{"input":"in.mp4","index":2,"requested":null,"error":"in.mp4 at 99s: past the end","code":"beyondEnd"}"#)
        #expect(request.plain == .message("framegrab: in.mp4 at 99s: past the end"))
        let input = InputFailureRecord(input: "in.mp4", error: FrameGrabError(.notFound, "in.mp4: no such file", path: "in.mp4"))
        #expect(input.json.text == #"{"input":"in.mp4","error":"in.mp4: no such file","code":"notFound"}"#)
    }

    @Test func skipsAreSaidOnlyInJSON() {
        let record = SkipRecord(input: "in.mp4", index: 1, requested: requested, path: "a.png")
        #expect(record.json.text == #"{"input":"in.mp4","index":1,"requested":2.5,"path":"a.png","skipped":true}"#)
        #expect(record.plain == .silent)
    }

    @Test func notVideoDropsTheRepeatedFileName() {
        let record = NotVideoRecord(input: "d/notes.txt", error: FrameGrabError(.invalidData, "d/notes.txt: invalid data", path: "d/notes.txt"))
        #expect(record.json.text == #"{"input":"d/notes.txt","error":"d/notes.txt: not a video, left out (invalid data)","code":"notVideo"}"#)
        #expect(record.plain == .message("framegrab: d/notes.txt: not a video, left out (invalid data)"))
    }

    @Test func verdictsOfPairsAndOfGoldenImages() {
        let metrics = ImageMetrics(maxDifference: 3, differingPixels: 12, pixelCount: 76800, psnr: .infinity, ssim: 0.9987, peak: 255)
        let verdict = PairVerdict(kind: .fail, metrics: metrics, reasons: ["max-diff 3 > 2"], resized: false)
        let pair = VerdictRecord(subject: .pair(relativePath: "a/x.png", actual: "A/a/x.png", golden: nil), verdict: verdict, allowed: false)
        #expect(pair.json.text == #"{"path":"a/x.png","actual":"A/a/x.png","golden":null,"verdict":"fail","allowed":false,"maxDiff":3,"differingPixels":12,"pixels":76800,"psnr":null,"ssim":0.998700,"peak":255,"resized":false,"reasons":["max-diff 3 > 2"],"updated":false}"#)
        #expect(pair.plain == .result("FAIL a/x.png: max-diff=3 differing=12/76800 psnr=inf ssim=0.998700 — max-diff 3 > 2"))
        let golden = VerdictRecord(subject: .image(image(), golden: "g/a.png"), verdict: PairVerdict(kind: .missing, reasons: ["no golden file g/a.png"]), diff: "d/a.png")
        #expect(golden.json.text.hasPrefix(#"{"input":"in \"x\".mp4","index":3,"requested":2.5,"actual":2.502,"golden":"g/a.png","width":640"#))
        #expect(golden.json.text.hasSuffix(#""verdict":"missing","allowed":false,"reasons":["no golden file g/a.png"],"updated":false,"diff":"d/a.png"}"#))
    }

    @Test func summaries() {
        var counts = RunCounts.Snapshot()
        counts.written = 4
        counts.failed = 1
        counts.notVideo = 2
        let run = RunSummaryRecord(counts: counts, files: 3, elapsed: 1.23456)
        #expect(run.json.text == #"{"summary":{"files":3,"written":4,"failed":1,"skipped":0,"notVideo":2,"seconds":1.235}}"#)
        #expect(run.plain == .message("framegrab: 4 written, 1 failed, 0 skipped, 2 not video (3 files, 1.2 s)"))
        let compare = CompareSummaryRecord(pairs: 3, counts: [.pass: 2, .extra: 1], updated: 0, status: 1)
        #expect(compare.json.text == #"{"summary":{"pairs":3,"passed":2,"failed":0,"missing":0,"extra":1,"unreadable":0,"updated":0,"status":1}}"#)
        #expect(compare.plain == .result("framegrab compare: 3 pairs, 2 passed, 0 failed, 0 missing, 1 extra, 0 unreadable, 0 updated — FAILED"))
    }

    @Test func theEncoderEscapesAndWritesNumbersExactly() {
        let value = JSONValue.object([.init("s", .string("a\nb\t\u{1}\\\"é")), .init("n", .number(0.25)), .init("w", .number(3)),
                                      .init("inf", .number(-.infinity)), .init("list", .array([.int(1), .null, .bool(true)]))])
        #expect(value.text == #"{"s":"a\nb\t\u0001\\\"é","n":0.25,"w":3,"inf":null,"list":[1,null,true]}"#)
        let parsed = try? JSONSerialization.jsonObject(with: Data(value.text.utf8)) as? [String: Any]
        #expect(parsed?["s"] as? String == "a\nb\t\u{1}\\\"é")
    }

    @Test func theReporterPrintsJSONOrPlainLines() {
        let captured = CapturedOutput()
        let record = NotVideoRecord(input: "x", error: FrameGrabError(.invalidData, "x: bad", path: "x"))
        Reporter(output: captured.output(), json: true).emit(record)
        Reporter(output: captured.output(), json: false).emit(record)
        Reporter(output: captured.output(), json: false).emit(SkipRecord(input: "x", index: 1, requested: .zero, path: "p"))
        #expect(captured.standardOutput == [record.json.text])
        #expect(captured.standardError == ["framegrab: x: not a video, left out (bad)"])
    }
}
