import Foundation
import FrameGrab
import Locking

/// The canvas of one picture being made, filled on the work pool as stills arrive.
final class CanvasBox: Sendable {
    let canvas: Lock<MosaicCanvas>
    init(width: Int, height: Int) { canvas = Lock(MosaicCanvas(width: width, height: height)) }
    var snapshot: MosaicCanvas { canvas.withLock { $0 } }
}

extension MosaicRun {
    /// A contact sheet: every still in its tile as it arrives, then the header, then the file.
    /// `length`: the video's, measured when the container does not say (shown in the header then).
    /// `shots`: the video's shots when `--shots` asked for a tile each (at the time `TimeSpecification.shot` gives).
    func makeSheet(_ job: Job, asset: MediaAsset, generator: AssetImageGenerator, times: [MediaTime], shots: [Shot],
                   length: MediaTime, header: Bool, timestamps: Bool) async throws(FrameGrabError) {
        let input = job.input.path
        let layout: SheetLayout
        do {
            layout = try SheetLayout(cell: generator.imageSize, count: times.count, columns: settings.columns,
                                     timestamps: timestamps, header: header)
        } catch {
            throw FrameGrabError(.writeFailed, "\(input): cannot draw the sheet's text (\(error))", path: input)
        }
        try MosaicRun.checkSize(layout.width, layout.height, of: "the sheet of \(times.count) tiles", input: input)
        let box = CanvasBox(width: layout.width, height: layout.height)
        var tiles = [SheetRecord.Tile?](repeating: nil, count: times.count)
        // Exact stills are captioned with the time asked for (the frame on screen then); stills from a
        // window, and those --skip-blank moved, with the frame's own time.
        let exact = settings.generation.isExact
        // A shot's tile keeps to its shot; with --skip-blank, every other tile to its slice of the video.
        let shotAt = Dictionary(shots.map { (TimeSpecification.shot($0).resolve(duration: length), $0) }) { first, _ in first }
        let slices = settings.skipBlank == nil ? times.map(FrameRequest.init(time:)) : BlankSkip.tileRequests(times, length: length)
        let requests = zip(times, slices).map { time, slice in
            shotAt[time].map { FrameRequest(time: time, nonBlankIn: BlankSkip.range(of: $0)) } ?? slice
        }
        for await result in generator.results(for: requests) {
            let position = result.requestIndex, cell = layout.cellRect(position)
            switch result.outcome {
            case .success(let generated):
                let rect = layout.pictureRect(position, size: PixelSize(width: generated.image.width, height: generated.image.height))
                let caption = MosaicRun.clock(exact && generated.blankFrameCheck != .moved ? result.requestedTime : generated.actualTime)
                let shot = shotAt[result.requestedTime]
                await WorkPool.shared.run(first: true) {
                    box.canvas.withLock { canvas in
                        canvas.place(generated.image, in: cell)
                        if let font = layout.captionFont {
                            canvas.drawCentred(caption, font: font, x: cell.x, width: cell.width, baseline: cell.y + cell.height + 2 + font.ascent)
                        }
                    }
                }
                tiles[position] = SheetRecord.Tile(index: position + 1, requested: result.requestedTime,
                                                   outcome: .success(actual: generated.actualTime, rect: rect, blank: generated.blankFrameCheck),
                                                   shot: shot)
                counts.update { $0.requestsDone += 1 }
            case .failure(let error):
                if error.code == .cancelled { continue }
                reportFailure(input: input, index: position + 1, requested: result.requestedTime, error: error)
                tiles[position] = SheetRecord.Tile(index: position + 1, requested: result.requestedTime, outcome: .failure(error))
                let caption = "failed: \(error.code.rawValue)"
                await WorkPool.shared.run(first: true) {
                    box.canvas.withLock { canvas in
                        canvas.fill(MosaicCanvas.failedCell, x: cell.x, y: cell.y, width: cell.width, height: cell.height)
                        if let font = layout.captionFont {
                            canvas.drawCentred(caption, font: font, x: cell.x, width: cell.width,
                                               baseline: cell.y + cell.height + 2 + font.ascent, color: MosaicCanvas.dimText)
                        }
                    }
                }
            }
        }
        let answered = tiles.compactMap { $0 }
        guard answered.count == times.count else {
            // Interrupted: no sheet with holes is written.
            throw FrameGrabError(.cancelled, "\(input): cancelled", path: input)
        }
        if let font = layout.headerFont {
            let lines = MosaicRun.headerLines(asset, name: job.input.templateName, length: length)
            let width = layout.width - 2 * SheetLayout.padding
            await WorkPool.shared.run(first: true) {
                box.canvas.withLock { canvas in
                    let top = SheetLayout.padding
                    canvas.draw(font.truncated(lines.0, toWidth: width, at: .middle), font: font, x: SheetLayout.padding, baseline: top + font.ascent)
                    canvas.draw(font.truncated(lines.1, toWidth: width), font: font, x: SheetLayout.padding,
                                baseline: top + font.lineHeight + SheetLayout.padding / 2 + font.ascent, color: MosaicCanvas.dimText)
                }
            }
        }
        try await write(box.snapshot, to: job.path)
        counts.update { $0.written += 1 }
        reporter.emit(SheetRecord(input: input, path: job.path, width: layout.width, height: layout.height, tiles: answered))
    }

    /// Refuses a picture of more than `MosaicSettings.maximumPictureSize` pixels.
    static func checkSize(_ width: Int, _ height: Int, of what: String, input: String) throws(FrameGrabError) {
        let pixels = width.multipliedReportingOverflow(by: height)
        guard pixels.overflow || pixels.partialValue > MosaicSettings.maximumPictureSize else { return }
        throw FrameGrabError(.tooLarge, "\(input): \(what) would be \(width)x\(height) pixels, more than \(MosaicSettings.maximumPictureSize / 1_000_000) megapixels; ask for fewer or narrower tiles", path: input)
    }

    /// The header: the file name (of `name`: the input's path, or what `--name` calls standard input), then
    /// its duration (the container's, else the video's `length`), display size, codec and file size.
    static func headerLines(_ asset: MediaAsset, name: String, length: MediaTime) -> (String, String) {
        let track = asset.videoTrack
        let bytes = asset.byteCount.map { Int($0) }
        let duration = asset.duration.isNumeric ? asset.duration : length
        var facts = ["duration " + (duration.isNumeric ? clock(duration) : "unknown"),
                     "\(track.displaySize.width)×\(track.displaySize.height)", track.codecName]
        if let bytes { facts.append(fileSize(bytes)) }
        return (MediaLocation.fileName(name), facts.joined(separator: " · "))
    }

    /// `812 bytes`, `40.2 kB`, `12.3 MB`, `1.2 GB` (decimal units, the same in every locale).
    static func fileSize(_ bytes: Int) -> String {
        if bytes < 1000 { return "\(bytes) bytes" }
        var value = Double(bytes) / 1000
        for unit in ["kB", "MB", "GB"] {
            if value < 1000 || unit == "GB" { return String(format: "%.1f %@", value, unit) }
            value /= 1000
        }
        return "\(bytes) bytes"
    }

    /// `HH:MM:SS.mmm`, rounded down to the millisecond.
    static func clock(_ time: MediaTime) -> String {
        time.isNumeric ? StoryboardVTT.timestamp(milliseconds: max(0, time.convertScale(1000, rounding: .down).value)) : "--:--:--.---"
    }
}
