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
        return await InputDiscovery.eachVideo(inputs, recursive: recursive, limits: .default, videoStream: videoStream,
                                              reporter: reporter) { asset, input throws(FrameGrabError) in
            try asset.requireDecoder()
            do {
                for try await shot in asset.shots() { reporter.emit(ShotRecord(input: input.path, shot: shot)) }
            } catch {
                throw error as? FrameGrabError ?? FrameGrabError(.decodeFailed, "\(input.path): \(error)", path: input.path)
            }
        }
    }
}
