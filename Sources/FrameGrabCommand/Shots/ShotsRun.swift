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

/// `framegrab shots`: lists the shots of each input in turn (the files of folders too, `recursive`: of their
/// subfolders), each line as soon as the shot's end is known. Returns whether every input was read to its end.
package enum ShotsRun {
    package static func run(inputs: [String], recursive: Bool = false, videoStream: Int?, json: Bool) async -> Bool {
        let reporter = Reporter(output: Output(), json: json)
        let discovery = InputDiscovery.discover(inputs, recursive: recursive)
        var complete = discovery.problems.isEmpty
        for problem in discovery.problems {
            reporter.emit(InputFailureRecord(input: problem.path, error: FrameGrabError(problem.code, problem.message, path: problem.path)))
        }
        for input in discovery.inputs {
            switch await GrabRun.asset(for: input, planned: nil, limits: .default, videoStream: videoStream) {
            case .notVideo(let error):
                reporter.emit(NotVideoRecord(input: input.path, error: error))
            case .failed(let error):
                complete = false
                reporter.emit(InputFailureRecord(input: input.path, error: error))
            case .asset(let asset):
                do {
                    try asset.requireDecoder()
                    for try await shot in asset.shots() { reporter.emit(ShotRecord(input: input.path, shot: shot)) }
                } catch {
                    complete = false
                    let failure = error as? FrameGrabError ?? FrameGrabError(.decodeFailed, "\(input.path): \(error)", path: input.path)
                    reporter.emit(InputFailureRecord(input: input.path, error: failure))
                }
            }
        }
        return complete
    }
}
