import Foundation
import FrameGrab

extension MosaicRun {
    /// A storyboard: cells placed in their sprite as they arrive, each sprite written as soon as all its
    /// cells are in (so memory holds the sprites being filled, not all of them), then the VTT.
    func makeStoryboard(_ job: Job, asset: MediaAsset, generator: AssetImageGenerator, times: [MediaTime],
                        length: MediaTime, rows: Int) async throws(FrameGrabError) {
        let input = job.input.path
        guard !times.isEmpty else {
            throw FrameGrabError(.invalidTime, "\(input): no time falls inside the video, so the storyboard has no cell", path: input)
        }
        let layout = StoryboardLayout(cell: generator.imageSize, count: times.count, columns: settings.columns, rows: rows)
        let sprite = layout.size(of: 0)
        try MosaicRun.checkSize(sprite.width, sprite.height, of: "a sprite of \(layout.cells(in: 0)) cells", input: input)
        let names = (1...layout.spriteCount).map { StoryboardRun.spriteName(base: job.path, number: $0, format: settings.format) }
        let folder = StoryboardRun.folder(of: job.path)
        var filling: [Int: (box: CanvasBox, remaining: Int)] = [:]
        var written: [String] = []
        var answered = 0
        for await result in generator.results(for: times) {
            let position = result.requestIndex, sprite = layout.sprite(of: position), cell = layout.rect(position)
            if case .failure(let error) = result.outcome, error.code == .cancelled { continue }
            if filling[sprite] == nil {
                let size = layout.size(of: sprite)
                filling[sprite] = (CanvasBox(width: size.width, height: size.height), layout.cells(in: sprite))
            }
            let box = filling[sprite]!.box
            switch result.outcome {
            case .success(let generated):
                await WorkPool.shared.run(first: true) { box.canvas.withLock { $0.place(generated.image, in: cell) } }
                counts.update { $0.requestsDone += 1 }
            case .failure(let error):
                reportFailure(input: input, index: position + 1, requested: result.requestedTime, error: error)
                await WorkPool.shared.run(first: true) {
                    box.canvas.withLock { $0.fill(MosaicCanvas.failedCell, x: cell.x, y: cell.y, width: cell.width, height: cell.height) }
                }
            }
            answered += 1
            filling[sprite]!.remaining -= 1
            if filling[sprite]!.remaining == 0 {
                let path = StoryboardRun.join(folder, names[sprite])
                do {
                    try await write(box.snapshot, to: path)
                } catch {
                    StoryboardRun.remove(written)
                    throw error
                }
                written.append(path)
                filling[sprite] = nil
            }
        }
        guard answered == times.count else {
            // Interrupted: the sprites already written are removed, so no storyboard is left half made.
            StoryboardRun.remove(written)
            throw FrameGrabError(.cancelled, "\(input): cancelled", path: input)
        }
        let starts = times.map(StoryboardRun.milliseconds)
        // The last cue runs to the end of the player's timeline (the container's duration: audio may run on).
        let vtt = StoryboardVTT.text(starts: starts, end: StoryboardRun.milliseconds(asset.duration.isNumeric ? asset.duration : length),
                                     layout: layout, spriteNames: names)
        let vttPath = job.path + ".vtt"
        do {
            try await WorkPool.shared.run(first: true) { () throws -> Void in try AtomicFile.write(Array(vtt.utf8), to: vttPath) }
        } catch {
            StoryboardRun.remove(written)
            let reason = (error as? AtomicFile.WriteError)?.reason ?? (error as NSError).localizedDescription
            throw FrameGrabError(.writeFailed, "cannot write \(vttPath): \(reason)", path: input)
        }
        counts.update { $0.written += 1 }
        reporter.emit(StoryboardRecord(input: input, vtt: vttPath, sprites: names.map { StoryboardRun.join(folder, $0) },
                                       cues: times.count, cell: layout.cell))
    }
}

/// Names and checks of a storyboard's files.
enum StoryboardRun {
    /// `<base name>-storyboard-<number>.<ext>`, beside the VTT.
    static func spriteName(base: String, number: Int, format: ImageFormat) -> String {
        "\(base.split(separator: "/").last.map(String.init) ?? base)-storyboard-\(number).\(format.fileExtension)"
    }

    /// The folder part of a path (empty for a bare name). (Foundation's `deletingLastPathComponent`
    /// crashes on a bare name on Linux.)
    static func folder(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "" }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }

    /// `name` in `folder` (itself when the folder is empty).
    static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    static func milliseconds(_ time: MediaTime) -> Int64 { time.convertScale(1000, rounding: .down).value }

    static func remove(_ paths: [String]) {
        for path in paths { try? FileManager.default.removeItem(atPath: path) }
    }

    /// Whether the storyboard at `base` is all there: its VTT, and every sprite it names, complete.
    static func isComplete(base: String, format: ImageFormat) -> Bool {
        guard let text = try? String(contentsOfFile: base + ".vtt", encoding: .utf8), text.hasPrefix("WEBVTT") else { return false }
        let folder = folder(of: base)
        var sprites = Set<String>()
        for line in text.split(separator: "\n") where line.contains("#xywh=") {
            let name = String(line[..<line.range(of: "#xywh=")!.lowerBound])
            sprites.insert(name.removingPercentEncoding ?? name)
        }
        return !sprites.isEmpty && sprites.allSatisfy { CompleteImage.exists(at: join(folder, $0), format: format) }
    }
}
