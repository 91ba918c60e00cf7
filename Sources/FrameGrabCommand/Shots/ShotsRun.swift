import FrameGrab

/// One shot of an input, as `framegrab shots` prints it.
package struct ShotRecord: ReportRecord {
    package let input: String
    package let shot: Shot

    package var json: JSONValue {
        .object([.init("input", .string(input))] + shotFields(shot))
    }
    package var plain: PlainLine {
        .result("\(input): shot \(shot.number) \(shot.start.decimalSeconds)–\(shot.end.decimalSeconds)")
    }
}

/// `framegrab shots`: lists the shots of each input in turn, each line as soon as the shot's end is known.
/// Returns whether every input was read to its end.
package enum ShotsRun {
    package static func run(inputs: [String], videoStream: Int?, json: Bool) async -> Bool {
        let reporter = Reporter(output: Output(), json: json)
        var complete = true
        for input in inputs {
            do {
                let asset = try await MediaAsset.open(path: input, videoStream: videoStream)
                try asset.requireDecoder()
                for try await shot in asset.shots() { reporter.emit(ShotRecord(input: input, shot: shot)) }
            } catch {
                complete = false
                let failure = error as? FrameGrabError ?? FrameGrabError(.decodeFailed, "\(input): \(error)", path: input)
                reporter.emit(InputFailureRecord(input: input, error: failure))
            }
        }
        return complete
    }
}
